import {
  type ActionMetric,
  type ActionOrigin,
  type ActionPriority,
  type ActionStatus,
  actionTransitions,
  type EffectAnchor,
  isClosedStatus,
} from '@cxloop/contracts';
import { type SqlBool, sql, type Updateable } from 'kysely';
import type { ActionComment, ActionEvent, ActionItem, ActionItemTable } from './actions.tables.js';
import type { CaseActor } from './cases.js';
import type { Db } from './connection.js';

/** Who changed an action: a person through their key, or a key without a person. */
export type ActionActor = CaseActor;

/** Which feedback an action is about: the rollup dimensions it fixes (null: any). */
export interface ActionScope {
  unitId: string | null;
  channel: string | null;
  touchpoint: string | null;
  topic: string | null;
}

export interface ActionOwner {
  teamId: string | null;
  memberId: string | null;
}

export interface ActionPlan {
  title: string;
  description: string;
  scope: ActionScope;
  owner: ActionOwner;
  metric: ActionMetric;
  targetValue: number;
  startDate: string;
  dueDate: string;
  measureFrom: EffectAnchor;
  effectWindowDays: number;
  priority: ActionPriority;
}

export interface NewActionItem extends ActionPlan {
  origin: ActionOrigin;
  originRisingIssueId: string | null;
  originRef: string | null;
}

const planColumns = (plan: Partial<ActionPlan>): Updateable<ActionItemTable> => ({
  ...(plan.title !== undefined && { title: plan.title }),
  ...(plan.description !== undefined && { description: plan.description }),
  ...(plan.scope !== undefined && {
    scope_unit_id: plan.scope.unitId,
    scope_channel: plan.scope.channel,
    scope_touchpoint: plan.scope.touchpoint,
    scope_topic: plan.scope.topic,
  }),
  ...(plan.owner !== undefined && { owner_team_id: plan.owner.teamId, owner_member_id: plan.owner.memberId }),
  ...(plan.metric !== undefined && { metric: plan.metric }),
  ...(plan.targetValue !== undefined && { target_value: plan.targetValue }),
  ...(plan.startDate !== undefined && { start_date: plan.startDate }),
  ...(plan.dueDate !== undefined && { due_date: plan.dueDate }),
  ...(plan.measureFrom !== undefined && { measure_from: plan.measureFrom }),
  ...(plan.effectWindowDays !== undefined && { effect_window_days: plan.effectWindowDays }),
  ...(plan.priority !== undefined && { priority: plan.priority }),
});

async function recordActionEvent(
  db: Db,
  event: {
    orgId: string;
    actionId: string;
    event: string;
    actor: ActionActor;
    fromStatus?: ActionStatus | null;
    toStatus?: ActionStatus | null;
    details?: Record<string, unknown>;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('action_events')
    .values({
      org_id: event.orgId,
      action_id: event.actionId,
      event: event.event,
      actor_member_id: event.actor.memberId,
      actor_api_key_id: event.actor.apiKeyId,
      from_status: event.fromStatus ?? null,
      to_status: event.toStatus ?? null,
      details: JSON.stringify(event.details ?? {}),
      at: event.at,
    })
    .execute();
}

/** Records a new action, proposed, with its "created" audit event, in one transaction. */
export async function createActionItem(
  db: Db,
  orgId: string,
  action: NewActionItem,
  context: { actor: ActionActor; now: Date },
): Promise<ActionItem> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('action_items')
      .values({
        org_id: orgId,
        title: action.title,
        description: action.description,
        scope_unit_id: action.scope.unitId,
        scope_channel: action.scope.channel,
        scope_touchpoint: action.scope.touchpoint,
        scope_topic: action.scope.topic,
        owner_team_id: action.owner.teamId,
        owner_member_id: action.owner.memberId,
        metric: action.metric,
        target_value: action.targetValue,
        start_date: action.startDate,
        due_date: action.dueDate,
        measure_from: action.measureFrom,
        effect_window_days: action.effectWindowDays,
        priority: action.priority,
        origin: action.origin,
        origin_rising_issue_id: action.originRisingIssueId,
        origin_ref: action.originRef,
        created_at: context.now,
        updated_at: context.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActionEvent(trx, {
      orgId,
      actionId: row.id,
      event: 'created',
      actor: context.actor,
      toStatus: row.status,
      details: { origin: action.origin },
      at: context.now,
    });
    return row;
  });
}

export async function findActionItem(
  db: Db,
  orgId: string,
  actionId: string,
): Promise<ActionItem | undefined> {
  return db
    .selectFrom('action_items')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', actionId)
    .executeTakeFirst();
}

export interface ActionFilter {
  statuses?: readonly ActionStatus[];
  ownerTeamId?: string;
  ownerMemberId?: string;
  /** Only open actions whose due date lies before this day (YYYY-MM-DD). */
  overdueOn?: string;
}

/** The organisation's actions, soonest due first. */
export async function listActionItems(
  db: Db,
  orgId: string,
  filter: ActionFilter = {},
): Promise<ActionItem[]> {
  let query = db.selectFrom('action_items').selectAll().where('org_id', '=', orgId);
  if (filter.statuses && filter.statuses.length > 0) query = query.where('status', 'in', filter.statuses);
  if (filter.ownerTeamId) query = query.where('owner_team_id', '=', filter.ownerTeamId);
  if (filter.ownerMemberId) query = query.where('owner_member_id', '=', filter.ownerMemberId);
  if (filter.overdueOn) {
    query = query
      .where(sql<SqlBool>`due_date < ${filter.overdueOn}::date`)
      .where('status', 'in', ['proposed', 'planned', 'in_progress']);
  }
  return query.orderBy('due_date').orderBy('created_at').limit(1000).execute();
}

