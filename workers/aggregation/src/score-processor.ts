import { type ScoreChangeEvent, ScoreJob } from '@cxloop/contracts';
import {
  type CurrentScore,
  type Db,
  ENTERPRISE_SCOPE,
  findCurrentScore,
  listRisingIssues,
  listUnitScopes,
  loadSurveyEvidence,
  recordRisingIssue,
  type ScoreScope,
  saveScore,
  settledRollupRevision,
} from '@cxloop/db';
import { publishScoreChange } from '@cxloop/runtime';
import {
  type Cause,
  diffScores,
  type Evidence,
  type FrameworkScore,
  heldStagesOf,
  type LiveScoreChange,
  movedVisibly,
  type ScoreDiff,
  sameShownPoints,
  scoreFramework,
  scorePatch,
} from '@cxloop/scoring';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { assessorEvidence } from './assessor-evidence.js';
import { daysBefore, detectRisingTopics, loyaltyDrivers, topicConvergence } from './insights.js';
import { computeMetrics, MetricSources, metricObservations } from './metric-catalogue.js';
import { SettledSums } from './settled-sums.js';

/** Staff survey evidence of a scope (assessors' ratings, overrides and targets come from assessor-evidence.ts). */
export type StaffEvidence = (db: Db, scope: ScoreScope) => Promise<Omit<Evidence, 'metrics'>>;

/** The surveys area's evidence: latest eligible wave per indicator and element, small groups withheld. */
export const staffSurveyEvidence: StaffEvidence = (db, scope) =>
  loadSurveyEvidence(db, scope.orgId, scope.unitId === null ? {} : { unitId: scope.unitId });

export interface ScoreProcessorDeps {
  db: Db;
  /** Where score changes are published (a client connection, not a blocking one). */
  redis: Redis;
  prefix: string;
  /** Defaults to the staff survey evidence of the surveys area. */
  staffEvidence?: StaffEvidence;
  now?: () => Date;
  /** Sums over settled days kept between recomputes; the processor keeps its own unless given. */
  settledSums?: SettledSums;
}

export interface ScoreResult {
  orgId: string;
  scopes: number;
  changed: string[];
}

/** Monday of the ISO week of `day`: rising issues are recorded once per topic and week. */
function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return daysBefore(day, (weekday + 6) % 7);
}

function why(causes: readonly Cause[]): ScoreChangeEvent['elements'][number]['why'] {
  return causes.map((cause) =>
    cause.kind === 'indicator'
      ? {
          kind: 'indicator',
          indicatorId: cause.indicatorId,
          points: cause.points,
          evidence: cause.evidence.map((change) => ({
            source: change.source,
            ...(change.before ? { before: change.before } : {}),
            ...(change.after ? { after: change.after } : {}),
          })),
        }
      : { kind: cause.kind, points: cause.points },
  );
}

function changeEvent(
  orgId: string,
  scope: ScoreScope,
  scopeKey: string,
  historyId: string,
  recordedAt: Date,
  previous: FrameworkScore | undefined,
  next: FrameworkScore,
  diff: ScoreDiff | undefined,
): LiveScoreChange {
  // An element whose points read the same at the precision shown did not change for the reader ("+0.0").
  const elements = diff
    ? diff.elements
        .filter((element) => !sameShownPoints(element.before, element.after))
        .map((element) => ({
          elementId: element.elementId,
          name: element.name,
          before: element.before,
          after: element.after,
          why: why(element.causes),
        }))
    : next.dimensions.flatMap((dimension) =>
        dimension.elements.map((element) => ({
          elementId: element.id,
          name: element.name,
          before: null,
          after: element.points,
          why: [],
        })),
      );
  return {
    orgId,
    scope: scopeKey,
    unitId: scope.unitId,
    historyId,
    recordedAt: recordedAt.toISOString(),
    total: { before: previous?.total ?? null, after: next.total },
    stage: { before: previous?.stage ?? null, after: next.stage },
    elements,
    // Open dashboards apply this instead of reloading the whole score; a first score has nothing to patch.
    ...(previous === undefined ? {} : { patch: scorePatch(previous, next) }),
  };
}

