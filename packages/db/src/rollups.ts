import { type Insertable, sql } from 'kysely';
import type { Db } from './connection.js';
import type { RollupDailyTable, RollupTopicDailyTable } from './rollups.tables.js';
import type { Database } from './schema.js';

/**
 * Upper bounds (minutes) of the receipt → analysis lag histogram; the last bucket is open-ended. Log-spaced
 * because a median of seconds and one of hours both matter, and a histogram keeps the median O(buckets).
 */
export const ANALYSIS_LAG_BUCKETS = [
  0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1_440, 2_880,
] as const;

/** Metadata keys a channel or CRM uses to say how valuable the customer is. */
const CUSTOMER_VALUE_KEYS = ['customer_value', 'value_segment'] as const;

/** What one feedback contributes to the rollups: read once, when it is counted. */
export interface FeedbackForRollup {
  unitId: string | null;
  channel: string;
  touchpoint: string | null;
  customerRef: string | null;
  metadata: Record<string, unknown>;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  receivedAt: Date;
  analysedAt: Date;
  sentimentScore: number | null;
  sentimentLabel: string | null;
  severity: string;
  topics: readonly { id: string; sentiment: number; sentimentLabel: string }[];
}

type DailyCounters = Omit<
  Insertable<RollupDailyTable>,
  'org_id' | 'day' | 'unit_id' | 'channel' | 'touchpoint'
>;
type TopicCounters = Omit<
  Insertable<RollupTopicDailyTable>,
  'org_id' | 'day' | 'unit_id' | 'channel' | 'topic'
>;

export interface RollupIncrements {
  /** The UTC day of receipt: windows are "feedback received in the last n days". */
  day: string;
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
  const valued = identified && CUSTOMER_VALUE_KEYS.some((key) => feedback.metadata[key] != null);
  const rated = feedback.nps !== null || feedback.csat !== null || feedback.ces !== null;
  const nps = feedback.nps;
  const daily: Required<DailyCounters> = {
    feedback_count: 1,
    identified_count: flag(identified),
    valued_count: flag(valued),
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
  return { day: utcDay(feedback.receivedAt), daily, topics, lagBucket: analysisLagBucket(lagMinutes) };
}

/** 'YYYY-MM-DD' of a moment in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
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

/**
 * Counts one analysed feedback into every rollup, exactly once. The `aggregated_at` marker is claimed with
 * a conditional UPDATE in the same transaction as the increments: a redelivered job finds the marker set and
 * changes nothing, and a concurrent worker blocks on the row lock, then re-checks the condition and finds it
 * false. Feedback not analysed yet (or of another organisation) is not counted.
 */
export async function countFeedbackIntoRollups(
  db: Db,
  orgId: string,
  feedbackId: string,
  now: Date,
): Promise<AggregationOutcome> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('feedback')
      .set({ aggregated_at: now })
      .where('org_id', '=', orgId)
      .where('id', '=', feedbackId)
      .where('status', '=', 'analysed')
      .where('aggregated_at', 'is', null)
      .returning([
        'unit_id',
        'channel',
        'touchpoint',
        'customer_ref',
        'metadata',
        'nps',
        'csat',
        'ces',
        'received_at',
        'analysed_at',
      ])
      .executeTakeFirst();
    if (!claimed) return { counted: false };
    const analysis = await trx
      .selectFrom('feedback_analysis')
      .select([
        'sentiment_score',
        'sentiment_label',
        'severity',
        sql<unknown>`details->'topics'`.as('topics'),
      ])
      .where('org_id', '=', orgId)
      .where('feedback_id', '=', feedbackId)
      .executeTakeFirstOrThrow();
    const increments = rollupIncrements({
      unitId: claimed.unit_id,
      channel: claimed.channel,
      touchpoint: claimed.touchpoint,
      customerRef: claimed.customer_ref,
      metadata: claimed.metadata,
      nps: claimed.nps,
      csat: claimed.csat,
      ces: claimed.ces,
      receivedAt: claimed.received_at,
      analysedAt: claimed.analysed_at ?? now,
      sentimentScore: analysis.sentiment_score,
      sentimentLabel: analysis.sentiment_label,
      severity: analysis.severity,
      topics: Array.isArray(analysis.topics) ? (analysis.topics as FeedbackForRollup['topics']) : [],
    });
    const key = { org_id: orgId, day: increments.day, unit_id: claimed.unit_id };

    await trx
      .insertInto('rollup_daily')
      .values({ ...key, channel: claimed.channel, touchpoint: claimed.touchpoint, ...increments.daily })
      .onConflict((oc) =>
        oc
          .constraint('rollup_daily_key')
          .doUpdateSet(addExcluded('rollup_daily', Object.keys(increments.daily)) as never),
      )
      .execute();
    // A topic mentioned twice in one comment is one mention of the feedback: topics arrive once each.
    const topicRows = [...new Map(increments.topics.map((entry) => [entry.topic, entry])).values()];
    if (topicRows.length > 0) {
      await trx
        .insertInto('rollup_topic_daily')
        .values(
          topicRows.map(({ topic, counters }) => ({ ...key, channel: claimed.channel, topic, ...counters })),
        )
        .onConflict((oc) =>
          oc
            .constraint('rollup_topic_daily_key')
            .doUpdateSet(addExcluded('rollup_topic_daily', Object.keys(topicRows[0]!.counters)) as never),
        )
        .execute();
    }
    await trx
      .insertInto('rollup_analysis_lag')
      .values({ ...key, bucket: increments.lagBucket, count: 1 })
      .onConflict((oc) =>
        oc
          .constraint('rollup_analysis_lag_key')
          .doUpdateSet(addExcluded('rollup_analysis_lag', ['count']) as never),
      )
      .execute();
    if (claimed.customer_ref) {
      await trx
        .insertInto('customer_days')
        .values({ ...key, customer_ref: claimed.customer_ref })
        .onConflict((oc) => oc.constraint('customer_days_key').doNothing())
        .execute();
    }
    return { counted: true, unitId: claimed.unit_id };
  });
}
