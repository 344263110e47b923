import {
  AT_RISK_MINUTES,
  addCaseNote,
  assignCase,
  type Case,
  type CaseChange,
  type CaseDetail,
  type CaseEvent,
  type CaseFilters,
  type CaseListItem,
  caseSeverities,
  caseSorts,
  caseStatuses,
  caseViewFilters,
  caseViews,
  caseWatermark,
  claimCase,
  claimNextCase,
  countCaseViews,
  type Db,
  existingTeamIds,
  findCaseDetail,
  findMember,
  isClosed,
  listCaseEvents,
  listCases,
  queueCaseReply,
  slaStateOf,
  transitionCase,
  triageResponseTimes30d,
} from '@cxloop/db';
import {
  enqueueOutbound,
  type OutboundQueue,
  requestScoreRecompute,
  type ScoreQueue,
  withTimeout,
} from '@cxloop/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Principal, principalOf, requireRole } from '../auth/plugin.js';
import { type CustomerDataPolicy, customerDataPolicyOf, type Pseudonymiser } from '../customer-data/index.js';
import { Problem, problems } from '../problems.js';
import { problemResponses, StaffNoteView, security } from './schemas.js';

export interface CaseRouteDeps {
  db: Db;
  outboundQueue: OutboundQueue;
  scoreQueue: ScoreQueue;
  secretBox: Pseudonymiser;
  now?: () => Date;
}

const CaseStatus = z.enum(caseStatuses);
const Severity = z.enum(caseSeverities);
const SlaState = z.enum(['breached', 'at_risk', 'on_track']);
const CaseViewName = z.enum(caseViews);

const CaseView = z.object({
  id: z.uuid(),
  feedbackId: z.uuid(),
  sourceId: z.uuid(),
  channel: z.string(),
  customerRef: z.string().nullable(),
  status: CaseStatus,
  dismissReason: z.string().nullable(),
  severity: Severity,
  urgency: z.number(),
  priority: z.number().int(),
  flags: z.array(z.string()),
  topics: z.array(z.string()),
  teamId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  version: z.number().int(),
  repeatContacts: z.number().int(),
  reopenCount: z.number().int(),
  escalationLevel: z.number().int(),
  repliesDelivered: z.number().int(),
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  firstResponseAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** The feedback the case leads with: the one that gave it its severity (else the one that opened it). */
  leadFeedbackId: z.uuid(),
  sla: z.object({
    firstResponseDueAt: z.string(),
    resolutionDueAt: z.string(),
    firstResponseBreachedAt: z.string().nullable(),
    resolutionBreachedAt: z.string().nullable(),
    /** The deadline that matters now and how it stands (null for a closed case); the filter uses the same. */
    dueAt: z.string().nullable(),
    state: SlaState.nullable(),
    /** Within this many minutes of `dueAt` a case is at risk: badges count down against it. */
    atRiskMinutes: z.number().int(),
  }),
});

const CaseListItemView = CaseView.extend({
  /** The customer's own words the case leads with, as the caller's role may see them. */
  headline: z.string(),
  assigneeName: z.string().nullable(),
});

const CaseDetailView = CaseView.extend({
  feedback: z.array(z.object({ feedbackId: z.uuid(), relation: z.string(), linkedAt: z.string() })),
  notes: z.array(
    z.object({ id: z.uuid(), body: z.string(), authorMemberId: z.uuid().nullable(), createdAt: z.string() }),
  ),
  messages: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['reply', 'escalation']),
      status: z.enum(['pending', 'delivered', 'dead']),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      /** Sent with "reply and resolve": the case is resolved when, and only when, it is delivered. */
      resolvesCase: z.boolean(),
      createdAt: z.string(),
      deliveredAt: z.string().nullable(),
      deadAt: z.string().nullable(),
    }),
  ),
});

