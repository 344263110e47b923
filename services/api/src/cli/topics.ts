import type { Db } from '@cxloop/db';
import { closeQueue, createLogger, createReanalysisQueue, redisOptions } from '@cxloop/runtime';
import type { TaxonomyChange } from '@cxloop/text';
import type { ApiConfig } from '../config.js';
import { Problem } from '../problems.js';
import {
  changeTaxonomy,
  promoteCandidate,
  type TaxonomyView,
  taxonomyView,
  topicCandidates,
} from '../topics/taxonomy.js';

type Flags = Record<string, string | string[] | boolean | undefined>;

export const topicUsage = `  cxloop topics list --org ORG_ID [--json]
  cxloop topics add --org ORG_ID --id ID --label LABEL --seed TERM [--seed TERM ...] [--exclude PHRASE ...]
                    [--parent ID] [--json]
  cxloop topics update --org ORG_ID --id ID [--label LABEL] [--seed TERM ...] [--exclude PHRASE ...] [--parent ID]
  cxloop topics merge --org ORG_ID --id ID --into ID [--json]
  cxloop topics retire --org ORG_ID --id ID [--json]
  cxloop topics candidates --org ORG_ID [--json]
  cxloop topics promote --org ORG_ID --candidate CANDIDATE_ID [--id ID] [--label LABEL] [--json]`;

/** A taxonomy command's refusal, worded for the command line (the CLI prints it and exits 2). */
export class TopicCommandError extends Error {}

const text = (flags: Flags, name: string) => (typeof flags[name] === 'string' ? flags[name] : undefined);
const list = (flags: Flags, name: string) => {
  const value = flags[name];
  return Array.isArray(value) ? value : undefined;
};

function summary(view: TaxonomyView) {
  return {
    version: view.version,
    topics: view.topics
      .filter((topic) => topic.status === 'active')
      .map((topic) => (topic.parentId ? `${topic.id} (under ${topic.parentId})` : topic.id)),
    retired: view.topics.filter((topic) => topic.status !== 'active').map((topic) => topic.id),
    reanalysis: view.reanalysis,
  };
}

/**
 * Runs one taxonomy change as the API does (a new version; history re-analysed by the analysis worker) and
 * answers the taxonomy's summary. Refusals come back as the API's field problems, in one line.
 */
async function change(
  db: Db,
  config: ApiConfig,
  run: (deps: Parameters<typeof changeTaxonomy>[0]) => Promise<TaxonomyView>,
) {
  const reanalysisQueue = createReanalysisQueue({
    connection: redisOptions(config.REDIS_URL),
    prefix: config.REDIS_PREFIX,
  });
  const logger = createLogger('cxloop-topics', 'warn');
  reanalysisQueue.on('error', (error) => logger.warn({ err: error }, 'reanalysis queue connection error'));
  try {
    return summary(await run({ db, reanalysisQueue, logger }));
  } catch (error) {
    if (error instanceof Problem) {
      const fields = (error.errors ?? []).map((field) => `${field.path}: ${field.message}`).join('; ');
      throw new TopicCommandError(fields === '' ? error.title : fields);
    }
    throw error;
  } finally {
    await closeQueue(reanalysisQueue);
  }
}

type TopicCommand = (
  db: Db,
  flags: Flags,
  config: ApiConfig,
  orgId: string,
  id: () => string,
) => Promise<Record<string, unknown>>;

export const topicCommands: Record<string, TopicCommand> = {
  'topics list': async (db, _flags, _config, orgId) => summary(await taxonomyView(db, orgId)),
  'topics add': (db, flags, config, orgId, id) => {
    const added: TaxonomyChange = {
      kind: 'add',
      id: id(),
      label: text(flags, 'label') ?? id(),
      seedTerms: list(flags, 'seed') ?? [],
      excludes: list(flags, 'exclude') ?? [],
      parentId: text(flags, 'parent') ?? null,
    };
    if (added.seedTerms.length === 0) throw new TopicCommandError('--seed is required (at least one term)');
    return change(db, config, (deps) => changeTaxonomy(deps, orgId, added));
  },
  'topics update': (db, flags, config, orgId, id) => {
    const seedTerms = list(flags, 'seed');
    const excludes = list(flags, 'exclude');
    const label = text(flags, 'label');
    const parentId = text(flags, 'parent');
    const updated: TaxonomyChange = {
      kind: 'update',
      id: id(),
      ...(label === undefined ? {} : { label }),
      ...(seedTerms === undefined ? {} : { seedTerms }),
      ...(excludes === undefined ? {} : { excludes }),
      ...(parentId === undefined ? {} : { parentId: parentId === '' ? null : parentId }),
    };
    return change(db, config, (deps) => changeTaxonomy(deps, orgId, updated));
  },
  'topics merge': (db, flags, config, orgId, id) => {
    const into = text(flags, 'into');
    if (into === undefined) throw new TopicCommandError('--into is required');
    return change(db, config, (deps) => changeTaxonomy(deps, orgId, { kind: 'merge', id: id(), into }));
  },
  'topics retire': (db, _flags, config, orgId, id) =>
    change(db, config, (deps) => changeTaxonomy(deps, orgId, { kind: 'retire', id: id() })),
  'topics candidates': async (db, _flags, _config, orgId) => ({
    candidates: (await topicCandidates(db, orgId, new Date())).map(({ examples, ...candidate }) => ({
      ...candidate,
      example: examples[0]?.text,
    })),
  }),
  'topics promote': (db, flags, config, orgId) => {
    const candidate = text(flags, 'candidate');
    if (candidate === undefined) throw new TopicCommandError('--candidate is required');
    return change(db, config, (deps) =>
      promoteCandidate(
        deps,
        orgId,
        candidate,
        { id: text(flags, 'id'), label: text(flags, 'label') },
        new Date(),
      ),
    );
  },
};
