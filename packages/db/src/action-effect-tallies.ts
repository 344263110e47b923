import type { ActionMetric } from '@cxloop/contracts';
import { type RawBuilder, sql } from 'kysely';
import type { ActionScope } from './actions.js';
import type { Db } from './connection.js';

/** One day of one group: the metric's numerator summed over the day, and the observations it is over. */
export interface DayTally {
  day: string;
  sum: number;
  count: number;
}

/** The daily tallies an action's effect is measured from: its scope, and a comparison group where one exists. */
export interface ActionTallies {
  scope: DayTally[];
  comparison: DayTally[] | null;
  /** What the comparison group is, for the reader. */
  comparisonKind: 'other_units' | 'rest_of_feedback' | null;
}

/** Days [from, to): from inclusive, to exclusive, 'YYYY-MM-DD'. */
export interface DayRange {
  from: string;
  to: string;
}

/** Which rollup columns make a metric's numerator and count, on the feedback rollups and on the topic rollups. */
const FEEDBACK_RATIO: Record<Exclude<ActionMetric, 'topic_share'>, [string, string]> = {
  nps: ['(nps_promoters - nps_detractors) * 100', 'nps_count'],
  csat: ['csat_sum', 'csat_count'],
  ces: ['ces_sum', 'ces_count'],
  sentiment: ['sentiment_sum', 'sentiment_count'],
};
const TOPIC_RATIO: Partial<Record<ActionMetric, [string, string]>> = {
  nps: ['(nps_promoters - nps_detractors) * 100', 'nps_count'],
  csat: ['csat_sum', 'csat_count'],
  // Aspect sentiment of the topic's mentions.
  sentiment: ['sentiment_sum', 'mentions'],
};

/** Whether the rollups can measure this metric over this scope (CES is not kept per topic; a share needs a topic). */
export function measurableOnScope(metric: ActionMetric, scope: ActionScope): boolean {
  if (metric === 'topic_share') return scope.topic !== null;
  if (scope.topic !== null) return TOPIC_RATIO[metric] !== undefined;
  return true;
}

type Table = 'rollup_daily' | 'rollup_channel_daily' | 'rollup_topic_daily' | 'rollup_topic_unit_daily';

interface GroupedRead {
  table: Table;
  numerator: string;
  count: string;
  /** Conditions every row of both groups meets (the topic, the channel …). */
  shared: RawBuilder<unknown>[];
  /** Null when the scope has no unit: the comparison is then "not in scope" (the rest of the feedback). */
  unitId: string | null;
  /** Conditions that make a row part of the scope beyond `shared` and the unit. */
  scopeOnly: RawBuilder<unknown>[];
  withComparison: boolean;
}

