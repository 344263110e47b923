import { type Expression, type SqlBool, sql, type Updateable } from 'kysely';
import type { Db } from './connection.js';
import type {
  Case,
  CaseEvent,
  CaseNote,
  CaseSeverity,
  CaseStatus,
  CaseTable,
  OutboundMessage,
} from './triage.tables.js';
import {
  AT_RISK_MINUTES,
  allowedTransitions,
  isClosed,
  openStatuses,
  type SlaState,
  transitionAction,
} from './triage-rules.js';

/** Who did something to a case: a person (through their key), a key without a person, or cxloop itself. */
export interface CaseActor {
  memberId: string | null;
  apiKeyId: string | null;
}
export const systemActor: CaseActor = { memberId: null, apiKeyId: null };

interface CaseEventInput {
  caseId: string;
  orgId: string;
  action: string;
  actor: CaseActor;
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  details?: Record<string, unknown>;
  at: Date;
}

/** Appends to the audit trail; always called in the transaction that made the change it records. */
export async function recordCaseEvent(db: Db, event: CaseEventInput): Promise<void> {
  await recordCaseEvents(db, [event]);
}

/** `recordCaseEvent` for many events in one statement (opening a batch's cases). */
export async function recordCaseEvents(db: Db, events: readonly CaseEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('case_events')
    .values(
      events.map((event) => ({
        case_id: event.caseId,
        org_id: event.orgId,
        action: event.action,
        actor_member_id: event.actor.memberId,
        actor_api_key_id: event.actor.apiKeyId,
        from_status: event.fromStatus ?? null,
        to_status: event.toStatus ?? null,
        details: JSON.stringify(event.details ?? {}),
        at: event.at,
      })),
    )
    .execute();
}

export async function findCase(db: Db, orgId: string, caseId: string): Promise<Case | undefined> {
  return db
    .selectFrom('cases')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', caseId)
    .executeTakeFirst();
}

export interface CaseDetail {
  case: Case;
  feedback: { feedbackId: string; relation: 'opened' | 'repeat_contact'; linkedAt: Date }[];
  notes: CaseNote[];
  /** Replies and escalations of the case (action updates belong to actions). */
  messages: (OutboundMessage & { kind: 'reply' | 'escalation' })[];
}

/** A case with what a responder works from: its feedback, notes and the messages sent for it. */
/**
 * A case with its feedback links, notes and messages as of one moment: the reads share a snapshot, so a
 * reply delivered meanwhile shows either with its effect on the case (first response, version) or not at all.
 */
export async function findCaseDetail(db: Db, orgId: string, caseId: string): Promise<CaseDetail | undefined> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => readCaseDetail(trx, orgId, caseId));
}

async function readCaseDetail(db: Db, orgId: string, caseId: string): Promise<CaseDetail | undefined> {
  const row = await findCase(db, orgId, caseId);
  if (!row) return undefined;
  const [links, notes, messages] = await Promise.all([
    db
      .selectFrom('case_feedback')
      .select(['feedback_id', 'relation', 'linked_at'])
      .where('org_id', '=', orgId)
      .where('case_id', '=', caseId)
      .orderBy('linked_at')
      .execute(),
    db
      .selectFrom('case_notes')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('outbound_messages')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('case_id', '=', caseId)
      // Action updates belong to actions, never to a case.
      .$narrowType<{ kind: 'reply' | 'escalation' }>()
      .orderBy('created_at')
      .execute(),
  ]);
  return {
    case: row,
    feedback: links.map((link) => ({
      feedbackId: link.feedback_id,
      relation: link.relation,
      linkedAt: link.linked_at,
    })),
    notes,
    messages,
  };
}

