import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOutboundProcessor, startOutboundWorker, sweepSlaBreaches } from '@cxloop/aggregation-worker';
import { createAnalyzeProcessor } from '@cxloop/analysis-worker';
import type { FeedbackBatchJob, OutboundJob } from '@cxloop/contracts';
import { createTeam, openCaseForAnalysis, openCasesForAnalyses, storeFeedbackBatch } from '@cxloop/db';
import {
  createAggregateQueue,
  createLogger,
  createOutboundQueue,
  type OutboundQueue,
  redisOptions,
  verifyWebhook,
} from '@cxloop/runtime';
import type { Job, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createResponder,
  createTenant,
  eventually,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
  testOutboundAllowlist,
  uniquePrefix,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

interface CaseBody {
  id: string;
  status: string;
  version: number;
  priority: number;
  assigneeId: string | null;
  firstResponseAt: string | null;
  repliesDelivered: number;
  repeatContacts: number;
  messages: { id: string; kind: string; status: string; attempts: number; lastError: string | null }[];
}

const outboundPrefix = uniquePrefix();
let api: TestApi;
let outboundQueue: OutboundQueue;

beforeAll(async () => {
  // Three quick attempts, so a failing receiver reaches the dead-letter state within the test.
  outboundQueue = createOutboundQueue(
    { connection: redisOptions(redisUrl), prefix: outboundPrefix },
    { attempts: 3, backoff: { type: 'fixed', delay: 20 } },
  );
  api = await startTestApi({ outboundQueue });
});
afterAll(async () => {
  await outboundQueue.obliterate({ force: true });
  await api.close();
});

const responder = createResponder;

/** Stores a feedback and opens its case as the analysis worker would, at `now`. */
async function seedCase(
  tenant: TestTenant,
  options: { severity?: string; flags?: string[]; customerRef?: string; now?: Date; urgency?: number } = {},
) {
  const [stored] = await storeFeedbackBatch(api.db, [
    {
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: `seed-${randomUUID()}`,
      customer_ref: options.customerRef ?? null,
      text: 'seeded',
      metadata: JSON.stringify({}),
      occurred_at: new Date(),
    },
  ]);
  const opening = await api.db.transaction().execute((trx) =>
    openCaseForAnalysis(
      trx,
      {
        orgId: tenant.orgId,
        feedbackId: stored!.id,
        severity: options.severity ?? 'high',
        urgency: options.urgency ?? 0.7,
        flagCodes: options.flags ?? ['churn_threat'],
        topics: ['delivery'],
      },
      options.now ?? new Date(),
    ),
  );
  return { feedbackId: stored!.id, caseId: opening!.caseId, outcome: opening!.outcome };
}

function call(method: 'GET' | 'POST' | 'PUT', url: string, apiKey: string, body?: unknown, ifMatch?: string) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${apiKey}`, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
}

async function caseRow(caseId: string) {
  return api.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
}

async function eventActions(caseId: string): Promise<string[]> {
  const rows = await api.db
    .selectFrom('case_events')
    .select('action')
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

describe('cases from flagged feedback', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant(api.db, api.secretBox, 'Triage opening');
  });

  it('opens exactly one case per flagged feedback, also when the analysis is redelivered', async () => {
    const aggregateQueue = createAggregateQueue({
      connection: redisOptions(redisUrl),
      prefix: uniquePrefix(),
    });
    const analyse = createAnalyzeProcessor({ db: api.db, aggregateQueue });
    const delivery = {
      externalId: `churn-${randomUUID()}`,
      text: 'Third time I have called about this broken router. I am cancelling my subscription and switching to another provider.',
      customerRef: `cust-${randomUUID()}`,
    };
    const first = await postSigned(api.app, tenant, delivery);
    const again = await postSigned(api.app, tenant, delivery);
    expect(again.json().id).toBe(first.json().id);
    const feedbackId: string = first.json().id;
    const job = { data: { feedbackIds: [feedbackId], orgId: tenant.orgId } } as Job<FeedbackBatchJob>;

    // The same analysis job delivered three times at once, then once more after it committed.
    await Promise.all([analyse(job), analyse(job), analyse(job)]);
    await analyse(job);

    const cases = await api.db
      .selectFrom('cases')
      .selectAll()
      .where('feedback_id', '=', feedbackId)
      .execute();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ status: 'new', org_id: tenant.orgId });
    expect(cases[0]!.flag_codes).toContain('churn_threat');
    expect(await eventActions(cases[0]!.id)).toEqual(['opened']);
    await aggregateQueue.obliterate({ force: true });
    await aggregateQueue.close();
  });

  it('links a repeat contact of the same customer to the open case and opens none for unflagged feedback', async () => {
    const customerRef = `cust-${randomUUID()}`;
    const first = await seedCase(tenant, { customerRef, severity: 'medium', flags: ['very_negative'] });
    const repeat = await seedCase(tenant, { customerRef, severity: 'critical', flags: ['safety'] });
    expect(first.outcome).toBe('opened');
    expect(repeat).toMatchObject({ caseId: first.caseId, outcome: 'linked' });
    const row = await caseRow(first.caseId);
    expect(row).toMatchObject({ repeat_contacts: 1, severity: 'critical', priority: 4 });
    expect(await eventActions(first.caseId)).toEqual(['opened', 'repeat_contact_linked']);

    const [calm] = await storeFeedbackBatch(api.db, [
      {
        org_id: tenant.orgId,
        source_id: tenant.sourceId,
        channel: 'web',
        external_id: `calm-${randomUUID()}`,
        text: 'fine',
        metadata: JSON.stringify({}),
        occurred_at: new Date(),
      },
    ]);
    const none = await openCaseForAnalysis(
      api.db,
      { orgId: tenant.orgId, feedbackId: calm!.id, severity: 'none', urgency: 0, flagCodes: [], topics: [] },
      new Date(),
    );
    expect(none).toBeNull();
  });

  it('opens and links a batch as one feedback at a time would, a repeat in the same batch included', async () => {
    // The same stream of analyses, opened one at a time in one organisation and as one batch in another.
    const oneByOne = await createTenant(api.db, api.secretBox, 'Triage one by one');
    const batched = await createTenant(api.db, api.secretBox, 'Triage batched');
    const now = new Date();
    const stream = [
      { customer: 'a', severity: 'medium', flags: ['very_negative'], urgency: 0.5, topics: ['billing'] },
      { customer: 'b', severity: 'high', flags: ['churn_threat'], urgency: 0.7, topics: ['delivery'] },
      { customer: null, severity: 'none', flags: [], urgency: 0, topics: [] },
      { customer: 'a', severity: 'critical', flags: ['safety'], urgency: 0.9, topics: ['delivery'] },
      { customer: 'c', severity: 'high', flags: ['legal_threat'], urgency: 0.6, topics: ['refund'] },
      { customer: null, severity: 'high', flags: ['churn_threat'], urgency: 0.8, topics: [] },
      { customer: 'a', severity: 'high', flags: ['very_negative'], urgency: 0.4, topics: ['billing'] },
    ];
    async function analysesFor(tenant: TestTenant) {
      // Customer c already has an open case before the stream: a stored case to link to.
      await seedCase(tenant, { customerRef: 'c', severity: 'medium', flags: ['very_negative'], now });
      const stored = await storeFeedbackBatch(
        api.db,
        stream.map((entry, index) => ({
          org_id: tenant.orgId,
          source_id: tenant.sourceId,
          channel: 'web',
          external_id: `stream-${index}`,
          customer_ref: entry.customer,
          text: 'streamed',
          metadata: JSON.stringify({}),
          occurred_at: now,
        })),
      );
      return stream.map((entry, index) => ({
        orgId: tenant.orgId,
        feedbackId: stored[index]!.id,
        severity: entry.severity,
        urgency: entry.urgency,
        flagCodes: entry.flags,
        topics: entry.topics,
      }));
    }
    const single = [];
    for (const analysis of await analysesFor(oneByOne)) {
      single.push(await api.db.transaction().execute((trx) => openCaseForAnalysis(trx, analysis, now)));
    }
    const batch = await api.db
      .transaction()
      .execute(async (trx) => openCasesForAnalyses(trx, batched.orgId, await analysesFor(batched), now));

    expect(batch.map((opening) => opening?.outcome ?? null)).toEqual(
      single.map((opening) => opening?.outcome ?? null),
    );
    expect(batch.map((opening) => opening?.outcome ?? null)).toEqual([
      'opened',
      'opened',
      null,
      'linked',
      'linked',
      'opened',
      'linked',
    ]);
    /** Cases, their links and their events, with ids replaced by the feedback that opened each case. */
    async function outcome(orgId: string) {
      const cases = await api.db.selectFrom('cases').selectAll().where('org_id', '=', orgId).execute();
      const feedback = await api.db
        .selectFrom('feedback')
        .select(['id', 'external_id'])
        .where('org_id', '=', orgId)
        .execute();
      const external = new Map(feedback.map((row) => [row.id, row.external_id ?? 'seed']));
      const caseName = new Map(
        cases.map((row) => [row.id, external.get(row.feedback_id)!.replace(/^seed-.*/, 'seed')]),
      );
      const links = await api.db
        .selectFrom('case_feedback')
        .select(['feedback_id', 'case_id', 'relation'])
        .where('org_id', '=', orgId)
        .execute();
      const events = await api.db
        .selectFrom('case_events')
        .select(['case_id', 'action', 'to_status', 'details'])
        .where('org_id', '=', orgId)
        .execute();
      const named = (details: Record<string, unknown>) => ({
        ...details,
        feedbackId: external.get(String(details.feedbackId))!.replace(/^seed-.*/, 'seed'),
      });
      return {
        cases: cases
          // The default team differs by organisation; updated_at is the database's clock at insert, and
          // feedback_received_at each organisation's own feedback's.
          .map(
            ({
              id,
              org_id,
              feedback_id,
              feedback_received_at,
              source_id,
              team_id,
              updated_at,
              lead_feedback_id,
              lead_feedback_received_at,
              ...rest
            }) => ({
              ...rest,
              name: caseName.get(id),
              hasTeam: team_id !== null,
              // The feedback that raised the case's severity, by name.
              lead: lead_feedback_id && external.get(lead_feedback_id),
            }),
          )
          .sort((x, y) => String(x.name).localeCompare(String(y.name))),
        links: links
          .map((link) => ({
            feedback: external.get(link.feedback_id)!.replace(/^seed-.*/, 'seed'),
            case: caseName.get(link.case_id),
            relation: link.relation,
          }))
          .sort((x, y) => x.feedback.localeCompare(y.feedback)),
        events: events
          .map((event) => ({
            case: caseName.get(event.case_id),
            action: event.action,
            to: event.to_status,
            details: named(event.details),
          }))
          .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      };
    }
    const expected = await outcome(oneByOne.orgId);
    expect(expected.cases.find((row) => row.name === 'stream-0')).toMatchObject({
      repeat_contacts: 2,
      severity: 'critical',
      version: 3,
    });
    expect(await outcome(batched.orgId)).toEqual(expected);
  });
});

describe('claim next', () => {
  it('hands 50 concurrent claims by 10 responders 50 distinct cases', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage claims');
    const team = await createTeam(api.db, tenant.orgId, { name: 'Care' });
    const otherTeam = await createTeam(api.db, tenant.orgId, { name: 'Billing' });
    const responders = await Promise.all(
      Array.from({ length: 10 }, () => responder(api.db, tenant, [team.id])),
    );
    const seeded = [];
    for (let i = 0; i < 50; i++) seeded.push(await seedCase(tenant, { urgency: i / 50 }));
    await api.db.updateTable('cases').set({ team_id: team.id }).where('org_id', '=', tenant.orgId).execute();
    // A case of another team is not the callers' to claim.
    const foreign = await seedCase(tenant);
    await api.db
      .updateTable('cases')
      .set({ team_id: otherTeam.id })
      .where('id', '=', foreign.caseId)
      .execute();

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const who = responders[i % 10]!;
        return call('POST', '/v1/cases/claim-next', who.apiKey).then((response) => ({ who, response }));
      }),
    );
    expect(answers.map(({ response }) => response.statusCode)).toEqual(Array(50).fill(200));
    const claimed = answers.map(({ who, response }) => ({
      memberId: who.memberId,
      body: response.json() as CaseBody,
    }));
    expect(new Set(claimed.map(({ body }) => body.id)).size).toBe(50);
    expect(new Set(claimed.map(({ body }) => body.id))).toEqual(new Set(seeded.map((s) => s.caseId)));
    for (const { memberId, body } of claimed) {
      expect(body).toMatchObject({ assigneeId: memberId, status: 'acknowledged' });
    }
    const rows = await api.db
      .selectFrom('cases')
      .select(['id', 'assignee_id'])
      .where('org_id', '=', tenant.orgId)
      .where('team_id', '=', team.id)
      .execute();
    expect(rows.every((row) => row.assignee_id !== null)).toBe(true);

    const none = await call('POST', '/v1/cases/claim-next', responders[0]!.apiKey);
    expect(none.statusCode).toBe(204);
    expect((await caseRow(foreign.caseId)).assignee_id).toBeNull();
  });

  it('refuses a key that acts for no member, and managers', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage roles');
    expect((await call('POST', '/v1/cases/claim-next', tenant.apiKeys.responder)).statusCode).toBe(403);
    expect((await call('POST', '/v1/cases/claim-next', tenant.apiKeys.manager)).statusCode).toBe(403);
  });
});

describe('workflow', () => {
  let tenant: TestTenant;
  let agent: { memberId: string; apiKey: string };
  beforeAll(async () => {
    tenant = await createTenant(api.db, api.secretBox, 'Triage workflow');
    agent = await responder(api.db, tenant, []);
  });

  async function transition(caseId: string, body: unknown, etag: string | undefined) {
    return call('POST', `/v1/cases/${caseId}/transitions`, agent.apiKey, body, etag);
  }

  it('walks new → acknowledged → in progress → resolved → reopened → dismissed with a complete audit trail', async () => {
    const { caseId } = await seedCase(tenant);
    const read = await call('GET', `/v1/cases/${caseId}`, tenant.apiKeys.manager);
    expect(read.statusCode).toBe(200);
    let etag = read.headers.etag as string;
    expect(etag).toBe('"1"');

    for (const body of [
      { status: 'acknowledged' },
      { status: 'in_progress' },
      { status: 'resolved' },
      { status: 'in_progress' },
      { status: 'dismissed', reason: 'duplicate of another complaint' },
    ]) {
      const response = await transition(caseId, body, etag);
      expect(response.statusCode, JSON.stringify(response.json())).toBe(200);
      expect(response.json().status).toBe(body.status);
      etag = response.headers.etag as string;
    }
    const assigned = await call(
      'POST',
      `/v1/cases/${caseId}/assignment`,
      agent.apiKey,
      { assigneeId: agent.memberId },
      etag,
    );
    expect(assigned.statusCode).toBe(200);
    const noted = await call('POST', `/v1/cases/${caseId}/notes`, agent.apiKey, {
      body: 'called the customer',
    });
    expect(noted.statusCode).toBe(201);

    const events = await call('GET', `/v1/cases/${caseId}/events`, tenant.apiKeys.manager);
    const trail = events.json().events as {
      action: string;
      fromStatus: string | null;
      toStatus: string | null;
      actorMemberId: string | null;
    }[];
    expect(trail.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['opened', null, 'new'],
      ['acknowledged', 'new', 'acknowledged'],
      ['started', 'acknowledged', 'in_progress'],
      ['resolved', 'in_progress', 'resolved'],
      ['reopened', 'resolved', 'in_progress'],
      ['dismissed', 'in_progress', 'dismissed'],
      ['assigned', 'dismissed', 'dismissed'],
      ['note_added', null, null],
    ]);
    expect(trail.slice(1).every((e) => e.actorMemberId === agent.memberId)).toBe(true);
    expect(await caseRow(caseId)).toMatchObject({
      reopen_count: 1,
      dismiss_reason: 'duplicate of another complaint',
      version: 7,
    });
    // The trail is append-only, in the database itself.
    await expect(
      api.db.updateTable('case_events').set({ action: 'forged' }).where('case_id', '=', caseId).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(api.db.deleteFrom('case_events').where('case_id', '=', caseId).execute()).rejects.toThrow(
      /append-only/,
    );
  });

  it('answers a stale ETag with 412 and changes nothing', async () => {
    const { caseId } = await seedCase(tenant);
    const first = await transition(caseId, { status: 'acknowledged' }, '"1"');
    expect(first.statusCode).toBe(200);
    const before = await caseRow(caseId);
    const eventsBefore = await eventActions(caseId);

    const stale = await transition(caseId, { status: 'dismissed', reason: 'spam' }, '"1"');
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(stale.headers.etag).toBe('"2"');
    const staleAssign = await call(
      'POST',
      `/v1/cases/${caseId}/assignment`,
      agent.apiKey,
      { assigneeId: null },
      '"1"',
    );
    expect(staleAssign.statusCode).toBe(412);
    const staleReply = await call(
      'POST',
      `/v1/cases/${caseId}/replies`,
      agent.apiKey,
      { body: 'hello' },
      '"1"',
    );
    expect(staleReply.statusCode).toBe(412);

    expect(await caseRow(caseId)).toEqual(before);
    expect(await eventActions(caseId)).toEqual(eventsBefore);
    const outbound = await api.db
      .selectFrom('outbound_messages')
      .select('id')
      .where('case_id', '=', caseId)
      .execute();
    expect(outbound).toEqual([]);
  });

  it('answers a move the workflow does not allow with 409 listing the allowed ones', async () => {
    const { caseId } = await seedCase(tenant);
    const response = await transition(caseId, { status: 'new' }, '"1"');
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toBe(
      'a new case can move to: acknowledged, in_progress, resolved, dismissed',
    );
    expect(response.json().errors).toEqual([
      { path: '/status', message: 'allowed from new: acknowledged, in_progress, resolved, dismissed' },
    ]);
    expect((await caseRow(caseId)).version).toBe(1);
  });

  it('needs If-Match, a dismissal reason and a case of the caller’s organisation', async () => {
    const { caseId } = await seedCase(tenant);
    expect((await transition(caseId, { status: 'acknowledged' }, undefined)).statusCode).toBe(428);
    const noReason = await transition(caseId, { status: 'dismissed' }, '"1"');
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().errors[0].path).toBe('/reason');

    const stranger = await createTenant(api.db, api.secretBox, 'Stranger');
    const strangerAgent = await responder(api.db, stranger, []);
    expect((await call('GET', `/v1/cases/${caseId}`, stranger.apiKeys.manager)).statusCode).toBe(404);
    expect(
      (
        await call(
          'POST',
          `/v1/cases/${caseId}/transitions`,
          strangerAgent.apiKey,
          { status: 'acknowledged' },
          '"1"',
        )
      ).statusCode,
    ).toBe(404);
    expect((await caseRow(caseId)).version).toBe(1);
  });
});

describe('queue views', () => {
  it('filters by status, severity, team, assignee, topic and SLA state, and counts each view', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage views');
    const team = await createTeam(api.db, tenant.orgId, { name: 'Care' });
    const agent = await responder(api.db, tenant, [team.id]);
    const critical = await seedCase(tenant, { severity: 'critical', flags: ['safety'] });
    const low = await seedCase(tenant, { severity: 'low', flags: ['nps_detractor_complaint'] });
    const late = await seedCase(tenant, { severity: 'medium', flags: ['very_negative'] });
    await api.db
      .updateTable('cases')
      .set({ team_id: team.id, assignee_id: agent.memberId })
      .where('id', '=', critical.caseId)
      .execute();
    await api.db
      .updateTable('cases')
      // Its current deadline (the first response) has passed: breached, whatever the sweep recorded yet.
      .set({ first_response_due_at: new Date(Date.now() - 60_000) })
      .where('id', '=', late.caseId)
      .execute();
    const ids = async (query: string, apiKey = agent.apiKey) => {
      const response = await call('GET', `/v1/cases?${query}`, apiKey);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().items as { id: string }[]).map((item) => item.id).sort();
    };
    const sorted = (...list: string[]) => [...list].sort();

    expect(await ids('severity=critical&severity=low')).toEqual(sorted(critical.caseId, low.caseId));
    expect(await ids('assignee=none')).toEqual(sorted(low.caseId, late.caseId));
    expect(await ids('view=mine')).toEqual([critical.caseId]);
    expect(await ids(`team=${team.id}`)).toEqual([critical.caseId]);
    expect(await ids('sla=breached')).toEqual([late.caseId]);
    // A critical case's first response is due within the hour: at risk from the start.
    expect(await ids('sla=at_risk')).toEqual([critical.caseId]);
    expect(await ids('sla=on_track&topic=delivery')).toEqual([low.caseId]);
    expect(await ids('topic=billing')).toEqual([]);
    expect(await ids('status=resolved')).toEqual([]);
    expect(await ids('view=mine', tenant.apiKeys.manager)).toEqual([]);
    const bad = await call('GET', '/v1/cases?severity=urgent', agent.apiKey);
    expect(bad.statusCode).toBe(400);

    const views = await call('GET', '/v1/case-views', agent.apiKey);
    expect(
      Object.fromEntries(views.json().views.map((v: { view: string; count: number }) => [v.view, v.count])),
    ).toEqual({
      open: 3,
      unassigned: 2,
      mine: 1,
      my_teams: 1,
      breached: 1,
      closed: 0,
    });
  });
});

describe('response times', () => {
  it('reports p90 first response, median resolution and first-time resolution of the last 30 days', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage response times');
    const now = Date.now();
    const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000);
    const empty = await call('GET', '/v1/triage/response-times', tenant.apiKeys.manager);
    expect(empty.json().firstTimeResolutionRate).toEqual({ value: null, sampleSize: 0 });

    // Ten cases opened 100 h ago, answered after 1…10 h; resolved after 10 h (one of them reopened once).
    for (let i = 1; i <= 10; i++) {
      const { caseId } = await seedCase(tenant, { now: hoursAgo(100) });
      await api.db
        .updateTable('cases')
        .set({
          first_response_at: hoursAgo(100 - i),
          ...(i <= 2
            ? { status: 'resolved' as const, closed_at: hoursAgo(90), reopen_count: i === 2 ? 1 : 0 }
            : {}),
        })
        .where('id', '=', caseId)
        .execute();
    }
    // Opened before the window: not counted.
    const old = await seedCase(tenant, { now: hoursAgo(31 * 24) });
    await api.db
      .updateTable('cases')
      .set({ first_response_at: hoursAgo(30 * 24) })
      .where('id', '=', old.caseId)
      .execute();

    const figures = (await call('GET', '/v1/triage/response-times', tenant.apiKeys.manager)).json();
    expect(figures.p90FirstResponseHours.sampleSize).toBe(10);
    expect(figures.p90FirstResponseHours.value).toBeCloseTo(9.1, 5);
    expect(figures.medianResolutionHours).toEqual({ value: expect.closeTo(10, 5), sampleSize: 2 });
    expect(figures.firstTimeResolutionRate).toEqual({ value: 0.5, sampleSize: 2 });
  });
});

describe('SLA sweep', () => {
  it('breaches and escalates exactly the overdue cases, each deadline once', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage SLA');
    const settings = await call('PUT', '/v1/triage/settings', tenant.apiKeys.admin, {
      caseFlags: ['churn_threat', 'safety'],
      minSeverity: 'low',
      repeatWindowHours: 24,
      defaultTeamId: null,
      businessHours: null,
      escalationUrl: 'http://127.0.0.1:9/escalations',
    });
    expect(settings.statusCode, settings.body).toBe(200);
    expect(settings.json().escalationSigningSecret).toMatch(/^whsec_/);

    // A clock three days back, so nothing else in the database is due at the sweep's times.
    const t0 = new Date(Date.now() - 3 * 24 * 3_600_000);
    const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);
    const critical = await seedCase(tenant, { severity: 'critical', flags: ['safety'], now: t0 }); // 1 h / 24 h
    const high = await seedCase(tenant, { severity: 'high', now: t0 }); // 4 h / 48 h
    const answered = await seedCase(tenant, { severity: 'critical', flags: ['safety'], now: t0 });
    await api.db
      .updateTable('cases')
      .set({ first_response_at: at(0.5) })
      .where('id', '=', answered.caseId)
      .execute();
    const sweep = (now: Date) =>
      sweepSlaBreaches(
        { db: api.db, outboundQueue, scoreQueue: api.scoreQueue },
        { now, batchSize: 2, outboundGraceSeconds: 3_600 },
      );
    const breached = async () =>
      (
        await api.db
          .selectFrom('cases')
          .select([
            'id',
            'priority',
            'first_response_breached_at',
            'resolution_breached_at',
            'escalation_level',
          ])
          .where('org_id', '=', tenant.orgId)
          .execute()
      ).filter((row) => row.first_response_breached_at || row.resolution_breached_at);

    expect(await sweep(at(2))).toMatchObject({ ran: true });
    let rows = await breached();
    expect(rows.map((row) => row.id)).toEqual([critical.caseId]);
    expect(rows[0]).toMatchObject({ priority: 5, escalation_level: 1, resolution_breached_at: null });
    const notices = await api.db
      .selectFrom('outbound_messages')
      .select(['id', 'case_id', 'kind', 'status'])
      .where('org_id', '=', tenant.orgId)
      .execute();
    expect(notices).toEqual([
      { id: expect.any(String), case_id: critical.caseId, kind: 'escalation', status: 'pending' },
    ]);
    expect(await outboundQueue.getJob(notices[0]!.id)).toBeDefined();

    // Sweeping again at the same time escalates nothing more.
    await sweep(at(2));
    expect((await breached()).map((row) => row.escalation_level)).toEqual([1]);

    // A day later: both critical cases miss their resolution deadline (the answered one only that), the high
    // one its first response.
    await sweep(at(25));
    rows = await breached();
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(new Set(byId.keys())).toEqual(new Set([critical.caseId, high.caseId, answered.caseId]));
    expect(byId.get(critical.caseId)).toMatchObject({ escalation_level: 2, priority: 5 });
    expect(byId.get(critical.caseId)!.resolution_breached_at).not.toBeNull();
    expect(byId.get(high.caseId)).toMatchObject({
      escalation_level: 1,
      priority: 4,
      resolution_breached_at: null,
    });
    expect(await eventActions(critical.caseId)).toEqual(['opened', 'sla_breached', 'sla_breached']);
    expect(byId.get(answered.caseId)).toMatchObject({
      escalation_level: 1,
      first_response_breached_at: null,
    });
    expect(await eventActions(answered.caseId)).toEqual(['opened', 'sla_breached']);
  });
});

describe('replies to the customer', () => {
  let server: Server;
  let received: { headers: IncomingMessage['headers']; body: Buffer }[] = [];
  let answerWith: number;
  let worker: Worker;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks) });
        response.statusCode = answerWith;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    worker = startOutboundWorker({
      db: api.db,
      secretBox: api.secretBox,
      scoreQueue: api.scoreQueue,
      timeoutMs: 5_000,
      allowlist: testOutboundAllowlist,
      connection: redisOptions(redisUrl),
      prefix: outboundPrefix,
      concurrency: 2,
      logger: createLogger('outbound-test', 'silent'),
    });
  });
  afterAll(async () => {
    await worker.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries a failing receiver, marks the reply dead after the limit, then delivers and counts a reply', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage replies');
    answerWith = 500;
    received = [];
    const agent = await responder(api.db, tenant, []);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/replies`;
    const target = await call('PUT', `/v1/sources/${tenant.sourceId}/reply-target`, tenant.apiKeys.admin, {
      url,
    });
    expect(target.statusCode).toBe(200);
    const secret: string = target.json().replySigningSecret;

    const { caseId } = await seedCase(tenant);
    const claim = await call('POST', '/v1/cases/claim-next', agent.apiKey);
    expect(claim.json().id).toBe(caseId);

    const reply = await call(
      'POST',
      `/v1/cases/${caseId}/replies`,
      agent.apiKey,
      { body: 'Sorry! A refund is on its way.' },
      claim.headers.etag as string,
    );
    expect(reply.statusCode, reply.body).toBe(202);
    const messageId: string = reply.json().messageId;
    const dead = await eventually(async () => {
      const detail: CaseBody = (await call('GET', `/v1/cases/${caseId}`, tenant.apiKeys.manager)).json();
      return detail.messages[0]?.status === 'dead' ? detail : undefined;
    });
    expect(dead.messages[0]).toMatchObject({
      id: messageId,
      kind: 'reply',
      attempts: 3,
      lastError: 'delivery failed: the receiver did not accept it',
    });
    expect(dead.firstResponseAt).toBeNull();
    expect(received).toHaveLength(3);
    for (const delivery of received) {
      expect(delivery.headers['webhook-id']).toBe(`msg_${messageId}`);
      const verified = verifyWebhook(
        delivery.headers,
        delivery.body,
        [secret],
        Math.floor(Date.now() / 1000),
      );
      expect(verified.ok).toBe(true);
      expect(JSON.parse(delivery.body.toString())).toMatchObject({
        type: 'case.reply',
        data: { caseId, body: 'Sorry! A refund is on its way.' },
      });
    }
    expect(await eventActions(caseId)).toEqual(['opened', 'claimed', 'reply_queued', 'reply_dead']);

    answerWith = 204;
    received = [];
    const second = await call(
      'POST',
      `/v1/cases/${caseId}/replies`,
      agent.apiKey,
      { body: 'Refund sent.' },
      `"${dead.version}"`,
    );
    expect(second.statusCode).toBe(202);
    const delivered = await eventually(async () => {
      const detail: CaseBody = (await call('GET', `/v1/cases/${caseId}`, tenant.apiKeys.manager)).json();
      return detail.repliesDelivered === 1 ? detail : undefined;
    });
    expect(delivered.firstResponseAt).not.toBeNull();
    expect(delivered.messages.map((m) => m.status)).toEqual(['dead', 'delivered']);
    expect(received).toHaveLength(1);
    expect(await eventActions(caseId)).toEqual([
      'opened',
      'claimed',
      'reply_queued',
      'reply_dead',
      'reply_queued',
      'reply_delivered',
    ]);

    // A redelivered job of a delivered message sends nothing again.
    const process = createOutboundProcessor({
      db: api.db,
      secretBox: api.secretBox,
      scoreQueue: api.scoreQueue,
      timeoutMs: 5_000,
      allowlist: testOutboundAllowlist,
    });
    const again = await process({
      data: { messageId: second.json().messageId, orgId: tenant.orgId },
      attemptsMade: 0,
      opts: { attempts: 3 },
    } as Job<OutboundJob>);
    expect(again.status).toBe('delivered');
    expect(received).toHaveLength(1);
  });

  it('delivers an SLA escalation notice to the organisation webhook, signed with its secret', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage escalation');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/escalations`;
    const settings = await call('PUT', '/v1/triage/settings', tenant.apiKeys.admin, {
      caseFlags: ['churn_threat'],
      minSeverity: 'low',
      repeatWindowHours: 24,
      defaultTeamId: null,
      businessHours: null,
      escalationUrl: url,
    });
    const secret: string = settings.json().escalationSigningSecret;
    answerWith = 200;
    received = [];
    const t0 = new Date(Date.now() - 5 * 24 * 3_600_000);
    const { caseId } = await seedCase(tenant, { severity: 'high', now: t0 });
    await sweepSlaBreaches(
      { db: api.db, outboundQueue, scoreQueue: api.scoreQueue },
      { now: new Date(t0.getTime() + 5 * 3_600_000), batchSize: 100, outboundGraceSeconds: 3_600 },
    );
    await eventually(async () =>
      (await eventActions(caseId)).includes('escalation_delivered') ? true : undefined,
    );
    const notice = received.find((delivery) => JSON.parse(delivery.body.toString()).data?.caseId === caseId);
    expect(notice).toBeDefined();
    expect(verifyWebhook(notice!.headers, notice!.body, [secret], Math.floor(Date.now() / 1000)).ok).toBe(
      true,
    );
    expect(JSON.parse(notice!.body.toString())).toMatchObject({
      type: 'case.escalation',
      data: { caseId, severity: 'high', priority: 4, breaches: ['first_response'] },
    });
  });

  it('refuses a reply when the source has no reply URL, and changes nothing', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Triage no target');
    const agent = await responder(api.db, tenant, []);
    const { caseId } = await seedCase(tenant);
    const response = await call('POST', `/v1/cases/${caseId}/replies`, agent.apiKey, { body: 'hi' }, '"1"');
    expect(response.statusCode).toBe(409);
    expect((await caseRow(caseId)).version).toBe(1);
  });
});
