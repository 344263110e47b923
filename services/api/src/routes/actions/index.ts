import { actionTransitions, isClosedStatus } from '@cxloop/contracts';
import {
  type ActionChange,
  type ActionItem,
  type ActionPlan,
  actionEffectReport,
  actionScopeOf,
  addActionComment,
  changeActionItem,
  createActionItem,
  type Db,
  findActionItem,
  listActionComments,
  listActionEvents,
  listActionItems,
  noticeActionCustomers,
} from '@cxloop/db';
import { enqueueOutbound, type OutboundQueue, type ScoreQueue } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../../auth/plugin.js';
import { Problem, problems } from '../../problems.js';
import { recomputeAfterChange } from '../journey/index.js';
import { problemResponses, StaffNoteView, security } from '../schemas.js';
import { originProblems, planProblems } from './checks.js';
import {
  ActionDetailView,
  ActionListQuery,
  ActionView,
  CommentBody,
  CreateActionBody,
  type UpdateActionBody,
  UpdateActionBody as UpdateActionBodySchema,
} from './schemas.js';

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

function planOf(action: ActionItem): ActionPlan {
  return {
    title: action.title,
    description: action.description,
    scope: actionScopeOf(action),
    owner: { teamId: action.owner_team_id, memberId: action.owner_member_id },
    metric: action.metric,
    targetValue: action.target_value,
    startDate: dayOf(action.start_date),
    dueDate: dayOf(action.due_date),
    measureFrom: action.measure_from,
    effectWindowDays: action.effect_window_days,
    priority: action.priority,
  };
}

/** The body's plan fields in the data layer's shape (an owner is a team or a member, the other null). */
function planPatch(body: Omit<UpdateActionBody, 'status'>): Partial<ActionPlan> {
  const { owner, ...rest } = body;
  return {
    ...rest,
    ...(owner !== undefined && {
      owner:
        'teamId' in owner
          ? { teamId: owner.teamId, memberId: null }
          : { teamId: null, memberId: owner.memberId },
    }),
  } as Partial<ActionPlan>;
}

function presentAction(action: ActionItem, today: string): z.infer<typeof ActionView> {
  const plan = planOf(action);
  return {
    id: action.id,
    ...plan,
    status: action.status,
    nextStatuses: [...actionTransitions[action.status]],
    overdue: !isClosedStatus(action.status) && plan.dueDate < today,
    origin: { kind: action.origin, risingIssueId: action.origin_rising_issue_id, ref: action.origin_ref },
    createdAt: action.created_at.toISOString(),
    updatedAt: action.updated_at.toISOString(),
    plannedAt: action.planned_at?.toISOString() ?? null,
    doneAt: action.done_at?.toISOString() ?? null,
    closedAt: action.closed_at?.toISOString() ?? null,
  };
}

/** A refused change as its problem: an unknown action 404, a closed one or a disallowed move 409. */
function refusalProblem(refusal: Exclude<ActionChange, { ok: true }>): Problem {
  switch (refusal.reason) {
    case 'not_found':
      return problems.notFound('Action');
    case 'closed':
      return new Problem(
        409,
        'action_closed',
        'The action is closed',
        `a ${refusal.status} action does not change`,
      );
    case 'invalid_transition': {
      const allowed = refusal.allowed.join(', ') || 'none';
      return new Problem(
        409,
        'invalid_transition',
        'The action cannot move there from its status',
        `a ${refusal.from} action can move to: ${allowed}`,
        [{ path: '/status', message: `allowed from ${refusal.from}: ${allowed}` }],
      );
    }
  }
}

/**
 * Improvement actions: planned from a ranked action, a rising issue, a driver or by hand, owned by a team or
 * member, aimed at a metric over a scope of the feedback, and measured from the rollups. Managers and admins
 * plan and move them; everyone reads them (an owner may be a responder; assessors judge D6.2 and D6.5 on them).
 * No customer text is held here.
 */
