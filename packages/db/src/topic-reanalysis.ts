/**
 * Bringing an organisation's stored analyses to a new topic taxonomy version, in pages, and correcting the
 * topic rollups of what was already counted, exactly once.
 *
 * The claim is `feedback_analysis.taxonomy_version`: a page's analyses are moved to the new version in the
 * transaction that writes their rollup corrections, and only analyses still behind it are revised, so a retried
 * or concurrent page changes nothing twice. The feedback rows are locked first, as counting does
 * (rollups.ts): either the feedback was counted before (its old topics are subtracted and the new ones added)
 * or it is counted after and reads the new topics, never both and never neither.
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';
import {
  addSummedRows,
  type DailyCounters,
  type FeedbackForRollup,
  type OccurredTopicCounters,
  occurredTopicCounters,
  rollupIncrements,
  SummedRows,
  type TopicCounters,
} from './rollups.js';
import { reviseSettledRollups, settledForWriterBefore } from './settled-days.js';

type StoredTopics = FeedbackForRollup['topics'];

export interface AnalysisToRevise {
  feedbackId: string;
  receivedAt: Date;
  text: string;
  nps: number | null;
  csat: number | null;
  ces: number | null;
}

export interface ReanalysisProgress {
  taxonomyVersion: number;
  status: 'queued' | 'running' | 'done' | 'superseded';
  total: number;
  done: number;
  revised: number;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * Marks the run for `version` running (counting what it has to do the first time) and says whether it should
 * go on: false when it was superseded by a newer version or is done.
 */
export async function startReanalysisRun(db: Db, orgId: string, version: number): Promise<boolean> {
  const total = db
    .selectFrom('feedback_analysis')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('taxonomy_version', '<', version);
  const started = await db
    .updateTable('topic_reanalysis_runs')
    .set((eb) => ({
      status: 'running',
      total: eb
        .case()
        .when('status', '=', 'queued')
        .then(sql<number>`(${total})::int`)
        .else(eb.ref('total'))
        .end(),
    }))
    .where('org_id', '=', orgId)
    .where('taxonomy_version', '=', version)
    .where('status', 'in', ['queued', 'running'])
    .returning('status')
    .executeTakeFirst();
  return started !== undefined;
}

/** Whether the run for `version` is still the one to carry out (not superseded or finished). */
export async function reanalysisRunActive(db: Db, orgId: string, version: number): Promise<boolean> {
  const row = await db
    .selectFrom('topic_reanalysis_runs')
    .select('status')
    .where('org_id', '=', orgId)
    .where('taxonomy_version', '=', version)
    .executeTakeFirst();
  return row?.status === 'running';
}

/** The next page of analyses behind `version`, in feedback id order, with what re-analysis reads. */
export async function analysesBehind(
  db: Db,
  orgId: string,
  version: number,
  limit: number,
): Promise<AnalysisToRevise[]> {
  const rows = await db
    .selectFrom('feedback_analysis as a')
    .innerJoin('feedback as f', (join) =>
      join.onRef('f.id', '=', 'a.feedback_id').onRef('f.received_at', '=', 'a.feedback_received_at'),
    )
    .select(['a.feedback_id', 'f.received_at', 'f.text', 'f.nps', 'f.csat', 'f.ces'])
    .where('a.org_id', '=', orgId)
    .where('f.org_id', '=', orgId)
    .where('a.taxonomy_version', '<', version)
    .orderBy('a.feedback_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    feedbackId: row.feedback_id,
    receivedAt: row.received_at,
    text: row.text,
    nps: row.nps,
    csat: row.csat,
    ces: row.ces,
  }));
}

