import { sql } from 'kysely';
import type { Db } from './connection.js';
import { type DayWindow, inScope, type ScoreScope } from './rollup-windows.js';

/**
 * Upper bounds (hours) of the opening → first response histogram; the last bucket is open-ended. The
 * trigger that keeps `rollup_case_response` (migration 20261123T1500_window_rollups) buckets with the same
 * bounds.
 */
export const CASE_RESPONSE_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720] as const;

/**
 * The closed-loop figures of triage cases opened in a window, as of `now`. Dismissed cases (not a real
 * issue) count in no figure; a unit's cases are those of its unit's feedback. Everything settled comes from
 * the case rollups (days of the window); only open cases whose deadline is still ahead are read, because
 * whether they are due depends on `now`: cost grows with the cases of the last SLA period, never with
 * history or with the backlog of overdue ones.
 */
export interface CaseWindowStats {
  opened: number;
  /** Acknowledged or answered, or due for it: past the first-response deadline, or closed. */
  acknowledgementDue: number;
  acknowledged: number;
  /** Closed, or past their resolution deadline. */
  resolutionDue: number;
  closedWithReply: number;
  answered: number;
  /** Answered cases per hours-to-first-response bucket (CASE_RESPONSE_BUCKETS). */
  firstResponseHours: number[];
  /** Answered, or due for an answer: past the first-response deadline, or closed. */
  firstResponseDue: number;
  firstResponseInTime: number;
  owned: number;
  /**
   * Claimed, or due for an owner: past the first-response deadline, or closed. A case is given until its
   * first-response deadline to be picked up (the team's own promise), so a case opened seconds ago is not
   * counted as unowned.
   */
  ownershipDue: number;
  /** Resolved at least once (now resolved, or reopened after a resolution). */
  resolved: number;
  /** Of those, reopened at least once. */
  reopened: number;
}

