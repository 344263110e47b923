import { randomUUID } from 'node:crypto';
import { startAggregationWorkers } from '@cxloop/aggregation-worker';
import { startAnalysisWorker } from '@cxloop/analysis-worker';
import {
  markOutboundDelivered,
  openCasesForAnalyses,
  queueCaseReply,
  recordOutboundFailure,
  storeFeedbackBatch,
} from '@cxloop/db';
import { createAggregateQueue, createLogger, createScoreQueue, redisOptions } from '@cxloop/runtime';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createResponder,
  createTenant,
  eventually,
  openFlaggedCase,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/** What a responder's day rests on: history kept out of the inbox, deadlines that follow severity, replies. */
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const DAY = 86_400_000;
const call = (
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  apiKey: string,
  payload?: unknown,
  ifMatch?: string,
) =>
  api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${apiKey}`, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function storeAt(tenant: TestTenant, occurredAt: Date, customerRef: string | null, text: string) {
  const [stored] = await storeFeedbackBatch(api.db, [
    {
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: `wd-${randomUUID()}`,
      customer_ref: customerRef,
      text,
      metadata: JSON.stringify({}),
      occurred_at: occurredAt,
    },
  ]);
  return stored!.id;
}

describe('imported history and the inbox', () => {
  it('opens cases only for feedback inside the horizon, counts all of it in rollups, and backfills a window on purpose', {
    timeout: 120_000,
  }, async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'History co');
    const now = Date.now();
    // 90 churn threats, one a day over 90 days, the newest an hour ago: an import of history.
    const ndjson = Array.from({ length: 90 }, (_, day) =>
      JSON.stringify({
        externalId: `history-${day}`,
        customerRef: `cust-${day}`,
        text: 'This is the third broken delivery. I am cancelling my account and switching to a competitor.',
        ratings: { nps: 0 },
        occurredAt: new Date(now - day * DAY - 3_600_000).toISOString(),
      }),
    ).join('\n');
    const imported = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${tenant.sourceId}/imports`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, 'content-type': 'application/x-ndjson' },
      payload: ndjson,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json().created).toBe(90);

    const connection = redisOptions(redisUrl);
    const logger = createLogger('inbox-workday', 'silent');
    const aggregateQueue = createAggregateQueue({ connection, prefix: api.prefix });
    const scoreQueue = createScoreQueue({ connection, prefix: api.prefix });
    const redis = new Redis(redisUrl);
    const analysis = startAnalysisWorker({
      db: api.db,
      aggregateQueue,
      connection,
      prefix: api.prefix,
      concurrency: 2,
      logger,
    });
    const aggregation = startAggregationWorkers({
      db: api.db,
      scoreQueue,
      redis,
      connection,
      prefix: api.prefix,
      aggregateConcurrency: 2,
      scoreConcurrency: 1,
      scoreCooldownMs: 1_000,
      logger,
    });
    try {
      await eventually(async () => {
        const row = await api.db
          .selectFrom('feedback')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('org_id', '=', tenant.orgId)
          .where('aggregated_at', 'is not', null)
          .executeTakeFirstOrThrow();
        return Number(row.n) === 90 ? true : undefined;
      }, 90_000);
    } finally {
      await analysis.close();
      await aggregation.close();
      await aggregateQueue.close();
      await scoreQueue.close();
      redis.disconnect();
    }

    // The default horizon is 72 h: days 0, 1 and 2 (1 h, 25 h and 49 h ago) open cases, 87 older ones none.
    const cases = await call('GET', '/v1/cases?status=new&limit=200', tenant.apiKeys.responder);
    expect(cases.json().total).toBe(3);
    // Every one of the 90 still counts in the rollups that feed trends and scores.
    const rollup = await api.db
      .selectFrom('rollup_daily')
      .select([
        (eb) => eb.fn.sum<string>('feedback_count').as('feedback'),
        (eb) => eb.fn.sum<string>('flagged_count').as('flagged'),
      ])
      .where('org_id', '=', tenant.orgId)
      .executeTakeFirstOrThrow();
    expect({ feedback: Number(rollup.feedback), flagged: Number(rollup.flagged) }).toEqual({
      feedback: 90,
      flagged: 90,
    });

    // An admin opens cases for the past month on purpose; its clocks start now; a rerun opens nothing.
    const window = { from: new Date(now - 30 * DAY).toISOString(), to: new Date(now).toISOString() };
    const refused = await call('POST', '/v1/cases/backfill', tenant.apiKeys.admin, {
      from: window.to,
      to: window.from,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([{ path: '/to', message: 'the window must end after it starts' }]);
    const backfill = await call('POST', '/v1/cases/backfill', tenant.apiKeys.admin, window);
    expect(backfill.statusCode, backfill.body).toBe(200);
    // Days 3 … 29 (days 0-2 have cases; day 30 is 30 days and an hour ago, outside the window).
    expect(backfill.json()).toEqual({ considered: 27, opened: 27, linked: 0 });
    const again = await call('POST', '/v1/cases/backfill', tenant.apiKeys.admin, window);
    expect(again.json()).toEqual({ considered: 0, opened: 0, linked: 0 });
    const opened = await api.db
      .selectFrom('cases')
      .select(['opened_at', 'first_response_due_at'])
      .where('org_id', '=', tenant.orgId)
      .execute();
    expect(opened).toHaveLength(30);
    for (const row of opened) expect(row.first_response_due_at.getTime()).toBeGreaterThan(now);
  });

  it('follows a source’s own horizon, and refuses a bad one with the field path', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Horizon co');
    const bad = await call('PUT', `/v1/sources/${tenant.sourceId}/case-horizon`, tenant.apiKeys.admin, {
      hours: 0,
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].path).toBe('/hours');
    const set = await call('PUT', `/v1/sources/${tenant.sourceId}/case-horizon`, tenant.apiKeys.admin, {
      hours: 24 * 10,
    });
    expect(set.json()).toEqual({ sourceId: tenant.sourceId, caseHorizonHours: 240 });
    const now = new Date();
    const weekOld = await storeAt(tenant, new Date(now.getTime() - 7 * DAY), 'a', 'I will cancel');
    const monthOld = await storeAt(tenant, new Date(now.getTime() - 30 * DAY), 'b', 'I will cancel');
    const analysis = (feedbackId: string) => ({
      orgId: tenant.orgId,
      feedbackId,
      severity: 'high',
      urgency: 0.8,
      flagCodes: ['churn_threat'],
      topics: [],
    });
    const openings = await api.db
      .transaction()
      .execute((trx) =>
        openCasesForAnalyses(trx, tenant.orgId, [analysis(weekOld), analysis(monthOld)], now),
      );
    expect(openings.map((opening) => opening?.outcome ?? null)).toEqual(['opened', null]);
  });
});

