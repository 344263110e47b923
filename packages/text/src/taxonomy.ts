/**
 * An organisation's topic taxonomy and the changes an administrator makes to it: add (from nothing or from a
 * built-in topic), rename or re-seed, move under a parent, merge into another topic, retire. Built-in topics are
 * the starting template: they are detected until the organisation retires them or merges them into its own.
 * Pure: the caller stores the result and its version.
 */
import { expandCustomTopics } from './topic-expansion.js';
import { type CustomTopic, DEFAULT_TOPICS } from './topics.js';

export type TopicStatus = 'active' | 'retired' | 'merged';

export interface OrganisationTopic {
  id: string;
  label: string;
  seedTerms: string[];
  excludes: string[];
  parentId: string | null;
  status: TopicStatus;
  /** The topic a merged topic went into. */
  mergedInto: string | null;
}

export type TaxonomyChange =
  | {
      kind: 'add';
      id: string;
      label: string;
      seedTerms: string[];
      excludes?: string[];
      parentId?: string | null;
    }
  | {
      kind: 'update';
      id: string;
      label?: string;
      seedTerms?: string[];
      excludes?: string[];
      parentId?: string | null;
    }
  | { kind: 'merge'; id: string; into: string }
  | { kind: 'retire'; id: string };

/**
 * A change the taxonomy refuses; `path` names the field at fault, as the API reports it. `missingTopic`: the
 * topic the change is about does not exist (or is no longer active).
 */
export class TaxonomyError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly missingTopic = false,
  ) {
    super(message);
  }
}

const builtIn = new Map(DEFAULT_TOPICS.map((topic) => [topic.id, topic]));

/** The topics as the organisation sees them: its own, and every built-in it has not replaced, as active. */
export function topicsInUse(topics: readonly OrganisationTopic[]): OrganisationTopic[] {
  const own = new Set(topics.map((topic) => topic.id));
  const template = DEFAULT_TOPICS.filter((topic) => !own.has(topic.id)).map(
    (topic): OrganisationTopic => ({
      id: topic.id,
      label: topic.label,
      seedTerms: [...topic.terms],
      excludes: [...(topic.excludes ?? [])],
      parentId: null,
      status: 'active',
      mergedInto: null,
    }),
  );
  return [...template, ...topics];
}

function unique(terms: readonly string[]): string[] {
  return [...new Set(terms.map((term) => term.trim().toLowerCase()).filter((term) => term !== ''))];
}

function checkParent(topics: readonly OrganisationTopic[], id: string, parentId: string | null | undefined) {
  if (parentId === undefined || parentId === null) return;
  let current: string | null = parentId;
  const seen = new Set<string>();
  while (current !== null && !seen.has(current)) {
    if (current === id) throw new TaxonomyError('/parentId', 'a topic cannot sit below itself');
    seen.add(current);
    const parent = topics.find((topic) => topic.id === current);
    if (parent === undefined || parent.status !== 'active')
      throw new TaxonomyError('/parentId', `no active topic ${current}`);
    current = parent.parentId;
  }
}

function activeTopic(topics: readonly OrganisationTopic[], id: string, path: string): OrganisationTopic {
  const topic = topics.find((candidate) => candidate.id === id);
  if (topic === undefined || topic.status !== 'active')
    throw new TaxonomyError(path, `no active topic ${id}`, path === '/id');
  return topic;
}

/**
 * The organisation's own topic list after one change (built-ins it touches are copied in first), and whether
 * the change alters what is detected (terms, exclusions, parents, retirements) or only a label.
 * @example applyTaxonomyChange([], { kind: 'retire', id: 'billing' }).topics[0].status // 'retired'
 */
