import { type SqlBool, sql } from 'kysely';
import type { ActionItem } from './actions.tables.js';
import type { Db } from './connection.js';
import type { ScoreScope } from './rollup-windows.js';

/** The days an action has to be planned in: after a rising issue is detected, or after a high-priority item is created. */
export const PLAN_WITHIN_DAYS = 14;

const DAY_MS = 86_400_000;

/** A rising issue of the scope and when an action created from it was first planned (null: never). */
export interface RisingIssuePlanning {
  issueId: string;
  detectedAt: Date;
  firstPlannedAt: Date | null;
}

/**
 * Rising issues of a scope detected since `since` (the enterprise's own issues for the enterprise, as
 * `listRisingIssues`), each with the earliest planning of an action created from it. Acknowledgement plays
 * no part: only an action that reached "planned" does.
 */
export async function risingIssuePlanning(
  db: Db,
  scope: ScoreScope,
  since: Date,
): Promise<RisingIssuePlanning[]> {
  const rows = await db
    .selectFrom('rising_issues as ri')
    .leftJoin('action_items as ai', (join) =>
      join.onRef('ai.origin_rising_issue_id', '=', 'ri.id').on('ai.org_id', '=', scope.orgId),
    )
    .select(['ri.id', 'ri.detected_at'])
    .select((eb) => eb.fn.min('ai.planned_at').as('first_planned_at'))
    .where('ri.org_id', '=', scope.orgId)
    .where('ri.detected_at', '>=', since)
    .where((eb) =>
      scope.unitId === null ? eb('ri.unit_id', 'is', null) : eb('ri.unit_id', '=', scope.unitId),
    )
    .groupBy(['ri.id', 'ri.detected_at'])
    .execute();
  return rows.map((row) => ({
    issueId: row.id,
    detectedAt: row.detected_at,
    firstPlannedAt: (row.first_planned_at as Date | null) ?? null,
  }));
}

/** An action as its evidence needs it: the row, and whether its owner is a person or a team with people. */
export type ActionForEvidence = ActionItem & { ownerNamed: boolean };

/**
 * Actions of a scope (every action for the enterprise, those scoped to the unit for a unit) that were open
 * at some time since `since` or closed since then, newest first, at most `limit`. An owner is named when it
 * is a member, or a team with at least one member.
 */
export async function actionsForEvidence(
  db: Db,
  scope: ScoreScope,
  since: Date,
  limit = 1000,
): Promise<ActionForEvidence[]> {
  const rows = await db
    .selectFrom('action_items as ai')
    .selectAll('ai')
    .select(
      sql<boolean>`ai.owner_member_id is not null or exists (
        select 1 from team_members tm where tm.team_id = ai.owner_team_id and tm.org_id = ai.org_id)`.as(
        'owner_named',
      ),
    )
    .where('ai.org_id', '=', scope.orgId)
    .where(sql<SqlBool>`(ai.closed_at is null or ai.closed_at >= ${since})`)
    .where((eb) => (scope.unitId === null ? eb.val(true) : eb('ai.scope_unit_id', '=', scope.unitId)))
    .orderBy('ai.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(({ owner_named, ...action }) => ({ ...action, ownerNamed: owner_named }));
}

/** Whether something that had `days` to happen from `start` was done in time, or is not yet due (null). */
export function withinDays(start: Date, done: Date | null, days: number, now: Date): boolean | null {
  const deadline = start.getTime() + days * DAY_MS;
  if (done !== null && done.getTime() <= deadline) return true;
  return deadline > now.getTime() ? null : false;
}
