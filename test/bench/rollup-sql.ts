import { ANALYSIS_LAG_BUCKETS, type Db } from '@cxloop/db';
import { type RawBuilder, sql } from 'kysely';

/**
 * The rollup increments of many feedback at once, as one SQL GROUP BY per rollup table. It mirrors
 * `rollupIncrements` + `countFeedbackIntoRollups` (packages/db/src/rollups.ts) counter by counter, so a
 * benchmark can bulk-load a million analysed feedback without a million aggregate jobs. It is benchmark
 * code, never product code: `verifyRollupsMatch` proves it equal to what the real aggregate processor wrote
 * for the same rows before it is trusted with the bulk.
 *
 * Faithfulness details: `sentiment_score` is `real`, and the processor reads it through pg's text form into a
 * JS double, hence `::text::float8`; a topic mentioned twice in one feedback counts once with its last entry
 * (the processor's Map); timestamps are whole milliseconds (the loader writes them so), as JS Dates are.
 */

interface RollupTable {
  name:
    | 'rollup_daily'
    | 'rollup_channel_daily'
    | 'rollup_topic_daily'
    | 'rollup_topic_unit_daily'
    | 'rollup_analysis_lag'
    | 'customer_days';
  constraint: string;
  keys: readonly string[];
  counters: readonly string[];
  /** Floating-point counters: sums in another order differ in the last bits. */
  floats: readonly string[];
  select: string;
}

const rated = '(nps is not null or csat is not null or ces is not null)';

/** A daily rollup keyed by org, day, unit, channel and `extraKeys`, as `rollupIncrements` counts it. */
function dailyRollup(name: RollupTable['name'], extraKeys: readonly string[]): RollupTable {
  const keys = ['org_id', 'day', 'unit_id', 'channel', ...extraKeys];
  return {
    name,
    constraint: `${name}_key`,
    keys,
    counters: [
      'feedback_count',
      'identified_count',
      'flagged_count',
      'sentiment_count',
      'sentiment_sum',
      'sentiment_sum_sq',
      'negative_count',
      'nps_count',
      'nps_promoters',
      'nps_passives',
      'nps_detractors',
      'csat_count',
      'csat_sum',
      'csat_satisfied',
      'ces_count',
      'ces_sum',
      'rated_count',
      'rated_with_topic_count',
    ],
    floats: ['sentiment_sum', 'sentiment_sum_sq'],
    select: `select ${keys.join(', ')},
        count(*)::int as feedback_count,
        count(*) filter (where identified)::int as identified_count,
        count(*) filter (where severity <> 'none')::int as flagged_count,
        count(sentiment)::int as sentiment_count,
        coalesce(sum(sentiment), 0)::float8 as sentiment_sum,
        coalesce(sum(sentiment * sentiment), 0)::float8 as sentiment_sum_sq,
        count(*) filter (where sentiment_label = 'negative')::int as negative_count,
        count(nps)::int as nps_count,
        count(*) filter (where nps >= 9)::int as nps_promoters,
        count(*) filter (where nps between 7 and 8)::int as nps_passives,
        count(*) filter (where nps <= 6)::int as nps_detractors,
        count(csat)::int as csat_count,
        coalesce(sum(csat), 0)::int as csat_sum,
        count(*) filter (where csat >= 4)::int as csat_satisfied,
        count(ces)::int as ces_count,
        coalesce(sum(ces), 0)::int as ces_sum,
        count(*) filter (where ${rated})::int as rated_count,
        count(*) filter (where ${rated} and jsonb_array_length(topics) > 0)::int as rated_with_topic_count
      from counted group by ${keys.join(', ')}`,
  };
}

/**
 * A topic rollup keyed by org, day, unit, `extraKeys` and topic. A topic mentioned twice in one feedback
 * counts once, with its last entry (the processor's Map).
 */
function topicRollup(name: RollupTable['name'], extraKeys: readonly string[]): RollupTable {
  const keys = ['org_id', 'day', 'unit_id', ...extraKeys, 'topic'];
  return {
    name,
    constraint: `${name}_key`,
    keys,
    counters: [
      'mentions',
      'sentiment_sum',
      'negative_count',
      'nps_count',
      'nps_promoters',
      'nps_detractors',
      'csat_count',
      'csat_sum',
    ],
    floats: ['sentiment_sum'],
    select: `select ${keys.join(', ')},
        count(*)::int as mentions,
        coalesce(sum(topic_sentiment), 0)::float8 as sentiment_sum,
        count(*) filter (where topic_label = 'negative')::int as negative_count,
        count(nps)::int as nps_count,
        count(*) filter (where nps >= 9)::int as nps_promoters,
        count(*) filter (where nps <= 6)::int as nps_detractors,
        count(csat)::int as csat_count,
        coalesce(sum(csat), 0)::int as csat_sum
      from (
        select distinct on (c.id, t.value->>'id') c.*, t.value->>'id' as topic,
          (t.value->>'sentiment')::float8 as topic_sentiment, t.value->>'sentimentLabel' as topic_label
        from counted c cross join lateral jsonb_array_elements(c.topics) with ordinality as t(value, n)
        order by c.id, t.value->>'id', t.n desc
      ) mentioned
      group by ${keys.join(', ')}`,
  };
}