export function applyTaxonomyChange(
  own: readonly OrganisationTopic[],
  change: TaxonomyChange,
): { topics: OrganisationTopic[]; changesDetection: boolean } {
  const inUse = topicsInUse(own);
  // A built-in the change touches becomes the organisation's own entry, so the change can be stored.
  const adopt = (id: string) => {
    const topic = inUse.find((candidate) => candidate.id === id);
    return topic !== undefined && !own.some((candidate) => candidate.id === id) && builtIn.has(id)
      ? [...own, topic]
      : [...own];
  };
  switch (change.kind) {
    case 'add': {
      if (inUse.some((topic) => topic.id === change.id && topic.status === 'active'))
        throw new TaxonomyError('/id', `topic ${change.id} exists`);
      checkParent(inUse, change.id, change.parentId);
      const topic: OrganisationTopic = {
        id: change.id,
        label: change.label,
        seedTerms: unique(change.seedTerms),
        excludes: unique(change.excludes ?? []),
        parentId: change.parentId ?? null,
        status: 'active',
        mergedInto: null,
      };
      return {
        topics: [...own.filter((existing) => existing.id !== change.id), topic],
        changesDetection: true,
      };
    }
    case 'update': {
      activeTopic(inUse, change.id, '/id');
      checkParent(inUse, change.id, change.parentId);
      const topics = adopt(change.id).map((topic) =>
        topic.id !== change.id
          ? topic
          : {
              ...topic,
              label: change.label ?? topic.label,
              seedTerms: change.seedTerms === undefined ? topic.seedTerms : unique(change.seedTerms),
              excludes: change.excludes === undefined ? topic.excludes : unique(change.excludes),
              parentId: change.parentId === undefined ? topic.parentId : change.parentId,
            },
      );
      const changesDetection =
        change.seedTerms !== undefined || change.excludes !== undefined || change.parentId !== undefined;
      return { topics, changesDetection };
    }
    case 'merge': {
      if (change.id === change.into) throw new TaxonomyError('/into', 'a topic cannot merge into itself');
      const merged = activeTopic(inUse, change.id, '/id');
      activeTopic(inUse, change.into, '/into');
      const topics = adopt(change.into);
      const withBoth = topics.some((topic) => topic.id === change.id) ? topics : [...topics, merged];
      return {
        topics: withBoth.map((topic) => {
          if (topic.id === change.id) return { ...topic, status: 'merged' as const, mergedInto: change.into };
          if (topic.id === change.into)
            return {
              ...topic,
              seedTerms: unique([...topic.seedTerms, ...merged.seedTerms]),
              excludes: unique([...topic.excludes, ...merged.excludes]),
            };
          // Sub-topics of the merged topic move under the topic it went into.
          return topic.parentId === change.id ? { ...topic, parentId: change.into } : topic;
        }),
        changesDetection: true,
      };
    }
    case 'retire': {
      activeTopic(inUse, change.id, '/id');
      if (inUse.some((topic) => topic.parentId === change.id && topic.status === 'active'))
        throw new TaxonomyError('/id', `topic ${change.id} has active sub-topics: retire or move them first`);
      return {
        topics: adopt(change.id).map((topic) =>
          topic.id === change.id ? { ...topic, status: 'retired' as const } : topic,
        ),
        changesDetection: true,
      };
    }
  }
}

/** What the analyser takes for one taxonomy: the organisation's topics, widened with its own feedback. */
export interface TaxonomyForAnalysis {
  customTopics: CustomTopic[];
  retiredDefaultTopics: string[];
}

/**
 * The analyser's view of a taxonomy: active own topics widened by `expandCustomTopics` over the organisation's
 * feedback texts (built-in topics lend their terms to the own topics they overlap), and the built-ins it left.
 * Computed once per taxonomy version and stored, so live analysis and re-analysis of history agree.
 */
export function taxonomyForAnalysis(
  own: readonly OrganisationTopic[],
  corpus: readonly string[],
): TaxonomyForAnalysis {
  const active = own.filter((topic) => topic.status === 'active');
  const expanded = expandCustomTopics(
    active.map((topic) => ({
      id: topic.id,
      label: topic.label,
      seedTerms: topic.seedTerms,
      excludes: topic.excludes,
      parentId: topic.parentId,
    })),
    corpus,
  );
  return {
    customTopics: expanded.map((topic, index) => ({ ...topic, parentId: active[index]!.parentId })),
    retiredDefaultTopics: own
      .filter((topic) => topic.status !== 'active' && builtIn.has(topic.id))
      .map((topic) => topic.id),
  };
}
