import {
  type Db,
  latestReanalysis,
  loadTextSettings,
  type ReanalysisProgress,
  recentFeedbackTexts,
  recentUncoveredFeedback,
  type SavedTextSettings,
  type StoredTopic,
  saveTextSettings,
  topicMentionTotals,
  utcDay,
} from '@cxloop/db';
import { enqueueTopicReanalysis, type ReanalysisQueue } from '@cxloop/runtime';
import {
  applyTaxonomyChange,
  DEFAULT_TOPICS,
  discoverTopicCandidates,
  type TaxonomyChange,
  TaxonomyError,
  taxonomyForAnalysis,
  topicsInUse,
} from '@cxloop/text';
import type { FastifyBaseLogger } from 'fastify';
import { Problem, problems } from '../problems.js';

export interface TaxonomyDeps {
  db: Db;
  reanalysisQueue: ReanalysisQueue;
  logger: Pick<FastifyBaseLogger, 'warn'>;
}

const builtInIds = new Set(DEFAULT_TOPICS.map((topic) => topic.id));

/** The taxonomy as the API shows it: every topic in use or retired, which are built-in, and re-analysis progress. */
export interface TaxonomyView {
  version: number;
  /** `mentions90d`, `negative90d`: the topic's rollups over the last 90 days (after re-analysis, history too). */
  topics: (StoredTopic & { builtIn: boolean; mentions90d: number; negative90d: number })[];
  reanalysis: ReanalysisProgress | null;
}

const MENTION_WINDOW_DAYS = 90;

export async function taxonomyView(db: Db, orgId: string, now = new Date()): Promise<TaxonomyView> {
  const since = utcDay(new Date(now.getTime() - (MENTION_WINDOW_DAYS - 1) * 24 * 3_600_000));
  const [settings, reanalysis, totals] = await Promise.all([
    loadTextSettings(db, orgId),
    latestReanalysis(db, orgId),
    topicMentionTotals(db, orgId, since),
  ]);
  return {
    version: settings.version,
    topics: topicsInUse(settings.topics).map((topic) => ({
      ...topic,
      builtIn: builtInIds.has(topic.id),
      mentions90d: totals.get(topic.id)?.mentions ?? 0,
      negative90d: totals.get(topic.id)?.negative ?? 0,
    })),
    reanalysis: reanalysis ?? null,
  };
}

/**
 * Saves a taxonomy as a new version with its analyser view (widened over the organisation's recent feedback) and,
 * when detection changed, wakes the re-analysis of history. The run's row is saved with the version, so a wake-up
 * lost with Redis is re-offered when the analysis worker starts; the change itself is never lost.
 */
export async function saveTaxonomy(
  deps: TaxonomyDeps,
  orgId: string,
  topics: StoredTopic[],
  change: Record<string, unknown>,
  changesDetection: boolean,
  base: { version: number; phoneRegion: string | null; brandHandles: string[] },
): Promise<SavedTextSettings> {
  const corpus = await recentFeedbackTexts(deps.db, orgId);
  const saved = await saveTextSettings(
    deps.db,
    orgId,
    { phoneRegion: base.phoneRegion, brandHandles: base.brandHandles },
    { topics, analysisTopics: taxonomyForAnalysis(topics, corpus), change, changesDetection },
    base.version,
  );
  if (saved === undefined)
    throw new Problem(409, 'taxonomy_changed', 'The taxonomy changed meanwhile', 'read it again and retry');
  if (saved.reanalysisQueued) {
    await enqueueTopicReanalysis(deps.reanalysisQueue, orgId, saved.version).catch((error: unknown) =>
      deps.logger.warn(
        { err: error, orgId, version: saved.version },
        'could not wake re-analysis; the analysis worker takes it up when it starts',
      ),
    );
  }
  return saved;
}

/** Applies one change to the organisation's taxonomy (422 with the field path when the taxonomy refuses it). */
export async function changeTaxonomy(
  deps: TaxonomyDeps,
  orgId: string,
  change: TaxonomyChange,
): Promise<TaxonomyView> {
  const settings = await loadTextSettings(deps.db, orgId);
  let applied: ReturnType<typeof applyTaxonomyChange>;
  try {
    applied = applyTaxonomyChange(settings.topics, change);
  } catch (error) {
    // The topic the path names is a resource: absent, it is 404 like any other (another organisation's too).
    if (error instanceof TaxonomyError && error.missingTopic) throw problems.notFound('Topic');
    if (error instanceof TaxonomyError)
      throw problems.invalidBody([{ path: error.path, message: error.message }]);
    throw error;
  }
  await saveTaxonomy(deps, orgId, applied.topics, { ...change }, applied.changesDetection, settings);
  return taxonomyView(deps.db, orgId);
}

/** Discovery looks at this many days of feedback: eight weeks of trend. */
const DISCOVERY_DAYS = 56;

/** Candidate topics from the organisation's recent feedback that no topic covers (topic-discovery.ts). */
export async function topicCandidates(db: Db, orgId: string, now: Date) {
  const since = new Date(now.getTime() - DISCOVERY_DAYS * 24 * 3_600_000);
  return discoverTopicCandidates(await recentUncoveredFeedback(db, orgId, since), now);
}

/**
 * Promotes a candidate into the taxonomy in one step: its terms become the new topic's seed terms, under the
 * candidate's id and label unless others are given. 404 when discovery no longer proposes it.
 */
export async function promoteCandidate(
  deps: TaxonomyDeps,
  orgId: string,
  candidateId: string,
  overrides: { id?: string | undefined; label?: string | undefined },
  now: Date,
): Promise<TaxonomyView> {
  const candidate = (await topicCandidates(deps.db, orgId, now)).find((found) => found.id === candidateId);
  if (candidate === undefined) throw problems.notFound('Topic candidate');
  return changeTaxonomy(deps, orgId, {
    kind: 'add',
    id: overrides.id ?? candidate.id,
    label: overrides.label ?? candidate.label,
    seedTerms: candidate.terms,
  });
}