describe('deadlines follow severity', () => {
  it('brings a case’s deadlines forward when a repeat contact raises it to critical, and leads with that message', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Raise co');
    const opened = new Date(Date.now() - 10 * 3_600_000);
    const first = await storeAt(tenant, opened, 'cust-1', 'The sofa leg is a bit wobbly');
    const [low] = await api.db.transaction().execute((trx) =>
      openCasesForAnalyses(
        trx,
        tenant.orgId,
        [
          {
            orgId: tenant.orgId,
            feedbackId: first,
            severity: 'low',
            urgency: 0.2,
            flagCodes: ['very_negative'],
            topics: [],
          },
        ],
        opened,
      ),
    );
    const raisedAt = new Date();
    const threat = await storeAt(
      tenant,
      raisedAt,
      'cust-1',
      'Nobody answers. I am cancelling and telling everyone.',
    );
    await api.db.transaction().execute((trx) =>
      openCasesForAnalyses(
        trx,
        tenant.orgId,
        [
          {
            orgId: tenant.orgId,
            feedbackId: threat,
            severity: 'critical',
            urgency: 0.95,
            flagCodes: ['churn_threat'],
            topics: [],
          },
        ],
        raisedAt,
      ),
    );
    const detail = (await call('GET', `/v1/cases/${low!.caseId}`, tenant.apiKeys.responder)).json();
    expect(detail.severity).toBe('critical');
    // Critical targets (1 h to respond, 24 h to resolve) from the moment it became critical.
    expect(Date.parse(detail.sla.firstResponseDueAt)).toBe(raisedAt.getTime() + 3_600_000);
    expect(Date.parse(detail.sla.resolutionDueAt)).toBe(raisedAt.getTime() + 24 * 3_600_000);
    expect(detail.sla.state).toBe('at_risk');
    expect(detail.leadFeedbackId).toBe(threat);
    const list = (await call('GET', '/v1/cases', tenant.apiKeys.responder)).json();
    expect(list.items[0].headline).toBe('Nobody answers. I am cancelling and telling everyone.');
    // The at-risk filter returns exactly the cases whose badge says at risk.
    const atRisk = (await call('GET', '/v1/cases?sla=at_risk', tenant.apiKeys.responder)).json();
    expect(atRisk.items.map((item: { id: string }) => item.id)).toEqual([low!.caseId]);
    expect(atRisk.items.every((item: { sla: { state: string } }) => item.sla.state === 'at_risk')).toBe(true);
  });
});