export async function listCaseEvents(db: Db, orgId: string, caseId: string): Promise<CaseEvent[]> {
  return db
    .selectFrom('case_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

/** Why a change to a case was refused; the API turns each into its problem. */
export type CaseRefusal =
  | { reason: 'not_found' }
  | { reason: 'stale'; version: number }
  | { reason: 'invalid_transition'; from: CaseStatus; allowed: readonly CaseStatus[] }
  | { reason: 'no_reply_target' }
  | { reason: 'held'; assigneeId: string };

export type CaseChange<T = undefined> = { ok: true; case: Case; value: T } | ({ ok: false } & CaseRefusal);

interface CaseDecision<T> {
  patch: Updateable<CaseTable>;
  action: string;
  details?: Record<string, unknown>;
  value: T;
}

/**
 * The one way a person changes a case: lock the row, compare its version with the one the caller last saw
 * (a stale version changes nothing), let `decide` check the rules and say what changes, then write the
 * change, bump the version and append the audit event in the same transaction.
 */
async function changeCase<T>(
  db: Db,
  orgId: string,
  caseId: string,
  change: { expectedVersion: number; actor: CaseActor; now: Date },
  decide: (current: Case, trx: Db) => Promise<CaseDecision<T> | CaseRefusal>,
): Promise<CaseChange<T>> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('cases')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return { ok: false, reason: 'not_found' };
    if (current.version !== change.expectedVersion) {
      return { ok: false, reason: 'stale', version: current.version };
    }
    const decision = await decide(current, trx);
    if ('reason' in decision) return { ok: false, ...decision };
    const updated = await trx
      .updateTable('cases')
      .set({ ...decision.patch, version: current.version + 1, updated_at: change.now })
      .where('org_id', '=', orgId)
      .where('id', '=', caseId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordCaseEvent(trx, {
      caseId,
      orgId,
      action: decision.action,
      actor: change.actor,
      fromStatus: current.status,
      toStatus: updated.status,
      ...(decision.details ? { details: decision.details } : {}),
      at: change.now,
    });
    return { ok: true, case: updated, value: decision.value };
  });
}

export interface CaseChangeContext {
  expectedVersion: number;
  actor: CaseActor;
  now: Date;
}

/**
 * Moves a case along its workflow (new → acknowledged → in progress → resolved | dismissed; reopen).
 * Dismissing needs a reason; reopening counts against first-time resolution.
 */
export async function transitionCase(
  db: Db,
  orgId: string,
  caseId: string,
  target: { status: CaseStatus; reason?: string },
  context: CaseChangeContext,
): Promise<CaseChange> {
  return changeCase(db, orgId, caseId, context, async (current) => {
    const allowed = allowedTransitions(current.status);
    if (!allowed.includes(target.status)) {
      return { reason: 'invalid_transition', from: current.status, allowed };
    }
    const to = target.status;
    const patch: Updateable<CaseTable> = { status: to };
    // Leaving "new" by any move means someone has seen the case.
    if (current.status === 'new') patch.acknowledged_at = current.acknowledged_at ?? context.now;
    if (isClosed(to)) patch.closed_at = context.now;
    if (to === 'dismissed') patch.dismiss_reason = target.reason ?? null;
    if (isClosed(current.status)) {
      patch.closed_at = null;
      patch.dismiss_reason = null;
      patch.reopen_count = current.reopen_count + 1;
    }
    return {
      patch,
      action: transitionAction(current.status, to),
      ...(target.reason ? { details: { reason: target.reason } } : {}),
      value: undefined,
    };
  });
}

/**
 * Assigns a case to a team and/or a person (null unassigns). The caller has checked that the team and the
 * member are the organisation's. Assigning a person acknowledges a new case: someone owns it now.
 */
export async function assignCase(
  db: Db,
  orgId: string,
  caseId: string,
  assignment: { teamId?: string | null; assigneeId?: string | null },
  context: CaseChangeContext,
): Promise<CaseChange> {
  return changeCase(db, orgId, caseId, context, async (current) =>
    assignmentDecision(current, assignment, context.now),
  );
}

/** What assigning changes, and how the audit trail records it. */
function assignmentDecision(
  current: Case,
  assignment: { teamId?: string | null; assigneeId?: string | null },
  now: Date,
): CaseDecision<undefined> {
  const patch: Updateable<CaseTable> = {};
  if (assignment.teamId !== undefined) patch.team_id = assignment.teamId;
  if (assignment.assigneeId !== undefined) patch.assignee_id = assignment.assigneeId;
  if (assignment.assigneeId) {
    patch.first_assigned_at = current.first_assigned_at ?? now;
    if (current.status === 'new') {
      patch.status = 'acknowledged';
      patch.acknowledged_at = now;
    }
  }
  return {
    patch,
    action: current.assignee_id ? 'reassigned' : 'assigned',
    details: {
      from: { teamId: current.team_id, assigneeId: current.assignee_id },
      to: {
        teamId: assignment.teamId === undefined ? current.team_id : assignment.teamId,
        assigneeId: assignment.assigneeId === undefined ? current.assignee_id : assignment.assigneeId,
      },
    },
    value: undefined,
  };
}

