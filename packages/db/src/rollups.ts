import { type Insertable, sql } from 'kysely';
import type { Db } from './connection.js';
import { byIdWithinRange, type ReceivedRange, receivedWithin } from './feedback.js';
import type { RollupDailyTable, RollupTopicDailyTable } from './rollups.tables.js';
import type { Database } from './schema.js';
import { reviseSettledRollups, settledForWriterBefore, utcDay } from './settled-days.js';

/**
 * Upper bounds (minutes) of the receipt → analysis lag histogram; the last bucket is open-ended. Log-spaced
 * because a median of seconds and one of hours both matter, and a histogram keeps the median O(buckets).
 */
export const ANALYSIS_LAG_BUCKETS = [
  0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1_440, 2_880,
] as const;

/**
 * Feedback received more than this long after the customer gave it is history arriving late (an import, a
 * delayed export), not news: timelines show it on its day, and it never makes a topic "rising".
 */
export const LATE_ARRIVAL_HOURS = 72;

/** What one feedback contributes to the rollups: read once, when it is counted. */
export interface FeedbackForRollup {
  unitId: string | null;
  channel: string;
  touchpoint: string | null;
  customerRef: string | null;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  /** When the customer gave the feedback. */
  occurredAt: Date;
  receivedAt: Date;
  analysedAt: Date;
  sentimentScore: number | null;
  sentimentLabel: string | null;
  severity: string;
  topics: readonly { id: string; sentiment: number; sentimentLabel: string }[];
}

export type DailyCounters = Omit<
  Insertable<RollupDailyTable>,
  'org_id' | 'day' | 'unit_id' | 'channel' | 'touchpoint'
>;
export type TopicCounters = Omit<
  Insertable<RollupTopicDailyTable>,
  'org_id' | 'day' | 'unit_id' | 'channel' | 'topic'
>;

export interface RollupIncrements {
  /** The UTC day of receipt: windows are "feedback received in the last n days". */
  day: string;
  /** The UTC day the customer gave it: what timelines (experience per day, rising issues) file it under. */
  occurredDay: string;
  /** Received more than LATE_ARRIVAL_HOURS after it was given. */
  late: boolean;
  daily: Required<DailyCounters>;
  topics: { topic: string; counters: Required<TopicCounters> }[];
  lagBucket: number;
}

const flag = (condition: boolean) => (condition ? 1 : 0);

/** Index of the lag histogram bucket that holds `minutes`. */
export function analysisLagBucket(minutes: number): number {
  const index = ANALYSIS_LAG_BUCKETS.findIndex((upper) => minutes <= upper);
  return index === -1 ? ANALYSIS_LAG_BUCKETS.length : index;
}

/**
 * The counter increments of one feedback. Pure, so what a feedback adds is testable without a database.
 *
 * @example rollupIncrements(feedback).daily.nps_promoters // 1 for an NPS of 9 or 10
 */
export function rollupIncrements(feedback: FeedbackForRollup): RollupIncrements {
  const sentiment = feedback.sentimentScore;
  const identified = feedback.customerRef !== null && feedback.customerRef !== '';
  const rated = feedback.nps !== null || feedback.csat !== null || feedback.ces !== null;
  const nps = feedback.nps;
  const daily: Required<DailyCounters> = {
    feedback_count: 1,
    identified_count: flag(identified),
    flagged_count: flag(feedback.severity !== 'none'),
    sentiment_count: flag(sentiment !== null),
    sentiment_sum: sentiment ?? 0,
    sentiment_sum_sq: sentiment === null ? 0 : sentiment * sentiment,
    negative_count: flag(feedback.sentimentLabel === 'negative'),
    nps_count: flag(nps !== null),
    nps_promoters: flag(nps !== null && nps >= 9),
    nps_passives: flag(nps !== null && nps >= 7 && nps <= 8),
    nps_detractors: flag(nps !== null && nps <= 6),
    csat_count: flag(feedback.csat !== null),
    csat_sum: feedback.csat ?? 0,
    csat_satisfied: flag(feedback.csat !== null && feedback.csat >= 4),
    ces_count: flag(feedback.ces !== null),
    ces_sum: feedback.ces ?? 0,
    rated_count: flag(rated),
    rated_with_topic_count: flag(rated && feedback.topics.length > 0),
  };
  const topics = feedback.topics.map((topic) => ({
    topic: topic.id,
    counters: {
      mentions: 1,
      sentiment_sum: topic.sentiment,
      negative_count: flag(topic.sentimentLabel === 'negative'),
      nps_count: daily.nps_count,
      nps_promoters: daily.nps_promoters,
      nps_detractors: daily.nps_detractors,
      csat_count: daily.csat_count,
      csat_sum: daily.csat_sum,
    },
  }));
  const lagMinutes = Math.max(0, (feedback.analysedAt.getTime() - feedback.receivedAt.getTime()) / 60_000);
  return {
    day: utcDay(feedback.receivedAt),
    occurredDay: utcDay(feedback.occurredAt),
    late: feedback.receivedAt.getTime() - feedback.occurredAt.getTime() > LATE_ARRIVAL_HOURS * 3_600_000,
    daily,
    topics,
    lagBucket: analysisLagBucket(lagMinutes),
  };
}