const tables: readonly RollupTable[] = [
  dailyRollup('rollup_daily', ['touchpoint']),
  dailyRollup('rollup_channel_daily', []),
  topicRollup('rollup_topic_daily', ['channel']),
  topicRollup('rollup_topic_unit_daily', []),
  {
    name: 'rollup_analysis_lag',
    constraint: 'rollup_analysis_lag_key',
    keys: ['org_id', 'day', 'unit_id', 'bucket'],
    counters: ['count'],
    floats: [],
    select: `select org_id, day, unit_id,
        (select count(*) from unnest(array[${ANALYSIS_LAG_BUCKETS.join(', ')}]::float8[]) upper
          where upper < lag_minutes)::smallint as bucket,
        count(*)::int as count
      from counted group by 1, 2, 3, 4`,
  },
  {
    name: 'customer_days',
    constraint: 'customer_days_key',
    keys: ['org_id', 'day', 'customer_ref', 'unit_id'],
    counters: [],
    floats: [],
    select: `select distinct org_id, day, customer_ref, unit_id from counted where identified`,
  },
];

export const rollupTableNames = tables.map((table) => table.name);

/** Rollups kept by triggers (migration 20261123T1500_window_rollups), reported beside the others. */
export const windowRollupTableNames = [
  'rollup_case_daily',
  'rollup_case_response',
  'rollup_case_topic_daily',
  'rollup_customer_return',
];

/**
 * Rows where the visit chains the trigger linked visit by visit (in whatever order the sample's feedback was
 * counted) differ from a one-pass rebuild; rows whose count went back to 0 are absent from a rebuild. The
 * table holds the rebuild afterwards, which is the same rows when this returns 0.
 */
export async function verifyCustomerReturnsMatch(db: Db, orgId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`create temporary table linked on commit drop as
      select unit_id, day, prev_day, count from rollup_customer_return where org_id = ${orgId} and count <> 0`.execute(
      trx,
    );
    await sql`select cxloop_rebuild_customer_returns(${orgId})`.execute(trx);
    const result = await sql<{ n: string }>`select count(*) as n from linked l
      full join (select * from rollup_customer_return where org_id = ${orgId}) r
        on coalesce(l.unit_id::text, '-') = coalesce(r.unit_id::text, '-') and l.day = r.day
        and coalesce(l.prev_day::text, '-') = coalesce(r.prev_day::text, '-')
      where l.count is distinct from r.count`.execute(trx);
    return Number(result.rows[0]!.n);
  });
}

/**
 * `counted`: the analysed feedback of `orgId` matching `where` (a condition on `f`), with what the aggregate
 * processor reads of each. The lag uses `analysed_at` as the processor does.
 */
function counted(orgId: string, where: RawBuilder<unknown>) {
  return sql`with counted as (
    select f.id, f.org_id, (f.received_at at time zone 'UTC')::date as day, f.unit_id, f.channel, f.touchpoint,
      f.customer_ref, f.nps, f.csat, f.ces,
      coalesce(f.customer_ref, '') <> '' as identified,
      a.sentiment_score::text::float8 as sentiment, a.sentiment_label, a.severity,
      case when jsonb_typeof(a.details->'topics') = 'array' then a.details->'topics' else '[]'::jsonb end as topics,
      greatest(0, extract(epoch from (coalesce(f.analysed_at, f.aggregated_at) - f.received_at)) / 60)::float8
        as lag_minutes
    from feedback f
    join feedback_analysis a on a.feedback_id = f.id and a.org_id = f.org_id
    where f.org_id = ${orgId} and f.status = 'analysed' and ${where}
  )`;
}

/**
 * Rows where the SQL's rollups of the organisation's feedback differ from the rollup tables: keys present on
 * one side only, integer counters not equal, float sums apart by more than 1e-9 relative.
 */
export async function verifyRollupsMatch(db: Db, orgId: string): Promise<Record<string, number>> {
  const mismatches: Record<string, number> = {};
  for (const table of tables) {
    // FULL JOIN needs hashable conditions: compare keys as text, null as a value of its own.
    const sameKey = table.keys
      .map((key) => `coalesce(e.${key}::text, '(null)') = coalesce(a.${key}::text, '(null)')`)
      .join(' and ');
    const differs = table.counters.map((column) =>
      table.floats.includes(column)
        ? `abs(e.${column} - a.${column}) > 1e-9 * greatest(1, abs(a.${column}))`
        : `e.${column} <> a.${column}`,
    );
    const result = await sql<{ n: string }>`${counted(orgId, sql`true`)},
      expected as (${sql.raw(table.select)}),
      actual as (select * from ${sql.table(table.name)} where org_id = ${orgId})
      select count(*) as n from expected e full join actual a on ${sql.raw(sameKey)}
      where e.org_id is null or a.org_id is null ${sql.raw(differs.map((d) => ` or ${d}`).join(''))}`.execute(
      db,
    );
    mismatches[table.name] = Number(result.rows[0]!.n);
  }
  return mismatches;
}

/** Adds the increments of the matching feedback to every rollup, as the upserts of the processor would. */
export async function addRollupIncrements(db: Db, orgId: string, where: RawBuilder<unknown>): Promise<void> {
  for (const table of tables) {
    const columns = [...table.keys, ...table.counters];
    const onConflict =
      table.counters.length === 0
        ? 'do nothing'
        : `do update set ${table.counters.map((c) => `${c} = ${table.name}.${c} + excluded.${c}`).join(', ')}`;
    await sql`${counted(orgId, where)}
      insert into ${sql.table(table.name)} (${sql.raw(columns.join(', '))})
      select ${sql.raw(columns.join(', '))} from (${sql.raw(table.select)}) increments
      on conflict on constraint ${sql.raw(table.constraint)} ${sql.raw(onConflict)}`.execute(db);
  }
}