export async function actionRoutes(
  app: FastifyInstance,
  deps: { db: Db; scoreQueue: ScoreQueue; outboundQueue: OutboundQueue; now?: () => Date },
) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const planners = requireRole(deps.db, 'admin', 'manager');
  const readers = requireRole(deps.db, 'admin', 'manager', 'responder', 'assessor');
  const Params = z.object({ id: z.uuid() });

  async function detail(orgId: string, action: ActionItem): Promise<z.infer<typeof ActionDetailView>> {
    const at = now();
    // The effect first: measuring a closed action may freeze it, which the audit trail then shows.
    const effect = await actionEffectReport(deps.db, action, at);
    const [comments, events] = await Promise.all([
      listActionComments(deps.db, orgId, action.id),
      listActionEvents(deps.db, orgId, action.id),
    ]);
    return {
      ...presentAction(action, dayOf(at)),
      effect,
      comments: comments.map((comment) => ({
        id: comment.id,
        body: comment.body,
        authorMemberId: comment.author_member_id,
        createdAt: comment.created_at.toISOString(),
      })),
      events: events.map((event) => ({
        event: event.event,
        fromStatus: event.from_status,
        toStatus: event.to_status,
        actorMemberId: event.actor_member_id,
        actorApiKeyId: event.actor_api_key_id,
        details: event.details,
        at: event.at.toISOString(),
      })),
    };
  }

  route.get(
    '/v1/actions',
    {
      preHandler: readers,
      schema: {
        summary: 'Improvement actions, soonest due first; filter by status, owner, overdue',
        tags: ['actions'],
        security,
        querystring: ActionListQuery,
        response: { 200: z.object({ actions: z.array(ActionView) }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const today = dayOf(now());
      const { status, ownerTeamId, ownerMemberId, overdue } = request.query;
      const rows = await listActionItems(deps.db, orgId, {
        ...(status && { statuses: [status] }),
        ...(ownerTeamId && { ownerTeamId }),
        ...(ownerMemberId && { ownerMemberId }),
        ...(overdue === 'true' && { overdueOn: today }),
      });
      return { actions: rows.map((row) => presentAction(row, today)) };
    },
  );

  route.post(
    '/v1/actions',
    {
      preHandler: planners,
      schema: {
        summary: 'Plan an improvement action (proposed until moved on)',
        tags: ['actions'],
        security,
        body: CreateActionBody,
        response: { 201: ActionDetailView, ...problemResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { origin, ...body } = request.body;
      const plan = { ...planPatch(body), ...body, owner: planPatch(body).owner! } as ActionPlan;
      const invalid = [
        ...(await planProblems(deps.db, principal.orgId, plan)),
        ...(await originProblems(deps.db, principal.orgId, origin)),
      ];
      if (invalid.length > 0) throw problems.invalidBody(invalid);
      const action = await createActionItem(
        deps.db,
        principal.orgId,
        {
          ...plan,
          origin: origin.kind,
          originRisingIssueId: origin.kind === 'rising_issue' ? origin.risingIssueId : null,
          originRef:
            origin.kind === 'ranked_action' ? origin.ref : origin.kind === 'driver' ? origin.topic : null,
        },
        { actor: { memberId: principal.memberId, apiKeyId: principal.apiKeyId }, now: now() },
      );
      await recomputeAfterChange(request, deps.scoreQueue, principal.orgId);
      return reply.status(201).send(await detail(principal.orgId, action));
    },
  );

  route.get(
    '/v1/actions/:id',
    {
      preHandler: readers,
      schema: {
        summary: 'An action with its measured effect, comments and audit trail',
        tags: ['actions'],
        security,
        params: Params,
        response: { 200: ActionDetailView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const action = await findActionItem(deps.db, orgId, request.params.id);
      if (!action) throw problems.notFound('Action');
      return detail(orgId, action);
    },
  );

  route.patch(
    '/v1/actions/:id',
    {
      preHandler: planners,
      schema: {
        summary:
          'Change an action’s plan or move its status (proposed → planned → in progress → done; abandon)',
        tags: ['actions'],
        security,
        params: Params,
        body: UpdateActionBodySchema,
        response: { 200: ActionDetailView, ...problemResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { status, ...fields } = request.body;
      const patch = planPatch(fields);
      const result = await changeActionItem(
        deps.db,
        principal.orgId,
        request.params.id,
        { plan: patch, ...(status !== undefined && { status }) },
        {
          actor: { memberId: principal.memberId, apiKeyId: principal.apiKeyId },
          now: now(),
          // The plan as it would be after the change must still hold together (due after start, known scope …).
          check: async (current) => {
            if (Object.keys(patch).length === 0) return;
            const invalid = await planProblems(deps.db, principal.orgId, { ...planOf(current), ...patch });
            if (invalid.length > 0) throw problems.invalidBody(invalid);
          },
        },
      );
      if (!result.ok) throw refusalProblem(result);
      await recomputeAfterChange(request, deps.scoreQueue, principal.orgId);
      return detail(principal.orgId, result.action);
    },
  );

  route.post(
    '/v1/actions/:id/comments',
    {
      preHandler: planners,
      schema: {
        summary: 'Comment on an action',
        tags: ['actions'],
        security,
        params: Params,
        body: CommentBody,
        response: {
          201: StaffNoteView,
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const comment = await addActionComment(deps.db, principal.orgId, request.params.id, {
        body: request.body.body,
        actor: { memberId: principal.memberId, apiKeyId: principal.apiKeyId },
        now: now(),
      });
      if (!comment) throw problems.notFound('Action');
      return reply.status(201).send({
        id: comment.id,
        body: comment.body,
        authorMemberId: comment.author_member_id,
        createdAt: comment.created_at.toISOString(),
      });
    },
  );

  route.post(
    '/v1/actions/:id/notify',
    {
      preHandler: planners,
      schema: {
        summary:
          '"You said, we did": tell the customers whose feedback fell in the done action\'s scope during its ' +
          "before window, through their feedback's source, once per customer; opted-out customers are skipped",
        tags: ['actions'],
        security,
        params: Params,
        body: z.object({ message: z.string().trim().min(1).max(2000) }).strict(),
        response: {
          202: z.object({ notified: z.number().int() }),
          ...problemResponses(401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const action = await findActionItem(deps.db, orgId, request.params.id);
      if (!action) throw problems.notFound('Action');
      if (action.status !== 'done') {
        throw new Problem(
          409,
          'action_not_done',
          'Only a done action is announced',
          `the action is ${action.status}`,
        );
      }
      const { messageIds } = await noticeActionCustomers(deps.db, action, request.body.message, now());
      // Stored first, then queued: a lost job is found again by the outbound sweep, like a reply's.
      await enqueueOutbound(
        deps.outboundQueue,
        messageIds.map((messageId) => ({ orgId, messageId })),
      );
      return reply.status(202).send({ notified: messageIds.length });
    },
  );
}