type OccurredChannelCounters = {
  feedback_count: number;
  nps_count: number;
  nps_promoters: number;
  nps_detractors: number;
  csat_count: number;
  csat_satisfied: number;
  ces_count: number;
  ces_sum: number;
  sentiment_count: number;
  sentiment_sum: number;
};
export type OccurredTopicCounters = {
  mentions: number;
  negative_count: number;
  late_mentions: number;
  late_negative_count: number;
};

/** What the occurrence-day experience timeline keeps of a feedback's daily counters. */
function occurredChannelCounters({ daily }: RollupIncrements): OccurredChannelCounters {
  return {
    feedback_count: daily.feedback_count,
    nps_count: daily.nps_count,
    nps_promoters: daily.nps_promoters,
    nps_detractors: daily.nps_detractors,
    csat_count: daily.csat_count,
    csat_satisfied: daily.csat_satisfied,
    ces_count: daily.ces_count,
    ces_sum: daily.ces_sum,
    sentiment_count: daily.sentiment_count,
    sentiment_sum: daily.sentiment_sum,
  };
}

/** A topic mention on the occurrence-day timeline, counted as late too when it arrived late. */
export function occurredTopicCounters(
  counters: Required<TopicCounters>,
  late: boolean,
): OccurredTopicCounters {
  return {
    mentions: counters.mentions,
    negative_count: counters.negative_count,
    late_mentions: late ? counters.mentions : 0,
    late_negative_count: late ? counters.negative_count : 0,
  };
}