describe('the inbox list', () => {
  it('pages with a total, sorts, titles rows with the customer’s words (redacted for managers)', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Paging co');
    const ids: string[] = [];
    for (let index = 0; index < 7; index++) {
      ids.push(
        (await openFlaggedCase(api.db, tenant, `Case ${index}: call me on +44 7700 900${100 + index}`))
          .caseId,
      );
    }
    await api.db
      .updateTable('feedback_analysis')
      .set({ redacted_text: 'Case: call me on [PHONE]' })
      .where('org_id', '=', tenant.orgId)
      .execute()
      .catch(() => undefined);
    const page = (query: string, key = tenant.apiKeys.responder) =>
      call('GET', `/v1/cases?${query}`, key).then((response) => response.json());
    const first = await page('sort=oldest&limit=3&offset=0');
    const third = await page('sort=oldest&limit=3&offset=6');
    expect(first.total).toBe(7);
    expect(first.items.map((item: { id: string }) => item.id)).toEqual(ids.slice(0, 3));
    expect(third.items.map((item: { id: string }) => item.id)).toEqual(ids.slice(6));
    expect((await page('sort=newest&limit=1')).items[0].id).toBe(ids[6]);
    expect(first.items[0].headline).toBe('Case 0: call me on +44 7700 900100');
    const managers = await page('sort=oldest&limit=1', tenant.apiKeys.manager);
    expect(managers.items[0].headline).not.toContain('7700');
    const bad = await call('GET', '/v1/cases?sort=loudest', tenant.apiKeys.responder);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it('lets a responder claim a row and a manager hand a case to someone; a stale claim changes nothing', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Claim co');
    const { caseId } = await openFlaggedCase(api.db, tenant);
    const agent = await createResponder(api.db, tenant, [], 'Robin Responder');
    const claimed = await call('POST', `/v1/cases/${caseId}/claim`, agent.apiKey, undefined, '"1"');
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json().assigneeId).not.toBeNull();
    const stale = await call('POST', `/v1/cases/${caseId}/claim`, agent.apiKey, undefined, '"1"');
    expect(stale.statusCode).toBe(412);
    // Someone else cannot take a held case by claiming it: that is an assignment.
    const other = await createResponder(api.db, tenant, [], 'Sam Responder');
    const taken = await call('POST', `/v1/cases/${caseId}/claim`, other.apiKey, undefined, '"2"');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().type).toContain('case_held');
    const listed = (await call('GET', '/v1/cases', tenant.apiKeys.manager)).json().items[0];
    expect(listed.assigneeName).toBe('Robin Responder');
    const handed = await call(
      'POST',
      `/v1/cases/${caseId}/assignment`,
      tenant.apiKeys.manager,
      { assigneeId: null },
      '"2"',
    );
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json().assigneeId).toBeNull();
  });

  it('answers the watermark with 304 until a case changes', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Watermark co');
    const first = await call('GET', '/v1/cases/watermark', tenant.apiKeys.responder);
    const etag = first.headers.etag as string;
    const unchanged = await api.app.inject({
      method: 'GET',
      url: '/v1/cases/watermark',
      headers: { authorization: `Bearer ${tenant.apiKeys.responder}`, 'if-none-match': etag },
    });
    expect(unchanged.statusCode).toBe(304);
    await openFlaggedCase(api.db, tenant);
    const moved = await api.app.inject({
      method: 'GET',
      url: '/v1/cases/watermark',
      headers: { authorization: `Bearer ${tenant.apiKeys.responder}`, 'if-none-match': etag },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.headers.etag).not.toBe(etag);
  });
});