const and = (conditions: RawBuilder<unknown>[]) =>
  conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `);

/**
 * Sums a ratio's numerator and count per day and group over the range: one grouped scan of the range's
 * rollup rows (days × units × channels × touchpoints or topics), whatever the feedback volume.
 */
async function groupedDailySums(
  db: Db,
  orgId: string,
  read: GroupedRead,
  range: DayRange,
): Promise<Map<'scope' | 'comparison', DayTally[]>> {
  const unitMatch = read.unitId === null ? sql`true` : sql`unit_id = ${read.unitId}::uuid`;
  const inScope = sql`(${unitMatch} and ${and(read.scopeOnly)})`;
  const inComparison = !read.withComparison
    ? sql`false`
    : read.unitId === null
      ? sql`not coalesce(${inScope}, false)`
      : sql`(unit_id is not null and unit_id <> ${read.unitId}::uuid and ${and(read.scopeOnly)})`;
  const { rows } = await sql<{ day: string; grp: 'scope' | 'comparison'; sum: number; count: number }>`
    select to_char(day, 'YYYY-MM-DD') as day, grp,
           sum(numerator)::float8 as sum, sum(observations)::float8 as count
    from (
      select day,
             case when coalesce(${inScope}, false) then 'scope'
                  when coalesce(${inComparison}, false) then 'comparison' end as grp,
             ${sql.raw(read.numerator)} as numerator, ${sql.raw(read.count)} as observations
      from ${sql.table(read.table)}
      where org_id = ${orgId}::uuid and day >= ${range.from}::date and day < ${range.to}::date
        and ${and(read.shared)}
    ) rows
    where grp is not null
    group by day, grp
    order by day`.execute(db);
  const groups = new Map<'scope' | 'comparison', DayTally[]>([
    ['scope', []],
    ['comparison', []],
  ]);
  for (const row of rows) groups.get(row.grp)!.push({ day: row.day, sum: row.sum, count: row.count });
  return groups;
}

/** Adds the numerators of one read to the counts of another, day by day (a topic's mentions over all feedback). */
function shareOf(numerators: DayTally[], denominators: DayTally[]): DayTally[] {
  const mentions = new Map(numerators.map((tally) => [tally.day, tally.sum]));
  return denominators.map((tally) => ({
    day: tally.day,
    sum: mentions.get(tally.day) ?? 0,
    count: tally.count,
  }));
}

/**
 * The daily tallies of an action's metric over its scope and its comparison group, from the rollups.
 * Comparison: with a unit in scope, the same filters in the other units; without one, the rest of the
 * feedback (not for topic scopes, whose complement is not a like-for-like group). Touchpoints are matched on
 * the event's touchpoint value (the key and the event values the journey declares for it).
 *
 * @example
 * await actionTallies(db, orgId, { unitId, channel: null, touchpoint: null, topic: null }, 'nps', { from: '2026-01-01', to: '2026-03-01' }, [])
 */
export async function actionTallies(
  db: Db,
  orgId: string,
  scope: ActionScope,
  metric: ActionMetric,
  range: DayRange,
  touchpointValues: readonly string[],
): Promise<ActionTallies> {
  const channel = scope.channel === null ? [] : [sql`channel = ${scope.channel}`];
  if (scope.topic === null) {
    if (metric === 'topic_share') throw new Error('a topic share needs a topic in scope');
    const touchpoint =
      scope.touchpoint === null
        ? []
        : [
            sql`lower(btrim(touchpoint)) in (${sql.join(
              (touchpointValues.length > 0 ? touchpointValues : [scope.touchpoint]).map((v) => sql`${v}`),
            )})`,
          ];
    const [numerator, count] = FEEDBACK_RATIO[metric];
    const groups = await groupedDailySums(
      db,
      orgId,
      {
        table: scope.touchpoint === null ? 'rollup_channel_daily' : 'rollup_daily',
        numerator,
        count,
        shared: [],
        unitId: scope.unitId,
        scopeOnly: [...channel, ...touchpoint],
        withComparison: true,
      },
      range,
    );
    return {
      scope: groups.get('scope')!,
      comparison: groups.get('comparison')!,
      comparisonKind: scope.unitId === null ? 'rest_of_feedback' : 'other_units',
    };
  }

  const withComparison = scope.unitId !== null;
  const topicTable = scope.channel === null ? 'rollup_topic_unit_daily' : 'rollup_topic_daily';
  const topicRead = (numerator: string, count: string): GroupedRead => ({
    table: topicTable,
    numerator,
    count,
    shared: [sql`topic = ${scope.topic}`],
    unitId: scope.unitId,
    scopeOnly: channel,
    withComparison,
  });
  let groups: Map<'scope' | 'comparison', DayTally[]>;
  if (metric === 'topic_share') {
    const [mentions, feedback] = await Promise.all([
      groupedDailySums(db, orgId, topicRead('mentions', '0'), range),
      groupedDailySums(
        db,
        orgId,
        {
          table: 'rollup_channel_daily',
          numerator: '0',
          count: 'feedback_count',
          shared: [],
          unitId: scope.unitId,
          scopeOnly: channel,
          withComparison,
        },
        range,
      ),
    ]);
    groups = new Map([
      ['scope', shareOf(mentions.get('scope')!, feedback.get('scope')!)],
      ['comparison', shareOf(mentions.get('comparison')!, feedback.get('comparison')!)],
    ]);
  } else {
    const ratio = TOPIC_RATIO[metric];
    if (!ratio) throw new Error(`${metric} is not kept per topic`);
    groups = await groupedDailySums(db, orgId, topicRead(...ratio), range);
  }
  return {
    scope: groups.get('scope')!,
    comparison: withComparison ? groups.get('comparison')! : null,
    comparisonKind: withComparison ? 'other_units' : null,
  };
}