export type ActionChange =
  | { ok: true; action: ActionItem }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid_transition'; from: ActionStatus; allowed: readonly ActionStatus[] }
  | { ok: false; reason: 'closed'; status: ActionStatus };

/**
 * Changes an action's plan and/or status under a row lock, with one audit event per change, in one
 * transaction: a disallowed status move or a change to a closed action changes nothing. `check` sees the
 * current row and the merged plan, and may refuse (its problems are thrown back unchanged).
 */
export async function changeActionItem(
  db: Db,
  orgId: string,
  actionId: string,
  change: { plan: Partial<ActionPlan>; status?: ActionStatus },
  context: { actor: ActionActor; now: Date; check?: (current: ActionItem) => void | Promise<void> },
): Promise<ActionChange> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('action_items')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', actionId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return { ok: false, reason: 'not_found' };
    if (isClosedStatus(current.status)) return { ok: false, reason: 'closed', status: current.status };
    const target = change.status;
    if (
      target !== undefined &&
      target !== current.status &&
      !actionTransitions[current.status].includes(target)
    ) {
      return {
        ok: false,
        reason: 'invalid_transition',
        from: current.status,
        allowed: actionTransitions[current.status],
      };
    }
    await context.check?.(current);
    const moves = target !== undefined && target !== current.status;
    const patch: Updateable<ActionItemTable> = {
      ...planColumns(change.plan),
      updated_at: context.now,
      ...(moves && { status: target }),
      ...(moves && target !== 'abandoned' && current.planned_at === null && { planned_at: context.now }),
      ...(moves && target === 'done' && { done_at: context.now }),
      ...(moves && isClosedStatus(target) && { closed_at: context.now }),
    };
    const action = await trx
      .updateTable('action_items')
      .set(patch)
      .where('org_id', '=', orgId)
      .where('id', '=', actionId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const changedFields = Object.keys(change.plan);
    if (changedFields.length > 0) {
      await recordActionEvent(trx, {
        orgId,
        actionId,
        event: 'updated',
        actor: context.actor,
        details: { fields: changedFields },
        at: context.now,
      });
    }
    if (moves) {
      await recordActionEvent(trx, {
        orgId,
        actionId,
        event: 'status',
        actor: context.actor,
        fromStatus: current.status,
        toStatus: target,
        at: context.now,
      });
    }
    return { ok: true, action };
  });
}

/**
 * Keeps the effect judged when the action closed and its after window completed. Written once: a second
 * freeze (a concurrent reader) changes nothing.
 */
export async function freezeActionEffect(
  db: Db,
  orgId: string,
  actionId: string,
  effect: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const frozen = await trx
      .updateTable('action_items')
      .set({ frozen_effect: JSON.stringify(effect), effect_frozen_at: now })
      .where('org_id', '=', orgId)
      .where('id', '=', actionId)
      .where('frozen_effect', 'is', null)
      .where('closed_at', 'is not', null)
      .executeTakeFirst();
    if (frozen.numUpdatedRows === 0n) return false;
    await recordActionEvent(trx, {
      orgId,
      actionId,
      event: 'effect_frozen',
      actor: { memberId: null, apiKeyId: null },
      details: { verdict: effect.verdict ?? null },
      at: now,
    });
    return true;
  });
}

export async function addActionComment(
  db: Db,
  orgId: string,
  actionId: string,
  comment: { body: string; actor: ActionActor; now: Date },
): Promise<ActionComment | undefined> {
  return db.transaction().execute(async (trx) => {
    const action = await trx
      .selectFrom('action_items')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', actionId)
      .executeTakeFirst();
    if (!action) return undefined;
    const row = await trx
      .insertInto('action_comments')
      .values({
        org_id: orgId,
        action_id: actionId,
        body: comment.body,
        author_member_id: comment.actor.memberId,
        author_api_key_id: comment.actor.apiKeyId,
        created_at: comment.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActionEvent(trx, {
      orgId,
      actionId,
      event: 'commented',
      actor: comment.actor,
      details: { commentId: row.id },
      at: comment.now,
    });
    return row;
  });
}

export async function listActionComments(db: Db, orgId: string, actionId: string): Promise<ActionComment[]> {
  return db
    .selectFrom('action_comments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('action_id', '=', actionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function listActionEvents(db: Db, orgId: string, actionId: string): Promise<ActionEvent[]> {
  return db
    .selectFrom('action_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('action_id', '=', actionId)
    .orderBy('id')
    .execute();
}

/** Whether a unit, member or touchpoint named by an action exists in the organisation. */
export async function actionReferencesExist(
  db: Db,
  orgId: string,
  refs: { unitId: string | null; teamId: string | null; memberId: string | null; touchpoint: string | null },
): Promise<{ unit: boolean; team: boolean; member: boolean; touchpoint: boolean }> {
  const exists = (table: 'units' | 'teams' | 'members', id: string | null) =>
    id === null
      ? Promise.resolve(true)
      : db
          .selectFrom(table)
          .select(sql<number>`1`.as('one'))
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .executeTakeFirst()
          .then((row) => row !== undefined);
  const touchpoint =
    refs.touchpoint === null
      ? Promise.resolve(true)
      : db
          .selectFrom('touchpoints')
          .select('key')
          .where('org_id', '=', orgId)
          .where('key', '=', refs.touchpoint)
          .executeTakeFirst()
          .then((row) => row !== undefined);
  const [unit, team, member, touchpointKnown] = await Promise.all([
    exists('units', refs.unitId),
    exists('teams', refs.teamId),
    exists('members', refs.memberId),
    touchpoint,
  ]);
  return { unit, team, member, touchpoint: touchpointKnown };
}