/**
 * The caller takes one case nobody holds: refused when someone does (`held`, naming them) or when it
 * changed since the caller saw it (stale), so two people claiming one row never both think they hold it.
 * Handing a held case to someone else is an assignment, not a claim.
 */
export async function claimCase(
  db: Db,
  orgId: string,
  caseId: string,
  memberId: string,
  context: CaseChangeContext,
): Promise<CaseChange> {
  return changeCase(db, orgId, caseId, context, async (current) =>
    current.assignee_id && current.assignee_id !== memberId
      ? { reason: 'held', assigneeId: current.assignee_id }
      : assignmentDecision(current, { assigneeId: memberId }, context.now),
  );
}

/**
 * Queues a reply to the customer, to be delivered through the case's source. Replying acknowledges a new
 * case; a closed case must be reopened first. With `resolve`, the case is resolved when the reply is
 * delivered (markOutboundDelivered), never before: a case is not closed as answered on a reply that did
 * not reach the customer. Returns the outbound message id, which is also its job id.
 */
export async function queueCaseReply(
  db: Db,
  orgId: string,
  caseId: string,
  reply: { body: string; resolve?: boolean },
  context: CaseChangeContext,
): Promise<CaseChange<string>> {
  return changeCase<string>(db, orgId, caseId, context, async (current, trx) => {
    if (isClosed(current.status)) {
      return {
        reason: 'invalid_transition',
        from: current.status,
        allowed: allowedTransitions(current.status),
      };
    }
    const source = await trx
      .selectFrom('sources')
      .innerJoin('feedback', 'feedback.source_id', 'sources.id')
      .select(['sources.reply_url', 'feedback.external_id'])
      .where('feedback.org_id', '=', orgId)
      .where('feedback.id', '=', current.feedback_id)
      .executeTakeFirstOrThrow();
    if (!source.reply_url) return { reason: 'no_reply_target' };
    const message = await trx
      .insertInto('outbound_messages')
      .values({
        org_id: orgId,
        case_id: caseId,
        kind: 'reply',
        author_member_id: context.actor.memberId,
        resolves_case: reply.resolve ?? false,
        last_error: null,
        payload: JSON.stringify({
          caseId,
          feedbackId: current.feedback_id,
          externalId: source.external_id,
          customerRef: current.customer_ref,
          body: reply.body,
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const patch: Updateable<CaseTable> =
      current.status === 'new' ? { status: 'acknowledged', acknowledged_at: context.now } : {};
    return {
      patch,
      action: 'reply_queued',
      details: { messageId: message.id, ...(reply.resolve ? { resolvesOnDelivery: true } : {}) },
      value: message.id,
    };
  });
}

/** An internal note; notes never change the case, so they need no version check. */
export async function addCaseNote(
  db: Db,
  orgId: string,
  caseId: string,
  note: { body: string; actor: CaseActor; now: Date },
): Promise<CaseNote | undefined> {
  return db.transaction().execute(async (trx) => {
    const target = await findCase(trx, orgId, caseId);
    if (!target) return undefined;
    const row = await trx
      .insertInto('case_notes')
      .values({
        case_id: caseId,
        org_id: orgId,
        author_member_id: note.actor.memberId,
        author_api_key_id: note.actor.apiKeyId,
        body: note.body,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordCaseEvent(trx, {
      caseId,
      orgId,
      action: 'note_added',
      actor: note.actor,
      details: { noteId: row.id },
      at: note.now,
    });
    return row;
  });
}

/**
 * Hands the caller the most urgent open case nobody owns, among their teams' cases and the cases routed to
 * no team: highest priority, then urgency, then the earliest first-response deadline. `SKIP LOCKED` lets
 * concurrent callers pass over a row another claim is taking, so no two callers get the same case.
 */
export async function claimNextCase(
  db: Db,
  orgId: string,
  claimant: { memberId: string; teamIds: readonly string[]; apiKeyId: string },
  now: Date,
): Promise<Case | undefined> {
  return db.transaction().execute(async (trx) => {
    const next = await trx
      .selectFrom('cases')
      .select(['id', 'status'])
      .where('org_id', '=', orgId)
      .where('assignee_id', 'is', null)
      .where('status', 'in', openStatuses)
      .where((eb) =>
        claimant.teamIds.length > 0
          ? eb.or([eb('team_id', 'is', null), eb('team_id', 'in', [...claimant.teamIds])])
          : eb('team_id', 'is', null),
      )
      .orderBy('priority', 'desc')
      .orderBy('urgency', 'desc')
      .orderBy('first_response_due_at')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!next) return undefined;
    const claimed = await trx
      .updateTable('cases')
      .set({
        assignee_id: claimant.memberId,
        first_assigned_at: sql`coalesce(first_assigned_at, ${now})`,
        status: next.status === 'new' ? 'acknowledged' : next.status,
        acknowledged_at: sql`coalesce(acknowledged_at, ${now})`,
        version: sql`version + 1`,
        updated_at: now,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', next.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordCaseEvent(trx, {
      caseId: claimed.id,
      orgId,
      action: 'claimed',
      actor: { memberId: claimant.memberId, apiKeyId: claimant.apiKeyId },
      fromStatus: next.status,
      toStatus: claimed.status,
      at: now,
    });
    return claimed;
  });
}

export const caseSorts = ['priority', 'due', 'newest', 'oldest'] as const;
export type CaseSort = (typeof caseSorts)[number];

export interface CaseFilters {
  status?: readonly CaseStatus[];
  severity?: readonly CaseSeverity[];
  teamIds?: readonly string[];
  /** A member id, or null for cases nobody owns. */
  assigneeId?: string | null;
  channel?: string;
  topic?: string;
  sla?: SlaState;
}

/** The deadline that matters now, as `slaStateOf` takes it: first response until one was delivered. */
const currentDueAt = sql<Date>`(case when cases.first_response_at is null then cases.first_response_due_at else cases.resolution_due_at end)`;

/**
 * Open cases whose current deadline stands as `state` at `now`: the SQL twin of `slaStateOf`, so the list
 * filters, the view counts and the badges agree.
 */
function slaCondition(state: SlaState, now: Date): Expression<SqlBool> {
  const soon = new Date(now.getTime() + AT_RISK_MINUTES * 60_000);
  const open = sql<SqlBool>`cases.status in ('new', 'acknowledged', 'in_progress')`;
  switch (state) {
    case 'breached':
      return sql<SqlBool>`${open} and ${currentDueAt} < ${now}`;
    case 'at_risk':
      return sql<SqlBool>`${open} and ${currentDueAt} >= ${now} and ${currentDueAt} < ${soon}`;
    case 'on_track':
      return sql<SqlBool>`${open} and ${currentDueAt} >= ${soon}`;
  }
}

/** A row of the inbox: the case, the words it leads with (see `lead_feedback_id`) and who holds it. */
export interface CaseListItem extends Case {
  lead_text: string | null;
  lead_redacted_text: string | null;
  assignee_name: string | null;
}

/** Each sort's keys; listCases adds the case id last, so pages never overlap. */
const sortOrders: Record<CaseSort, readonly (readonly [Expression<unknown>, 'asc' | 'desc'])[]> = {
  priority: [
    [sql.ref('cases.priority'), 'desc'],
    [sql.ref('cases.urgency'), 'desc'],
    [sql.ref('cases.opened_at'), 'asc'],
  ],
  due: [[currentDueAt, 'asc']],
  newest: [[sql.ref('cases.opened_at'), 'desc']],
  oldest: [[sql.ref('cases.opened_at'), 'asc']],
};

/**
 * One page of the organisation's cases matching `filters`, in `sort` order (ties broken by id, so pages
 * never overlap), with the total. Each row carries the text of the feedback it leads with (as sent and
 * redacted: the caller's policy picks) and its assignee's name.
 */
export async function listCases(
  db: Db,
  orgId: string,
  filters: CaseFilters,
  page: { limit: number; offset: number; now: Date; sort?: CaseSort },
): Promise<{ items: CaseListItem[]; total: number }> {
  const base = db
    .selectFrom('cases')
    .where('cases.org_id', '=', orgId)
    .where((eb) => {
      const conditions: Expression<SqlBool>[] = [];
      if (filters.status?.length) conditions.push(eb('cases.status', 'in', [...filters.status]));
      if (filters.severity?.length) conditions.push(eb('cases.severity', 'in', [...filters.severity]));
      if (filters.teamIds) {
        conditions.push(
          filters.teamIds.length > 0 ? eb('cases.team_id', 'in', [...filters.teamIds]) : eb.val(false),
        );
      }
      if (filters.assigneeId !== undefined) {
        conditions.push(
          filters.assigneeId === null
            ? eb('cases.assignee_id', 'is', null)
            : eb('cases.assignee_id', '=', filters.assigneeId),
        );
      }
      if (filters.channel) conditions.push(eb('cases.channel', '=', filters.channel));
      if (filters.topic)
        conditions.push(sql<SqlBool>`${sql.ref('cases.topics')} @> array[${filters.topic}]::text[]`);
      if (filters.sla) conditions.push(slaCondition(filters.sla, page.now));
      return eb.and(conditions);
    });
  let ordered = base
    // The lead feedback: the one that gave the case its severity, else the one that opened it. Both keys
    // (id, received_at) name the partitioned row, so each join is one index probe.
    .leftJoin('feedback', (join) =>
      join
        .onRef('feedback.org_id', '=', 'cases.org_id')
        .on(sql<SqlBool>`feedback.id = coalesce(cases.lead_feedback_id, cases.feedback_id)`)
        .on(
          sql<SqlBool>`feedback.received_at = coalesce(cases.lead_feedback_received_at, cases.feedback_received_at)`,
        ),
    )
    .leftJoin('feedback_analysis', (join) =>
      join
        .onRef('feedback_analysis.feedback_id', '=', 'feedback.id')
        .onRef('feedback_analysis.feedback_received_at', '=', 'feedback.received_at'),
    )
    .leftJoin('members', 'members.id', 'cases.assignee_id')
    .selectAll('cases')
    .select([
      'feedback.text as lead_text',
      'feedback_analysis.redacted_text as lead_redacted_text',
      'members.name as assignee_name',
    ]);
  for (const [key, direction] of sortOrders[page.sort ?? 'priority']) {
    ordered = ordered.orderBy(key, direction);
  }
  const [items, total] = await Promise.all([
    ordered.orderBy('cases.id').limit(page.limit).offset(page.offset).execute() as Promise<CaseListItem[]>,
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** The queue views every responder sees, each a set of filters; `mine` and `my_teams` depend on the caller. */
export const caseViews = ['open', 'unassigned', 'mine', 'my_teams', 'breached', 'closed'] as const;
export type CaseView = (typeof caseViews)[number];

export function caseViewFilters(
  view: CaseView,
  caller: { memberId: string | null; teamIds: readonly string[] },
): CaseFilters | null {
  switch (view) {
    case 'open':
      return { status: openStatuses };
    case 'unassigned':
      return { status: openStatuses, assigneeId: null };
    case 'mine':
      return caller.memberId ? { status: openStatuses, assigneeId: caller.memberId } : null;
    case 'my_teams':
      return { status: openStatuses, teamIds: caller.teamIds };
    case 'breached':
      return { status: openStatuses, sla: 'breached' };
    case 'closed':
      return { status: ['resolved', 'dismissed'] };
  }
}

/** How many cases each view holds for the caller, in one scan of the organisation's cases. */
export async function countCaseViews(
  db: Db,
  orgId: string,
  caller: { memberId: string | null; teamIds: readonly string[] },
  now: Date,
): Promise<Record<CaseView, number>> {
  const open = sql<SqlBool>`status in ('new', 'acknowledged', 'in_progress')`;
  const row = await db
    .selectFrom('cases')
    .where('org_id', '=', orgId)
    .select([
      sql<string>`count(*) filter (where ${open})`.as('open'),
      sql<string>`count(*) filter (where ${open} and assignee_id is null)`.as('unassigned'),
      sql<string>`count(*) filter (where ${open} and assignee_id = ${caller.memberId})`.as('mine'),
      sql<string>`count(*) filter (where ${open} and team_id = any(${[...caller.teamIds]}::uuid[]))`.as(
        'my_teams',
      ),
      sql<string>`count(*) filter (where ${slaCondition('breached', now)})`.as('breached'),
      sql<string>`count(*) filter (where status in ('resolved', 'dismissed'))`.as('closed'),
    ])
    .executeTakeFirstOrThrow();
  return Object.fromEntries(caseViews.map((view) => [view, Number(row[view])])) as Record<CaseView, number>;
}

/**
 * A value that changes whenever any case of the organisation is opened or changed (every change bumps a
 * version), so an open inbox can poll it cheaply with If-None-Match and reload only when it moved.
 */
export async function caseWatermark(db: Db, orgId: string): Promise<string> {
  const row = await db
    .selectFrom('cases')
    .where('org_id', '=', orgId)
    .select([
      (eb) => eb.fn.countAll<string>().as('cases'),
      sql<string>`coalesce(sum(version), 0)`.as('versions'),
    ])
    .executeTakeFirstOrThrow();
  return `${row.cases}.${row.versions}`;
}
