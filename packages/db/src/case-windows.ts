import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { DayWindow, ScoreScope } from './rollup-windows.js';

/**
 * The closed-loop figures of triage cases opened in a window, as of `now`, in one pass over the window's
 * cases (index cases_org_opened_idx): cost grows with the window's cases, never with history. Dismissed
 * cases (not a real issue) count in no closed-loop figure. A unit's cases are those of its unit's feedback.
 */
export interface CaseWindowStats {
  opened: number;
  /** Opened and past their first-response deadline (the acknowledgement target), or acknowledged. */
  acknowledgementDue: number;
  acknowledged: number;
  /** Closed, or past their resolution deadline. */
  resolutionDue: number;
  closedWithReply: number;
  answered: number;
  medianFirstResponseHours: number | null;
  firstResponseDue: number;
  firstResponseInTime: number;
  owned: number;
}

export async function caseWindowStats(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
  now: Date,
): Promise<CaseWindowStats> {
  let query = db
    .selectFrom('cases')
    .where('cases.org_id', '=', scope.orgId)
    .where('cases.status', '<>', 'dismissed')
    .where('cases.opened_at', '>=', sql<Date>`${window.from}::date`)
    .where('cases.opened_at', '<', sql<Date>`${window.to}::date + 1`);
  if (scope.unitId !== null) {
    query = query
      .innerJoin('feedback', (join) =>
        join.onRef('feedback.id', '=', 'cases.feedback_id').onRef('feedback.org_id', '=', 'cases.org_id'),
      )
      .where('feedback.unit_id', '=', scope.unitId);
  }
  const acknowledged = sql`(cases.acknowledged_at is not null or cases.first_response_at is not null)`;
  const row = await query
    .select([
      sql<number>`count(*)::float8`.as('opened'),
      sql<number>`count(*) filter (where cases.first_response_due_at <= ${now} or ${acknowledged})::float8`.as(
        'acknowledgementDue',
      ),
      sql<number>`count(*) filter (where ${acknowledged})::float8`.as('acknowledged'),
      sql<number>`count(*) filter (where cases.closed_at is not null or cases.resolution_due_at <= ${now})::float8`.as(
        'resolutionDue',
      ),
      sql<number>`count(*) filter (where cases.status = 'resolved' and cases.first_response_at is not null)::float8`.as(
        'closedWithReply',
      ),
      sql<number>`count(cases.first_response_at)::float8`.as('answered'),
      sql<
        number | null
      >`percentile_cont(0.5) within group (order by extract(epoch from cases.first_response_at - cases.opened_at) / 3600) filter (where cases.first_response_at is not null)`.as(
        'medianFirstResponseHours',
      ),
      sql<number>`count(*) filter (where cases.first_response_due_at <= ${now} or cases.first_response_at is not null)::float8`.as(
        'firstResponseDue',
      ),
      sql<number>`count(*) filter (where cases.first_response_at <= cases.first_response_due_at)::float8`.as(
        'firstResponseInTime',
      ),
      sql<number>`count(cases.first_assigned_at)::float8`.as('owned'),
    ])
    .executeTakeFirstOrThrow();
  return row;
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