/** The rollup increments of one feedback's topics: the same arithmetic as counting (rollupIncrements). */
function topicIncrements(
  feedback: {
    nps: number | null;
    csat: number | null;
    ces: number | null;
    received_at: Date;
    occurred_at: Date;
  },
  topics: StoredTopics,
) {
  const increments = rollupIncrements({
    unitId: null,
    channel: '',
    touchpoint: null,
    customerRef: null,
    nps: feedback.nps,
    csat: feedback.csat,
    ces: feedback.ces,
    occurredAt: feedback.occurred_at,
    receivedAt: feedback.received_at,
    analysedAt: feedback.received_at,
    sentimentScore: null,
    sentimentLabel: null,
    severity: 'none',
    topics,
  });
  // A topic mentioned twice in one comment is one mention of the feedback, as when it was counted.
  return {
    day: increments.day,
    occurredDay: increments.occurredDay,
    late: increments.late,
    ratedWithTopic: increments.daily.rated_with_topic_count,
    topics: new Map(increments.topics.map((entry) => [entry.topic, entry.counters])),
  };
}

function negated<T extends Record<string, number>>(counters: T): T {
  return Object.fromEntries(Object.entries(counters).map(([key, value]) => [key, -value])) as T;
}

/** JSON with keys in one order: jsonb stores an object's keys in its own order, not the writer's. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const sameTopics = (a: StoredTopics, b: StoredTopics) => canonical(a) === canonical(b);

/**
 * Stores the re-analysed topics of one page and corrects the rollups of the feedback already counted, in one
 * transaction; analyses already at `version` (a retried page, a concurrent run) are left alone. Returns how many
 * analyses this call moved to the version and how many of those changed topics.
 */