const CaseEventView = z.object({
  id: z.string(),
  action: z.string(),
  actorMemberId: z.uuid().nullable(),
  actorApiKeyId: z.uuid().nullable(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  at: z.string(),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A case as `policy` lets its reader see it: the customer reference and dismiss reason are customer data. */
function presentCase(row: Case, policy: CustomerDataPolicy, now: Date): z.infer<typeof CaseView> {
  const open = !isClosed(row.status);
  const current = open
    ? slaStateOf(
        {
          firstResponseAt: row.first_response_at,
          firstResponseDueAt: row.first_response_due_at,
          resolutionDueAt: row.resolution_due_at,
        },
        now,
      )
    : undefined;
  return {
    id: row.id,
    feedbackId: row.feedback_id,
    sourceId: row.source_id,
    channel: row.channel,
    customerRef: policy.reference(row.customer_ref),
    status: row.status,
    dismissReason: policy.freeText(row.dismiss_reason),
    severity: row.severity,
    urgency: row.urgency,
    priority: row.priority,
    flags: row.flag_codes,
    topics: row.topics,
    teamId: row.team_id,
    assigneeId: row.assignee_id,
    version: row.version,
    repeatContacts: row.repeat_contacts,
    reopenCount: row.reopen_count,
    escalationLevel: row.escalation_level,
    repliesDelivered: row.replies_delivered,
    openedAt: row.opened_at.toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    firstResponseAt: iso(row.first_response_at),
    closedAt: iso(row.closed_at),
    leadFeedbackId: row.lead_feedback_id ?? row.feedback_id,
    sla: {
      firstResponseDueAt: row.first_response_due_at.toISOString(),
      resolutionDueAt: row.resolution_due_at.toISOString(),
      firstResponseBreachedAt: iso(row.first_response_breached_at),
      resolutionBreachedAt: iso(row.resolution_breached_at),
      dueAt: current ? current.dueAt.toISOString() : null,
      state: current ? current.state : null,
      atRiskMinutes: AT_RISK_MINUTES,
    },
  };
}

/** A row of the inbox: the case and the customer's words it leads with, redacted for roles that see so. */
function presentListItem(
  row: CaseListItem,
  policy: CustomerDataPolicy,
  now: Date,
): z.infer<typeof CaseListItemView> {
  return {
    ...presentCase(row, policy, now),
    headline: row.lead_text === null ? '' : policy.feedbackText(row.lead_text, row.lead_redacted_text).text,
    assigneeName: row.assignee_name,
  };
}

function presentCaseDetail(
  detail: CaseDetail,
  policy: CustomerDataPolicy,
  now: Date,
): z.infer<typeof CaseDetailView> {
  return {
    ...presentCase(detail.case, policy, now),
    feedback: detail.feedback.map((link) => ({ ...link, linkedAt: link.linkedAt.toISOString() })),
    notes: detail.notes.map((note) => ({
      id: note.id,
      // Responders write what the customer told them into notes; it is customer text.
      body: policy.freeText(note.body),
      authorMemberId: note.author_member_id,
      createdAt: note.created_at.toISOString(),
    })),
    messages: detail.messages.map((message) => ({
      id: message.id,
      kind: message.kind,
      status: message.status,
      attempts: message.attempts,
      lastError: message.last_error,
      resolvesCase: message.resolves_case,
      createdAt: message.created_at.toISOString(),
      deliveredAt: iso(message.delivered_at),
      deadAt: iso(message.dead_at),
    })),
  };
}

/** An audit event; its details may quote a dismiss or reopen reason, which is customer text. */
function presentEvent(event: CaseEvent, policy: CustomerDataPolicy): z.infer<typeof CaseEventView> {
  const { reason, ...details } = event.details;
  return {
    id: String(event.id),
    action: event.action,
    actorMemberId: event.actor_member_id,
    actorApiKeyId: event.actor_api_key_id,
    fromStatus: event.from_status,
    toStatus: event.to_status,
    details: typeof reason === 'string' ? { ...details, reason: policy.freeText(reason) } : event.details,
    at: event.at.toISOString(),
  };
}

/** The case's version as an entity tag: `"<version>"`. */
const etagOf = (row: Case) => `"${row.version}"`;

/**
 * The version a change is based on, from `If-Match`. Without it a change could silently overwrite someone
 * else's, so it is required (428); a tag that is not one of ours can never match (412).
 */
function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (header === undefined) {
    throw new Problem(
      428,
      'precondition_required',
      'If-Match is required',
      "send the case's ETag as If-Match so a concurrent change is not overwritten",
    );
  }
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match)
    throw new Problem(
      412,
      'precondition_failed',
      'The case has changed',
      `If-Match ${header} matches no version`,
    );
  return Number(match[1]);
}

function refusalProblem(refusal: Exclude<CaseChange<unknown>, { ok: true }>): Problem {
  switch (refusal.reason) {
    case 'not_found':
      return problems.notFound('Case');
    case 'stale':
      return new Problem(
        412,
        'precondition_failed',
        'The case has changed',
        `the case is at version ${refusal.version}; read it again and retry`,
        undefined,
        { etag: `"${refusal.version}"` },
      );
    case 'invalid_transition': {
      const allowed = refusal.allowed.join(', ') || 'none';
      return new Problem(
        409,
        'invalid_transition',
        'The case cannot move there from its status',
        `a ${refusal.from} case can move to: ${allowed}`,
        [{ path: '/status', message: `allowed from ${refusal.from}: ${allowed}` }],
      );
    }
    case 'held':
      return new Problem(
        409,
        'case_held',
        'Someone already holds this case',
        'ask them, or have it assigned to you (POST /v1/cases/:id/assignment)',
        undefined,
        {},
      );
    case 'no_reply_target':
      return new Problem(
        409,
        'no_reply_target',
        "The case's source has no reply URL",
        'an admin sets one with PUT /v1/sources/:id/reply-target',
      );
  }
}

function requireMember(principal: Principal): string {
  if (!principal.memberId) {
    throw problems.forbidden('this API key acts for no member of a team; create it with a member to triage');
  }
  return principal.memberId;
}

const actorOf = (principal: Principal) => ({ memberId: principal.memberId, apiKeyId: principal.apiKeyId });

/** How long a request waits for Redis after its change is committed; the sweeps cover anything missed. */
const AFTER_COMMIT_TIMEOUT_MS = 2_000;

const CaseParams = z.object({ id: z.string() });
const isUuid = (id: string) => z.uuid().safeParse(id).success;

const ListQuery = z.object({
  view: CaseViewName.optional(),
  status: z
    .array(CaseStatus)
    .or(CaseStatus.transform((s) => [s]))
    .optional(),
  severity: z
    .array(Severity)
    .or(Severity.transform((s) => [s]))
    .optional(),
  team: z.uuid().optional(),
  assignee: z.union([z.uuid(), z.literal('none'), z.literal('me')]).optional(),
  channel: z.string().min(1).optional(),
  topic: z.string().min(1).optional(),
  sla: SlaState.optional(),
  sort: z.enum(caseSorts).default('priority'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export async function caseRoutes(app: FastifyInstance, deps: CaseRouteDeps) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const anyone = requireRole(deps.db, 'admin', 'manager', 'responder');
  const responders = requireRole(deps.db, 'responder', 'admin');
  // Managers hand out work: they assign cases (never reply to or close them).
  const dispatchers = requireRole(deps.db, 'responder', 'admin', 'manager');

  /** After a committed change: ask for a score recompute and enqueue any message; Redis trouble is logged. */
  async function afterChange(request: FastifyRequest, orgId: string, messageIds: string[] = []) {
    try {
      await withTimeout(
        Promise.all([
          requestScoreRecompute(deps.scoreQueue, orgId),
          enqueueOutbound(
            deps.outboundQueue,
            messageIds.map((messageId) => ({ messageId, orgId })),
          ),
        ]),
        AFTER_COMMIT_TIMEOUT_MS,
        'case follow-up jobs',
      );
    } catch (error) {
      request.log.warn({ err: error, orgId }, 'case change stored; follow-up jobs left to the sweeps');
    }
  }

  const policyOf = (request: FastifyRequest) => customerDataPolicyOf(request, deps.secretBox);
  function sendChange(request: FastifyRequest, reply: FastifyReply, change: CaseChange<unknown>) {
    if (!change.ok) throw refusalProblem(change);
    reply.header('etag', etagOf(change.case));
    return presentCase(change.case, policyOf(request), now());
  }

  route.get(
    '/v1/cases',
    {
      preHandler: anyone,
      schema: {
        summary: 'Queue of cases, by view and filters, one page at a time',
        description:
          'Filters combine with AND; `view` adds its own filters (open, unassigned, mine, my_teams, breached, closed). ' +
          '`assignee` takes a member id, `me` or `none`. `sla` selects open cases by their current deadline (first ' +
          'response until one was delivered, then resolution): past it, within `atRiskMinutes` of it, or further — ' +
          "the state each row's `sla.state` shows. `sort`: priority (default), due (soonest deadline first), newest, " +
          'oldest. `total` counts every match; page with `offset`. Each row carries `headline`, the customer words ' +
          'it leads with (redacted for managers).',
        tags: ['cases'],
        security,
        querystring: ListQuery,
        response: {
          200: z.object({ items: z.array(CaseListItemView), total: z.number().int() }),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const query = request.query;
      const viewFilters = query.view ? caseViewFilters(query.view, principal) : {};
      if (viewFilters === null) return { items: [], total: 0 };
      const filters: CaseFilters = { ...viewFilters };
      if (query.status) filters.status = query.status;
      if (query.severity) filters.severity = query.severity;
      if (query.team) filters.teamIds = [query.team];
      if (query.assignee) {
        filters.assigneeId =
          query.assignee === 'none'
            ? null
            : query.assignee === 'me'
              ? (principal.memberId ?? '')
              : query.assignee;
      }
      if (filters.assigneeId === '') return { items: [], total: 0 };
      if (query.channel) filters.channel = query.channel;
      if (query.topic) filters.topic = query.topic;
      if (query.sla) filters.sla = query.sla;
      const at = now();
      const page = await listCases(deps.db, principal.orgId, filters, {
        limit: query.limit,
        offset: query.offset,
        sort: query.sort,
        now: at,
      });
      const policy = policyOf(request);
      return { items: page.items.map((row) => presentListItem(row, policy, at)), total: page.total };
    },
  );

  route.get(
    '/v1/case-views',
    {
      preHandler: anyone,
      schema: {
        summary: 'How many cases each queue view holds for the caller',
        tags: ['cases'],
        security,
        response: {
          200: z.object({ views: z.array(z.object({ view: CaseViewName, count: z.number().int() })) }),
          ...problemResponses(401),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const counts = await countCaseViews(deps.db, principal.orgId, principal, now());
      return { views: caseViews.map((view) => ({ view, count: counts[view] })) };
    },
  );

  route.get(
    '/v1/cases/watermark',
    {
      preHandler: anyone,
      schema: {
        summary: 'A tag that changes whenever a case of the organisation is opened or changed',
        description:
          'An open inbox polls this with If-None-Match: 304 while nothing changed, 200 with the new tag ' +
          '(also the ETag) when it should reload its page.',
        tags: ['cases'],
        security,
        response: { 200: z.object({ watermark: z.string() }), 304: z.null(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      const watermark = await caseWatermark(deps.db, principalOf(request).orgId);
      const etag = `"${watermark}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
      return { watermark };
    },
  );

  const Measurement = z.object({ value: z.number().nullable(), sampleSize: z.number().int() });
  route.get(
    '/v1/triage/response-times',
    {
      preHandler: anyone,
      schema: {
        summary: 'Response-team figures over cases opened in the last 30 days',
        description:
          'p90 hours to the first reply delivered, median hours to resolution, and the share of resolved cases ' +
          'never reopened. A value is null when no case qualifies.',
        tags: ['cases'],
        security,
        response: {
          200: z.object({
            p90FirstResponseHours: Measurement,
            medianResolutionHours: Measurement,
            firstTimeResolutionRate: Measurement,
          }),
          ...problemResponses(401),
        },
      },
    },
    async (request) => triageResponseTimes30d(deps.db, principalOf(request).orgId, now()),
  );

  route.post(
    '/v1/cases/claim-next',
    {
      preHandler: responders,
      schema: {
        summary: "Claim the most urgent unassigned case of the caller's teams",
        description:
          'Cases routed to no team are open to every responder. Concurrent callers never get the same case. ' +
          '204 when there is nothing to claim.',
        tags: ['cases'],
        security,
        response: { 200: CaseView, 204: z.null(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const memberId = requireMember(principal);
      const claimed = await claimNextCase(
        deps.db,
        principal.orgId,
        { memberId, teamIds: principal.teamIds, apiKeyId: principal.apiKeyId },
        now(),
      );
      if (!claimed) return reply.status(204).send(null);
      await afterChange(request, principal.orgId);
      reply.header('etag', etagOf(claimed));
      return presentCase(claimed, policyOf(request), now());
    },
  );

  route.get(
    '/v1/cases/:id',
    {
      preHandler: anyone,
      schema: {
        summary: 'One case with its feedback, notes and messages; ETag carries its version',
        tags: ['cases'],
        security,
        params: CaseParams,
        response: { 200: CaseDetailView, ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const detail = isUuid(id) ? await findCaseDetail(deps.db, principalOf(request).orgId, id) : undefined;
      if (!detail) throw problems.notFound('Case');
      reply.header('etag', etagOf(detail.case));
      return presentCaseDetail(detail, policyOf(request), now());
    },
  );

  route.get(
    '/v1/cases/:id/events',
    {
      preHandler: anyone,
      schema: {
        summary: 'The audit trail of a case: who did what, when (append-only)',
        tags: ['cases'],
        security,
        params: CaseParams,
        response: {
          200: z.object({ events: z.array(CaseEventView) }),
          ...problemResponses(401, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { orgId } = principalOf(request);
      const detail = isUuid(id) ? await findCaseDetail(deps.db, orgId, id) : undefined;
      if (!detail) throw problems.notFound('Case');
      const policy = policyOf(request);
      return {
        events: (await listCaseEvents(deps.db, orgId, id)).map((event) => presentEvent(event, policy)),
      };
    },
  );

  const changeResponses = {
    200: CaseView,
    ...problemResponses(401, 403, 404, 409, 412, 422, 428),
  };

  route.post(
    '/v1/cases/:id/transitions',
    {
      preHandler: responders,
      schema: {
        summary: 'Move a case along its workflow (If-Match required)',
        description:
          'new → acknowledged → in_progress → resolved | dismissed (with a reason); a closed case reopens to ' +
          'in_progress. A move the workflow does not allow is 409 listing the allowed ones; a stale If-Match is 412.',
        tags: ['cases'],
        security,
        params: CaseParams,
        body: z
          .object({ status: CaseStatus, reason: z.string().trim().min(1).max(2_000).optional() })
          .strict()
          .refine((body) => body.status !== 'dismissed' || body.reason !== undefined, {
            path: ['reason'],
            message: 'dismissing a case needs a reason',
          }),
        response: changeResponses,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!isUuid(id)) throw problems.notFound('Case');
      const principal = principalOf(request);
      const change = await transitionCase(deps.db, principal.orgId, id, request.body, {
        expectedVersion: expectedVersion(request),
        actor: actorOf(principal),
        now: now(),
      });
      const view = sendChange(request, reply, change);
      await afterChange(request, principal.orgId);
      return view;
    },
  );

  route.post(
    '/v1/cases/:id/assignment',
    {
      preHandler: dispatchers,
      schema: {
        summary: 'Assign or reassign a case to a team and/or a member (If-Match required)',
        description:
          'Omitted fields stay as they are; null clears them. Responders, admins and managers (who hand out work) may.',
        tags: ['cases'],
        security,
        params: CaseParams,
        body: z
          .object({ teamId: z.uuid().nullable().optional(), assigneeId: z.uuid().nullable().optional() })
          .strict()
          .refine((body) => body.teamId !== undefined || body.assigneeId !== undefined, {
            message: 'name a teamId, an assigneeId or both',
          }),
        response: changeResponses,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!isUuid(id)) throw problems.notFound('Case');
      const principal = principalOf(request);
      const { teamId, assigneeId } = request.body;
      const fieldErrors = [];
      if (teamId && !(await existingTeamIds(deps.db, principal.orgId, [teamId])).has(teamId)) {
        fieldErrors.push({ path: '/teamId', message: 'no team with this id in the organisation' });
      }
      if (assigneeId && !(await findMember(deps.db, principal.orgId, assigneeId))) {
        fieldErrors.push({ path: '/assigneeId', message: 'no member with this id in the organisation' });
      }
      if (fieldErrors.length > 0) throw problems.invalidBody(fieldErrors);
      const change = await assignCase(
        deps.db,
        principal.orgId,
        id,
        { ...(teamId !== undefined ? { teamId } : {}), ...(assigneeId !== undefined ? { assigneeId } : {}) },
        { expectedVersion: expectedVersion(request), actor: actorOf(principal), now: now() },
      );
      const view = sendChange(request, reply, change);
      await afterChange(request, principal.orgId);
      return view;
    },
  );

  route.post(
    '/v1/cases/:id/claim',
    {
      preHandler: responders,
      schema: {
        summary: 'Take this case: assign it to the caller (If-Match required)',
        description:
          'For the row a responder picked, where claim-next picks for them. A case someone holds is 409 ' +
          '`case_held`; a stale If-Match (changed meanwhile) is 412; either changes nothing.',
        tags: ['cases'],
        security,
        params: CaseParams,
        response: changeResponses,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!isUuid(id)) throw problems.notFound('Case');
      const principal = principalOf(request);
      const memberId = requireMember(principal);
      const change = await claimCase(deps.db, principal.orgId, id, memberId, {
        expectedVersion: expectedVersion(request),
        actor: actorOf(principal),
        now: now(),
      });
      const view = sendChange(request, reply, change);
      await afterChange(request, principal.orgId);
      return view;
    },
  );

  route.post(
    '/v1/cases/:id/replies',
    {
      preHandler: responders,
      schema: {
        summary: "Reply to the customer through the case's source (If-Match required)",
        description:
          "The reply is stored, then delivered as a Standard Webhooks POST to the source's reply URL with retries; " +
          'its delivery state (pending, delivered, dead) shows on the case. With `resolve: true` the case is ' +
          'resolved when the reply is delivered, and stays open if it never is (the message turns dead): a case ' +
          'is never closed as answered on a reply that did not reach the customer.',
        tags: ['cases'],
        security,
        params: CaseParams,
        body: z
          .object({ body: z.string().trim().min(1).max(10_000), resolve: z.boolean().default(false) })
          .strict(),
        response: { ...changeResponses, 202: z.object({ messageId: z.uuid(), case: CaseView }) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!isUuid(id)) throw problems.notFound('Case');
      const principal = principalOf(request);
      const change = await queueCaseReply(deps.db, principal.orgId, id, request.body, {
        expectedVersion: expectedVersion(request),
        actor: actorOf(principal),
        now: now(),
      });
      if (!change.ok) throw refusalProblem(change);
      await afterChange(request, principal.orgId, [change.value]);
      reply.header('etag', etagOf(change.case));
      return reply
        .status(202)
        .send({ messageId: change.value, case: presentCase(change.case, policyOf(request), now()) });
    },
  );

  route.post(
    '/v1/cases/:id/notes',
    {
      preHandler: responders,
      schema: {
        summary: 'Add an internal note to a case',
        tags: ['cases'],
        security,
        params: CaseParams,
        body: z.object({ body: z.string().trim().min(1).max(10_000) }).strict(),
        response: {
          201: StaffNoteView,
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const principal = principalOf(request);
      const note = isUuid(id)
        ? await addCaseNote(deps.db, principal.orgId, id, {
            body: request.body.body,
            actor: actorOf(principal),
            now: now(),
          })
        : undefined;
      if (!note) throw problems.notFound('Case');
      return reply.status(201).send({
        id: note.id,
        body: policyOf(request).freeText(note.body),
        authorMemberId: note.author_member_id,
        createdAt: note.created_at.toISOString(),
      });
    },
  );
}