const sum = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::float8`;

/** Open cases of the window with a deadline still ahead: the part of the window not yet due, read live. */
function openCasesNotYetDue(db: Db, scope: ScoreScope, window: DayWindow, now: Date) {
  const query = db
    .selectFrom('cases')
    .where('org_id', '=', scope.orgId)
    .where('closed_at', 'is', null)
    .where(sql<Date>`greatest(first_response_due_at, resolution_due_at)`, '>', now)
    .where('status', '<>', 'dismissed')
    .where('opened_at', '>=', sql<Date>`${window.from}::timestamp at time zone 'UTC'`)
    .where('opened_at', '<', sql<Date>`(${window.to}::date + 1)::timestamp at time zone 'UTC'`);
  return scope.unitId === null ? query : query.where('unit_id', '=', scope.unitId);
}

export async function caseWindowStats(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
  now: Date,
): Promise<CaseWindowStats> {
  const settled = await inScope(db.selectFrom('rollup_case_daily'), scope, window)
    .select([
      sum('opened').as('opened'),
      sum('acknowledged').as('acknowledged'),
      sum('answered').as('answered'),
      sum('answered_in_time').as('answeredInTime'),
      sum('closed_with_reply').as('closedWithReply'),
      sum('owned').as('owned'),
      sum('resolved').as('resolved'),
      sum('reopened').as('reopened'),
    ])
    .executeTakeFirstOrThrow();
  // Every case counts as due except an open one whose deadline is still ahead. Those are read live: they
  // are the cases opened within the last SLA period, so however long the backlog of overdue open cases
  // grows, this reads only the recent ones (index cases_open_due_idx on the later deadline).
  const notYetDue = openCasesNotYetDue(db, scope, window, now);
  const unacknowledged = sql`acknowledged_at is null and first_response_at is null`;
  const pending = await notYetDue
    .select([
      sql<number>`count(*) filter (where ${unacknowledged} and first_response_due_at > ${now})::float8`.as(
        'acknowledgement',
      ),
      sql<number>`count(*) filter (where first_response_at is null and first_response_due_at > ${now})::float8`.as(
        'firstResponse',
      ),
      sql<number>`count(*) filter (where resolution_due_at > ${now})::float8`.as('resolution'),
      sql<number>`count(*) filter (where first_assigned_at is null and first_response_due_at > ${now})::float8`.as(
        'ownership',
      ),
    ])
    .executeTakeFirstOrThrow();
  const buckets = await inScope(db.selectFrom('rollup_case_response'), scope, window)
    .select(['bucket', sum('count').as('count')])
    .groupBy('bucket')
    .execute();
  const firstResponseHours = CASE_RESPONSE_BUCKETS.map(() => 0).concat(0);
  for (const row of buckets) firstResponseHours[row.bucket] = row.count;
  return {
    opened: settled.opened,
    acknowledgementDue: settled.opened - pending.acknowledgement,
    acknowledged: settled.acknowledged,
    resolutionDue: settled.opened - pending.resolution,
    closedWithReply: settled.closedWithReply,
    answered: settled.answered,
    firstResponseHours,
    firstResponseDue: settled.opened - pending.firstResponse,
    firstResponseInTime: settled.answeredInTime,
    owned: settled.owned,
    ownershipDue: settled.opened - pending.ownership,
    resolved: settled.resolved,
    reopened: settled.reopened,
  };
}

/**
 * Whether a case on `topic` opened from `from` was resolved with a reply to the customer by `until`: a
 * rising issue counts as acted on when the team closed the loop on it.
 */
export async function topicCaseClosedWithReply(
  db: Db,
  orgId: string,
  topic: string,
  from: Date,
  until: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('cases')
    .select('id')
    .where('org_id', '=', orgId)
    .where('opened_at', '>=', from)
    .where('status', '=', 'resolved')
    .where('first_response_at', 'is not', null)
    .where('closed_at', '<=', until)
    .where(sql<boolean>`${topic} = any(topics)`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Cases of one leading topic in a window: those due (answered, or past their first-response deadline). */
export interface TopicCaseStats {
  topic: string;
  due: number;
  /** Answered by the deadline, by the team holding the case (null: no team). */
  answeredInTimeByTeam: Map<string | null, number>;
}

/**
 * Triage cases of the window per leading topic, from `rollup_case_topic_daily`, less the open cases whose
 * first response is not yet due (read live, as caseWindowStats does): what "owning teams answering in time"
 * compares with the configured owners.
 */
export async function caseTopicWindowStats(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
  now: Date,
): Promise<TopicCaseStats[]> {
  const [rows, pending] = await Promise.all([
    inScope(db.selectFrom('rollup_case_topic_daily'), scope, window)
      .select(['topic', 'team_id', sum('opened').as('opened'), sum('answered_in_time').as('answeredInTime')])
      .groupBy(['topic', 'team_id'])
      .execute(),
    openCasesNotYetDue(db, scope, window, now)
      .where('first_response_at', 'is', null)
      .where('first_response_due_at', '>', now)
      .where(sql<boolean>`cardinality(topics) > 0`)
      .select([sql<string>`topics[1]`.as('topic'), sql<number>`count(*)::float8`.as('count')])
      .groupBy(sql`topics[1]`)
      .execute(),
  ]);
  const byTopic = new Map<string, TopicCaseStats>();
  for (const row of rows) {
    // A row whose cases all moved to another team or topic stays behind at zero.
    if (row.opened === 0) continue;
    const stats = byTopic.get(row.topic) ?? { topic: row.topic, due: 0, answeredInTimeByTeam: new Map() };
    stats.due += row.opened;
    stats.answeredInTimeByTeam.set(
      row.team_id,
      (stats.answeredInTimeByTeam.get(row.team_id) ?? 0) + row.answeredInTime,
    );
    byTopic.set(row.topic, stats);
  }
  for (const row of pending) {
    const stats = byTopic.get(row.topic);
    if (stats) stats.due -= row.count;
  }
  return [...byTopic.values()];
}