export async function reviseAnalysisTopics(
  db: Db,
  orgId: string,
  version: number,
  revisions: readonly { feedbackId: string; receivedAt: Date; topics: StoredTopics }[],
  now: Date,
): Promise<{ moved: number; revised: number }> {
  if (revisions.length === 0) return { moved: 0, revised: 0 };
  const ids = [...new Set(revisions.map((revision) => revision.feedbackId))].sort();
  const receivedTimes = [...new Set(revisions.map((revision) => revision.receivedAt.getTime()))].map(
    (time) => new Date(time),
  );
  return db.transaction().execute(async (trx) => {
    // Feedback first, in id order, as counting locks it: no deadlock, and no counting half-way through.
    const feedback = await trx
      .selectFrom('feedback')
      .select([
        'id',
        'received_at',
        'occurred_at',
        'unit_id',
        'channel',
        'touchpoint',
        'nps',
        'csat',
        'ces',
        'aggregated_at',
      ])
      .where('org_id', '=', orgId)
      .where('id', 'in', ids)
      .where('received_at', 'in', receivedTimes)
      .orderBy('id')
      .forUpdate()
      .execute();
    const behind = await trx
      .selectFrom('feedback_analysis')
      .select(['feedback_id', sql<unknown>`details->'topics'`.as('topics')])
      .where('org_id', '=', orgId)
      .where('feedback_id', 'in', ids)
      .where('taxonomy_version', '<', version)
      .orderBy('feedback_id')
      .forUpdate()
      .execute();
    if (behind.length === 0) return { moved: 0, revised: 0 };
    const newTopics = new Map(revisions.map((revision) => [revision.feedbackId, revision.topics]));
    const feedbackOf = new Map(feedback.map((row) => [row.id, row]));
    const daily = new SummedRows<Pick<Required<DailyCounters>, 'rated_with_topic_count'>>();
    const channelDaily = new SummedRows<Pick<Required<DailyCounters>, 'rated_with_topic_count'>>();
    const topicDaily = new SummedRows<Required<TopicCounters>>();
    const topicUnitDaily = new SummedRows<Required<TopicCounters>>();
    const occurredTopicDaily = new SummedRows<OccurredTopicCounters>();
    let earliestDay: string | undefined;
    const changed: { feedback_id: string; topics: StoredTopics }[] = [];
    for (const row of behind) {
      const before = Array.isArray(row.topics) ? (row.topics as StoredTopics) : [];
      const after = newTopics.get(row.feedback_id)!;
      if (sameTopics(before, after)) continue;
      changed.push({ feedback_id: row.feedback_id, topics: after });
      const counted = feedbackOf.get(row.feedback_id);
      if (counted?.aggregated_at == null) continue; // counted later, from the new topics
      const old = topicIncrements(counted, before);
      const next = topicIncrements(counted, after);
      const key = { org_id: orgId, day: old.day, unit_id: counted.unit_id };
      if (earliestDay === undefined || key.day < earliestDay) earliestDay = key.day;
      const ratedDelta = { rated_with_topic_count: next.ratedWithTopic - old.ratedWithTopic };
      if (ratedDelta.rated_with_topic_count !== 0) {
        daily.add({ ...key, channel: counted.channel, touchpoint: counted.touchpoint }, ratedDelta);
        channelDaily.add({ ...key, channel: counted.channel }, ratedDelta);
      }
      const occurred = { org_id: orgId, day: old.occurredDay, unit_id: counted.unit_id };
      for (const [topic, counters] of old.topics) {
        topicDaily.add({ ...key, channel: counted.channel, topic }, negated(counters));
        topicUnitDaily.add({ ...key, topic }, negated(counters));
        occurredTopicDaily.add({ ...occurred, topic }, negated(occurredTopicCounters(counters, old.late)));
      }
      for (const [topic, counters] of next.topics) {
        topicDaily.add({ ...key, channel: counted.channel, topic }, counters);
        topicUnitDaily.add({ ...key, topic }, counters);
        occurredTopicDaily.add({ ...occurred, topic }, occurredTopicCounters(counters, next.late));
      }
    }
    if (changed.length > 0) {
      await sql`update feedback_analysis as a
        set details = jsonb_set(a.details, '{topics}', revised.topics)
        from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as revised(feedback_id uuid, topics jsonb)
        where a.org_id = ${orgId} and a.feedback_id = revised.feedback_id`.execute(trx);
    }
    await trx
      .updateTable('feedback_analysis')
      .set({ taxonomy_version: version })
      .where('org_id', '=', orgId)
      .where(
        'feedback_id',
        'in',
        behind.map((row) => row.feedback_id),
      )
      .execute();
    await addSummedRows(trx, 'rollup_daily', daily as never);
    await addSummedRows(trx, 'rollup_channel_daily', channelDaily as never);
    await addSummedRows(trx, 'rollup_topic_daily', topicDaily);
    await addSummedRows(trx, 'rollup_topic_unit_daily', topicUnitDaily);
    // The occurrence-day timeline (trends, rising issues) follows the revised topics too.
    await addSummedRows(trx, 'rollup_occurred_topic_daily', occurredTopicDaily);
    if (earliestDay !== undefined && earliestDay < settledForWriterBefore(now)) {
      await reviseSettledRollups(trx, orgId);
    }
    await trx
      .updateTable('topic_reanalysis_runs')
      .set((eb) => ({
        done: eb('done', '+', behind.length),
        revised: eb('revised', '+', changed.length),
      }))
      .where('org_id', '=', orgId)
      .where('taxonomy_version', '=', version)
      .execute();
    return { moved: behind.length, revised: changed.length };
  });
}

/** Marks the run done once no analysis is behind its version. */
export async function finishReanalysisRun(db: Db, orgId: string, version: number): Promise<void> {
  await db
    .updateTable('topic_reanalysis_runs')
    .set({ status: 'done', finished_at: new Date() })
    .where('org_id', '=', orgId)
    .where('taxonomy_version', '=', version)
    .where('status', '=', 'running')
    .execute();
}

/** The organisation's latest re-analysis run, if any. */
export async function latestReanalysis(db: Db, orgId: string): Promise<ReanalysisProgress | undefined> {
  const row = await db
    .selectFrom('topic_reanalysis_runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('taxonomy_version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    taxonomyVersion: row.taxonomy_version,
    status: row.status,
    total: row.total,
    done: row.done,
    revised: row.revised,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** Runs queued or running, oldest first: what a restarted worker (or a lost job) must take up again. */
export function unfinishedReanalyses(db: Db, limit = 100) {
  return db
    .selectFrom('topic_reanalysis_runs')
    .select(['org_id', 'taxonomy_version'])
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .limit(limit)
    .execute();
}