/** Detects rising topics of a scope, records new ones, and gathers the scope's insights. */
async function gatherInsights(db: Db, sources: MetricSources) {
  const { scope, today, now } = sources;
  const topicDays = await sources.topicDays();
  const rising = detectRisingTopics(topicDays, today);
  for (const topic of rising) {
    await recordRisingIssue(
      db,
      scope.orgId,
      {
        unitId: scope.unitId,
        topic: topic.topic,
        windowStart: weekStart(today),
        mentions: topic.current,
        baselineWeeklyMean: topic.baselineWeeklyMean,
      },
      now,
    );
  }
  const recorded = await listRisingIssues(
    db,
    scope.orgId,
    scope.unitId,
    new Date(now.getTime() - 90 * 86_400_000),
  );
  const statistic = new Map(rising.map((topic) => [topic.topic, topic]));
  return {
    risingIssues: recorded.map((issue) => ({
      id: issue.id,
      topic: issue.topic,
      windowStart: issue.window_start.toISOString().slice(0, 10),
      mentions: issue.mentions,
      baselineWeeklyMean: issue.baseline_weekly_mean,
      detectedAt: issue.detected_at.toISOString(),
      acknowledgedAt: issue.acknowledged_at?.toISOString() ?? null,
      rising: statistic.get(issue.topic) ?? null,
    })),
    convergence: topicConvergence(await sources.topics(30)),
    drivers: loyaltyDrivers(await sources.channels(90), await sources.topicTotals(90)),
  };
}

/**
 * The `score` job: recompute one organisation's enterprise score and each unit's from current evidence
 * (metrics from rollups and triage tables, staff evidence), write the current scores, and append to history
 * and publish a change event only for scopes whose score moved. Cost depends on the number of days, channels,
 * topics and units in the windows, never on how much feedback the organisation has ever sent.
 */
export function createScoreProcessor(deps: ScoreProcessorDeps) {
  const clock = deps.now ?? (() => new Date());
  const settledSums = deps.settledSums ?? new SettledSums();
  return async (job: Job<ScoreJob>): Promise<ScoreResult> => {
    const payload = ScoreJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid score payload: ${payload.error.message}`);
    const { orgId } = payload.data;
    const now = clock();
    // Read before any sum it guards: a sum read after it is at least as new as the revision.
    const settled = { sums: settledSums, revision: await settledRollupRevision(deps.db, orgId) };
    const units = await listUnitScopes(deps.db, orgId);
    const scopes: { key: string; scope: ScoreScope }[] = [
      { key: ENTERPRISE_SCOPE, scope: { orgId, unitId: null } },
      ...units.map((unit) => ({ key: unit.id, scope: { orgId, unitId: unit.id } })),
    ];
    const changed: string[] = [];
    for (const { key, scope } of scopes) {
      const sources = new MetricSources(deps.db, scope, now, settled);
      const insights = await gatherInsights(deps.db, sources);
      const metrics = await computeMetrics(sources);
      const staff = await (deps.staffEvidence ?? staffSurveyEvidence)(deps.db, scope);
      const assessed = await assessorEvidence(deps.db, scope);
      const previousRow: CurrentScore | undefined = await findCurrentScore(deps.db, orgId, key);
      const previous = previousRow?.score;
      // Stages keep their hysteresis across recomputes: each starts from the stages the scope held.
      const score = scoreFramework(
        { metrics: metricObservations(metrics), ...staff, ...assessed },
        previous === undefined ? {} : { heldStages: heldStagesOf(previous) },
      );
      // A change is recorded (history, event) only when it shows, and explained against the last recorded
      // score, so drifts too small to show add up until they do.
      const recorded = previousRow?.recorded_score ?? previous;
      const moved = recorded === undefined || movedVisibly(recorded, score);
      const diff = recorded !== undefined && moved ? diffScores(recorded, score) : undefined;
      const historyId = await saveScore(
        deps.db,
        orgId,
        {
          scope: key,
          unitId: scope.unitId,
          total: score.total,
          stage: score.stage,
          confidence: score.confidence,
          score,
          metrics,
          insights,
          elements: score.dimensions.flatMap((dimension) =>
            dimension.elements.map((element) => ({
              elementId: element.id,
              points: element.points,
              max: element.max,
              stage: element.stage,
              confidence: element.confidence,
              missing: element.missing.length,
            })),
          ),
          change: moved ? { diff: diff ? (diff as unknown as Record<string, unknown>) : null } : null,
        },
        now,
      );
      if (historyId !== undefined) {
        changed.push(key);
        await publishScoreChange(
          deps.redis,
          deps.prefix,
          changeEvent(orgId, scope, key, historyId, now, recorded, score, diff),
        );
      }
    }
    return { orgId, scopes: scopes.length, changed };
  };
}
