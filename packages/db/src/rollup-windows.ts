import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from './connection.js';
import type { Database } from './schema.js';

/**
 * Window sums over the rollups, for the metric catalogue and the insights. Every query reads rollup rows
 * (days × units × channels × touchpoints/topics) or the small per-window tables, never raw feedback, so
 * their cost does not grow with history (DESIGN invariant 4).
 */

/** What is scored: the whole organisation, or one of its units. */
export interface ScoreScope {
  orgId: string;
  /** null for the enterprise (every unit and unattributed feedback together). */
  unitId: string | null;
}

/** Inclusive UTC days 'YYYY-MM-DD'. */
export interface DayWindow {
  from: string;
  to: string;
}

/** Rows of a rollup table (keyed by org, UTC day, unit) that fall in the scope and window. */
export function inScope<T extends keyof Database, O>(
  query: SelectQueryBuilder<Database, T, O>,
  scope: ScoreScope,
  window: DayWindow,
): SelectQueryBuilder<Database, T, O> {
  const scoped = query
    .where(sql.ref('org_id'), '=', scope.orgId)
    .where(sql.ref('day'), '>=', window.from)
    .where(sql.ref('day'), '<=', window.to);
  return scope.unitId === null ? scoped : scoped.where(sql.ref('unit_id'), '=', scope.unitId);
}