/** `SET col = table.col + excluded.col` for each counter: the upsert adds, never overwrites. */
function addExcluded(table: keyof Database, columns: readonly string[]) {
  return Object.fromEntries(
    columns.map((column) => [
      column,
      sql`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
    ]),
  );
}

export type AggregationOutcome = { counted: true; unitId: string | null } | { counted: false };

type RollupKey = Record<string, string | number | null>;

/** Rows of one rollup table keyed by their identity columns, counters summed as feedback is added. */
export class SummedRows<Counters extends Record<string, number>> {
  readonly #rows = new Map<string, { key: RollupKey; counters: Counters }>();

  add(key: RollupKey, counters: Counters): void {
    const id = JSON.stringify(key);
    const row = this.#rows.get(id);
    if (!row) {
      this.#rows.set(id, { key, counters: { ...counters } });
      return;
    }
    for (const [column, value] of Object.entries(counters)) {
      (row.counters as Record<string, number>)[column]! += value;
    }
  }

  /**
   * Rows in one fixed order (by identity): concurrent batches then lock shared rows in the same order and
   * cannot deadlock on each other.
   */
  values(): Record<string, unknown>[] {
    return [...this.#rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => ({ ...row.key, ...row.counters }));
  }

  /** The counter columns, which the upsert adds to the stored row; empty while no row was added. */
  counterColumns(): string[] {
    const first = this.#rows.values().next();
    return first.done ? [] : Object.keys(first.value.counters);
  }
}

type CounterTable =
  | 'rollup_daily'
  | 'rollup_channel_daily'
  | 'rollup_topic_daily'
  | 'rollup_topic_unit_daily'
  | 'rollup_occurred_channel_daily'
  | 'rollup_occurred_topic_daily'
  | 'rollup_analysis_lag'
  | 'rollup_source_touchpoint_daily';

/**
 * The upsert of summed rows into a rollup table whose unique key is `<table>_key`, adding to stored counters;
 * undefined while no row was added.
 */
function upsertSummedRows(trx: Db, table: CounterTable, rows: SummedRows<Record<string, number>>) {
  const values = rows.values();
  if (values.length === 0) return undefined;
  return trx
    .insertInto(table)
    .values(values as never)
    .onConflict((oc) =>
      oc.constraint(`${table}_key`).doUpdateSet(addExcluded(table, rows.counterColumns()) as never),
    );
}

/** Adds summed rows to a rollup table on their own (corrections outside counting, e.g. topic re-analysis). */
export async function addSummedRows(trx: Db, table: CounterTable, rows: SummedRows<Record<string, number>>) {
  await upsertSummedRows(trx, table, rows)?.execute();
}

/**
 * Counts analysed feedback of one organisation into every rollup, exactly once, in one transaction: the
 * increments of the whole batch are summed per rollup row first and written by one statement, so a batch
 * costs two statements whatever its size (the claim, the increments; a third when it touches a settled day). The `aggregated_at` marker is claimed with a conditional UPDATE in the same
 * transaction as the increments: a redelivered job finds the marker set and changes nothing, and a
 * concurrent worker blocks on the row lock, then re-checks the condition and finds it false. Feedback not
 * analysed yet (or of another organisation) is not counted. Outcomes are in the order of `feedbackIds`.
 */
export async function countFeedbackBatchIntoRollups(
  db: Db,
  orgId: string,
  feedbackIds: readonly string[],
  now: Date,
  received?: ReceivedRange,
): Promise<AggregationOutcome[]> {
  if (feedbackIds.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    // The claim returns what counting needs of the feedback and of its analysis (joined: both are written
    // by the one transaction that marks the feedback analysed), so a batch reads nothing else.
    const claimed = await byIdWithinRange(feedbackIds, received, (ids, range) =>
      trx
        .updateTable('feedback')
        .from('feedback_analysis')
        .set({ aggregated_at: now })
        .whereRef('feedback_analysis.feedback_id', '=', 'feedback.id')
        .where('feedback_analysis.org_id', '=', orgId)
        .where('feedback.org_id', '=', orgId)
        .where('feedback.id', 'in', ids)
        .where((eb) => receivedWithin(eb, range))
        .where('feedback.status', '=', 'analysed')
        .where('feedback.aggregated_at', 'is', null)
        .returning([
          'feedback.id',
          'feedback.unit_id',
          'feedback.source_id',
          'feedback.channel',
          'feedback.touchpoint',
          'feedback.customer_ref',
          'feedback.nps',
          'feedback.csat',
          'feedback.ces',
          'feedback.occurred_at',
          'feedback.received_at',
          'feedback.analysed_at',
          'feedback_analysis.sentiment_score',
          'feedback_analysis.sentiment_label',
          'feedback_analysis.severity',
          sql<unknown>`feedback_analysis.details->'topics'`.as('topics'),
        ])
        .execute(),
    );
    const outcomes = new Map<string, AggregationOutcome>();
    if (claimed.length === 0) return feedbackIds.map(() => ({ counted: false }));

    const daily = new SummedRows<Required<DailyCounters>>();
    const channelDaily = new SummedRows<Required<DailyCounters>>();
    const topicDaily = new SummedRows<Required<TopicCounters>>();
    const topicUnitDaily = new SummedRows<Required<TopicCounters>>();
    const lag = new SummedRows<{ count: number }>();
    const occurredChannelDaily = new SummedRows<OccurredChannelCounters>();
    const occurredTopicDaily = new SummedRows<OccurredTopicCounters>();
    // Touchpoint coverage resolves the journey configuration over these at read time (journey.ts).
    const sourceTouchpoints = new SummedRows<{ feedback_count: number }>();
    // A day before yesterday among them moves the settled-rollup revision (settled-days.ts).
    let earliestDay: string | undefined;
    const customerDays = new Map<
      string,
      { org_id: string; day: string; unit_id: string | null; customer_ref: string }
    >();
    for (const feedback of claimed) {
      const increments = rollupIncrements({
        unitId: feedback.unit_id,
        channel: feedback.channel,
        touchpoint: feedback.touchpoint,
        customerRef: feedback.customer_ref,
        nps: feedback.nps,
        csat: feedback.csat,
        ces: feedback.ces,
        occurredAt: feedback.occurred_at,
        receivedAt: feedback.received_at,
        analysedAt: feedback.analysed_at ?? now,
        sentimentScore: feedback.sentiment_score,
        sentimentLabel: feedback.sentiment_label,
        severity: feedback.severity,
        topics: Array.isArray(feedback.topics) ? (feedback.topics as FeedbackForRollup['topics']) : [],
      });
      const key = { org_id: orgId, day: increments.day, unit_id: feedback.unit_id };
      if (earliestDay === undefined || increments.day < earliestDay) earliestDay = increments.day;
      daily.add({ ...key, channel: feedback.channel, touchpoint: feedback.touchpoint }, increments.daily);
      channelDaily.add({ ...key, channel: feedback.channel }, increments.daily);
      // A topic mentioned twice in one comment is one mention of the feedback.
      const topics = new Map(increments.topics.map((entry) => [entry.topic, entry.counters]));
      for (const [topic, counters] of topics) {
        topicDaily.add({ ...key, channel: feedback.channel, topic }, counters);
        topicUnitDaily.add({ ...key, topic }, counters);
      }
      lag.add({ ...key, bucket: increments.lagBucket }, { count: 1 });
      const occurred = { org_id: orgId, day: increments.occurredDay, unit_id: feedback.unit_id };
      occurredChannelDaily.add(
        { ...occurred, channel: feedback.channel },
        occurredChannelCounters(increments),
      );
      for (const [topic, counters] of topics) {
        occurredTopicDaily.add({ ...occurred, topic }, occurredTopicCounters(counters, increments.late));
      }
      sourceTouchpoints.add(
        { ...key, source_id: feedback.source_id, touchpoint: feedback.touchpoint },
        { feedback_count: 1 },
      );
      if (feedback.customer_ref) {
        const row = { ...key, customer_ref: feedback.customer_ref };
        customerDays.set(JSON.stringify(row), row);
      }
      outcomes.set(feedback.id, { counted: true, unitId: feedback.unit_id });
    }

    // Every increment in one statement (one round trip): the upserts as data-modifying CTEs, always in this
    // order, each table's rows in their fixed order, so concurrent batches lock shared rows alike.
    const writes = [
      upsertSummedRows(trx, 'rollup_daily', daily),
      upsertSummedRows(trx, 'rollup_channel_daily', channelDaily),
      upsertSummedRows(trx, 'rollup_topic_daily', topicDaily),
      upsertSummedRows(trx, 'rollup_topic_unit_daily', topicUnitDaily),
      upsertSummedRows(trx, 'rollup_analysis_lag', lag),
      // Not behind the settled-rollup revision: nothing keeps sums of these (they are read whole, days × keys).
      upsertSummedRows(trx, 'rollup_occurred_channel_daily', occurredChannelDaily),
      upsertSummedRows(trx, 'rollup_occurred_topic_daily', occurredTopicDaily),
      upsertSummedRows(trx, 'rollup_source_touchpoint_daily', sourceTouchpoints),
      customerDays.size === 0
        ? undefined
        : trx
            .insertInto('customer_days')
            // Sorted: the trigger locks each customer's visit chain, so batches lock them in one order.
            .values([...customerDays.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row))
            .onConflict((oc) => oc.constraint('customer_days_key').doNothing()),
    ].filter((write) => write !== undefined);
    if (writes.length > 0)
      await sql`with ${sql.join(
        writes.map((write, index) => sql`${sql.ref(`write_${index}`)} as (${write})`),
      )} select 1`.execute(trx);
    if (earliestDay !== undefined && earliestDay < settledForWriterBefore(now)) {
      await reviseSettledRollups(trx, orgId);
    }
    return feedbackIds.map((id) => outcomes.get(id) ?? { counted: false });
  });
}

/** One feedback: `countFeedbackBatchIntoRollups` for a batch of one. */
export async function countFeedbackIntoRollups(
  db: Db,
  orgId: string,
  feedbackId: string,
  now: Date,
): Promise<AggregationOutcome> {
  const [outcome] = await countFeedbackBatchIntoRollups(db, orgId, [feedbackId], now);
  return outcome!;
}