describe('reply and resolve', () => {
  const actor = { memberId: null, apiKeyId: null };

  it('resolves the case when the reply is delivered, and never when it dies', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Resolve co');
    const delivered = await openFlaggedCase(api.db, tenant);
    const dead = await openFlaggedCase(api.db, tenant);
    await api.db
      .updateTable('sources')
      .set({ reply_url: 'https://replies.example/hook' })
      .where('id', '=', tenant.sourceId)
      .execute();
    const now = new Date();
    const queue = async (caseId: string) => {
      const change = await queueCaseReply(
        api.db,
        tenant.orgId,
        caseId,
        { body: 'Sorted, sorry!', resolve: true },
        {
          expectedVersion: 1,
          actor,
          now,
        },
      );
      if (!change.ok) throw new Error(change.reason);
      expect(change.case.status).toBe('acknowledged');
      return change.value;
    };
    await markOutboundDelivered(api.db, tenant.orgId, await queue(delivered.caseId), now);
    await recordOutboundFailure(api.db, tenant.orgId, await queue(dead.caseId), {
      error: 'receiver answered 500',
      final: true,
      now,
    });
    const status = async (caseId: string) =>
      (await call('GET', `/v1/cases/${caseId}`, tenant.apiKeys.responder)).json();
    expect(await status(delivered.caseId)).toMatchObject({ status: 'resolved', repliesDelivered: 1 });
    expect(await status(dead.caseId)).toMatchObject({ status: 'acknowledged', repliesDelivered: 0 });
    const events = (
      await call('GET', `/v1/cases/${delivered.caseId}/events`, tenant.apiKeys.responder)
    ).json();
    expect(events.events.map((event: { action: string }) => event.action)).toContain('resolved');
  });

  it('keeps reply templates per organisation and refuses a duplicate name', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Template co');
    const other = await createTenant(api.db, api.secretBox, 'Other template co');
    const made = await call('POST', '/v1/reply-templates', tenant.apiKeys.responder, {
      name: 'Late delivery',
      body: 'Sorry your order is late.',
    });
    expect(made.statusCode).toBe(201);
    const twice = await call('POST', '/v1/reply-templates', tenant.apiKeys.responder, {
      name: 'Late delivery',
      body: 'Again',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().errors).toEqual([{ path: '/name', message: 'already used in the organisation' }]);
    const empty = await call('POST', '/v1/reply-templates', tenant.apiKeys.responder, {
      name: ' ',
      body: 'x',
    });
    expect(empty.statusCode).toBe(422);
    expect((await call('GET', '/v1/reply-templates', tenant.apiKeys.manager)).json().templates).toHaveLength(
      1,
    );
    expect((await call('GET', '/v1/reply-templates', other.apiKeys.responder)).json().templates).toEqual([]);
  });
});