const total = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::float8`;

export interface ChannelWindowTotals {
  channel: string;
  firstDay: string;
  feedback: number;
  /** Feedback attributed to a unit. */
  attributed: number;
  identified: number;
  flagged: number;
  rated: number;
  ratedWithTopic: number;
  nps: number;
  npsPromoters: number;
  npsDetractors: number;
  csat: number;
  csatSum: number;
  ces: number;
  cesSum: number;
  sentimentCount: number;
  sentimentSum: number;
}

/**
 * Per channel sums of the daily rollups over windows that all end on the same day, shortest first (30, 90
 * and 180 days, say), from one read of the longest: each row is summed into its band (the shortest window
 * that holds it) and the bands add up to the windows here. Channels without feedback in a window are absent
 * from it.
 */
export async function nestedChannelTotals(
  db: Db,
  scope: ScoreScope,
  windows: readonly DayWindow[],
): Promise<ChannelWindowTotals[][]> {
  const longest = windows.at(-1);
  if (!longest) return [];
  const inner = windows.slice(0, -1);
  const band =
    inner.length === 0
      ? sql<number>`0`
      : sql<number>`case ${sql.join(
          inner.map((window, index) => sql`when day >= ${window.from}::date then ${sql.lit(index)}`),
          sql` `,
        )} else ${sql.lit(inner.length)} end`;
  const rows = await inScope(db.selectFrom('rollup_channel_daily'), scope, longest)
    .select([
      'channel',
      band.as('band'),
      sql<string>`min(day)::text`.as('firstDay'),
      total('feedback_count').as('feedback'),
      sql<number>`coalesce(sum(feedback_count) filter (where unit_id is not null), 0)::float8`.as(
        'attributed',
      ),
      total('identified_count').as('identified'),
      total('flagged_count').as('flagged'),
      total('rated_count').as('rated'),
      total('rated_with_topic_count').as('ratedWithTopic'),
      total('nps_count').as('nps'),
      total('nps_promoters').as('npsPromoters'),
      total('nps_detractors').as('npsDetractors'),
      total('csat_count').as('csat'),
      total('csat_sum').as('csatSum'),
      total('ces_count').as('ces'),
      total('ces_sum').as('cesSum'),
      total('sentiment_count').as('sentimentCount'),
      total('sentiment_sum').as('sentimentSum'),
    ])
    .groupBy(['channel', 'band'])
    .orderBy('channel')
    .execute();
  return windows.map((_, index) =>
    addRowsByKey(
      [rows.filter((row) => row.band <= index).map(({ band: _band, ...sums }) => sums)],
      (sums) => sums.channel,
    ).filter((sums) => sums.feedback > 0),
  );
}

/** Days of the window with at least one feedback. */
export async function daysWithFeedback(db: Db, scope: ScoreScope, window: DayWindow): Promise<number> {
  const row = await inScope(db.selectFrom('rollup_channel_daily'), scope, window)
    .select(sql<number>`count(distinct day)::float8`.as('days'))
    .where('feedback_count', '>', 0)
    .executeTakeFirstOrThrow();
  return row.days;
}

/**
 * Identified customers with feedback in `window` and in `before` (the returning ones), and all identified
 * customers of `window`, from the visit chains of `rollup_customer_return`: a customer is counted once, at
 * their first visit in the window (previous visit before it, or none); they return when that previous visit
 * falls in `before`. `before` must end the day before `window` starts. `days` (the whole window unless
 * given) counts only first visits on those days of the window, so counts over parts of it add up. Cost
 * grows with days², not customers.
 */
export async function returningCustomers(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
  before: DayWindow,
  days: DayWindow = window,
): Promise<{ returning: number; identified: number }> {
  // The enterprise chain is stored under unit_id null; a unit's under its id.
  const chain = db
    .selectFrom('rollup_customer_return')
    .where('org_id', '=', scope.orgId)
    .where(sql.ref('unit_id'), scope.unitId === null ? 'is' : '=', scope.unitId)
    .where(sql.ref('day'), '>=', days.from)
    .where(sql.ref('day'), '<=', days.to)
    .where((eb) => eb.or([eb('prev_day', 'is', null), eb(sql.ref('prev_day'), '<', window.from)]));
  const row = await chain
    .select([
      total('count').as('identified'),
      sql<number>`coalesce(sum(count) filter (where prev_day >= ${before.from}::date), 0)::float8`.as(
        'returning',
      ),
    ])
    .executeTakeFirstOrThrow();
  return row;
}

/** A topic's sums over a window: mentions, aspect sentiment and the ratings given with it. */
export interface TopicTotals {
  topic: string;
  mentions: number;
  negative: number;
  sentimentSum: number;
  nps: number;
  npsPromoters: number;
  npsDetractors: number;
  csat: number;
  csatSum: number;
}

export interface TopicChannelTotals extends TopicTotals {
  channel: string;
}

const topicSums = [
  total('mentions').as('mentions'),
  total('negative_count').as('negative'),
  total('sentiment_sum').as('sentimentSum'),
  total('nps_count').as('nps'),
  total('nps_promoters').as('npsPromoters'),
  total('nps_detractors').as('npsDetractors'),
  total('csat_count').as('csat'),
  total('csat_sum').as('csatSum'),
];

/** Per topic and channel sums of the topic rollups over a window (topics heard across channels). */
export async function topicChannelTotals(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
): Promise<TopicChannelTotals[]> {
  return inScope(db.selectFrom('rollup_topic_daily'), scope, window)
    .select(['topic', 'channel', ...topicSums])
    .groupBy(['topic', 'channel'])
    .orderBy('topic')
    .orderBy('channel')
    .execute();
}

/** Per topic sums over a window, from the rollup without channels (a sixth of the rows or fewer). */
export async function topicTotals(db: Db, scope: ScoreScope, window: DayWindow): Promise<TopicTotals[]> {
  return inScope(db.selectFrom('rollup_topic_unit_daily'), scope, window)
    .select(['topic', ...topicSums])
    .groupBy('topic')
    .orderBy('topic')
    .execute();
}

/**
 * Mentions and negative mentions per topic and day the customers gave them (and how many of those arrived
 * late) over a window, for rising issues. Read whole: the cost follows days × topics.
 */
export async function topicDailyMentions(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
): Promise<
  {
    topic: string;
    day: string;
    mentions: number;
    negative: number;
    lateMentions: number;
    lateNegative: number;
  }[]
> {
  return inScope(db.selectFrom('rollup_occurred_topic_daily'), scope, window)
    .select([
      'topic',
      sql<string>`day::text`.as('day'),
      total('mentions').as('mentions'),
      total('negative_count').as('negative'),
      total('late_mentions').as('lateMentions'),
      total('late_negative_count').as('lateNegative'),
    ])
    .groupBy(['topic', 'day'])
    .orderBy('topic')
    .orderBy('day')
    .execute();
}

/**
 * Rows of window parts added up per key: numbers are summed, `firstDay` keeps the earliest, other fields
 * are the key's. Sorted by key, as the single reads order their rows.
 */
export function addRowsByKey<T extends object>(
  parts: readonly (readonly T[])[],
  keyOf: (row: T) => string,
): T[] {
  const byKey = new Map<string, T>();
  for (const rows of parts) {
    for (const row of rows) {
      const key = keyOf(row);
      const sums = byKey.get(key) as Record<string, unknown> | undefined;
      if (!sums) {
        byKey.set(key, { ...row });
        continue;
      }
      for (const [field, value] of Object.entries(row)) {
        if (typeof value === 'number') sums[field] = (sums[field] as number) + value;
        else if (field === 'firstDay' && (value as string) < (sums[field] as string)) sums[field] = value;
      }
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
