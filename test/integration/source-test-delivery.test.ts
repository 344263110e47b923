import { randomBytes } from 'node:crypto';
import { type Adapter, adapterSettings } from '@cxloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { expectQueuedForAnalysis, queuedFeedbackIds } from '../support/redis.js';
import { createSourceVia } from '../support/sources.js';

/** The status each vendor reads as "received" (Mailgun, Twilio and Intercom want exactly 200). */
const channelStatus = {
  typeform: 202,
  surveymonkey: 202,
  twilio: 200,
  mailgun: 200,
  zendesk: 202,
  intercom: 200,
  delighted: 202,
  hubspot: 202,
  qualtrics: 200,
};

/** "Send test event": a signed test delivery through the source's real webhook route, logged, never stored. */
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

interface Delivery {
  status: number;
  outcome: string;
  reason: string | null;
  acceptedEvents: number;
  redactedBody: string | null;
}

function call(method: 'GET' | 'POST' | 'PATCH', url: string, apiKey: string, payload?: object) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${apiKey}` },
    ...(payload ? { payload } : {}),
  });
}

async function deliveries(tenant: TestTenant, sourceId = tenant.sourceId): Promise<Delivery[]> {
  const response = await call('GET', `/v1/sources/${sourceId}/deliveries`, tenant.apiKeys.admin);
  expect(response.statusCode).toBe(200);
  return response.json().deliveries;
}

const sendTest = (tenant: TestTenant, apiKey = tenant.apiKeys.admin, sourceId = tenant.sourceId) =>
  call('POST', `/v1/sources/${sourceId}/test-delivery`, apiKey);

describe('POST /v1/sources/:id/test-delivery', () => {
  it('verifies through the webhook, shows in the delivery log and stores no feedback', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Test delivery org');
    const queuedBefore = await queuedFeedbackIds(api.analyzeQueue);

    const response = await sendTest(tenant);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      webhookId: expect.stringMatching(/^msg_test_/),
      status: 202,
      delivered: true,
      reason: null,
    });

    const log = await deliveries(tenant);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 202, outcome: 'ignored', acceptedEvents: 0 });
    expect(log[0]!.reason).toContain('test event');
    expect(log[0]!.redactedBody).toContain('cxloop.test');
    // A test never becomes feedback, so it can never count towards a score.
    expect(await countFeedback(api.db, tenant.sourceId)).toBe(0);
    // The hand-off enqueues in arrival order: once a real delivery made after the test is queued, anything
    // the test had handed off would be queued too. Only the real one is.
    const real = await postSigned(api.app, tenant, { externalId: 'after-the-test', text: 'Real feedback' });
    expect(real.statusCode, real.body).toBe(202);
    await expectQueuedForAnalysis(api.analyzeQueue, real.json().id);
    const queuedAfter = await queuedFeedbackIds(api.analyzeQueue);
    expect([...queuedAfter].filter((id) => !queuedBefore.has(id))).toEqual([real.json().id]);
  });

  it('signs with the current secret after a rotation', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Rotated test org');
    // No overlap: the secret the tenant was created with stops verifying at once.
    const rotated = await call('POST', `/v1/sources/${tenant.sourceId}/secret/rotate`, tenant.apiKeys.admin, {
      overlapSeconds: 0,
    });
    expect(rotated.statusCode).toBe(200);
    const stale = await postSigned(api.app, tenant, { externalId: 'old-secret', text: 'Still there?' });
    expect(stale.statusCode).toBe(401);
    const response = await sendTest(tenant);
    expect(response.json()).toMatchObject({ status: 202, delivered: true });
  });

  it('reports a paused source as its sender would meet it, and logs the refusal', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Paused test org');
    const paused = await call('PATCH', `/v1/sources/${tenant.sourceId}`, tenant.apiKeys.admin, {
      status: 'paused',
    });
    expect(paused.statusCode).toBe(200);

    const response = await sendTest(tenant);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 409, delivered: false });
    expect(response.json().reason).toContain('paused');
    const [logged] = await deliveries(tenant);
    expect(logged).toMatchObject({ status: 409, outcome: 'rejected' });
    expect(logged!.reason).toContain('source_paused');
  });

  it('leaves real deliveries of the generic channel as they were', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Real delivery org');
    await sendTest(tenant);
    const real = await postSigned(api.app, tenant, { externalId: 'real-1', text: 'Works fine.' });
    expect(real.statusCode).toBe(202);
    expect(real.json()).toMatchObject({ externalId: 'real-1', duplicate: false });
    // A sender cannot smuggle feedback into a test body: it is strict.
    const smuggled = await postSigned(api.app, tenant, {
      type: 'cxloop.test',
      sentAt: new Date().toISOString(),
      text: 'counted?',
    });
    expect(smuggled.statusCode).toBe(422);
    expect(await countFeedback(api.db, tenant.sourceId)).toBe(1);
    expect((await deliveries(tenant)).map((row) => row.outcome)).toEqual(['rejected', 'accepted', 'ignored']);
  });

  it('is for admins of the organisation only', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Guarded test org');
    const other = await createTenant(api.db, api.secretBox, 'Other test org');
    for (const role of ['manager', 'responder'] as const) {
      expect((await sendTest(tenant, tenant.apiKeys[role])).statusCode).toBe(403);
    }
    const foreign = await sendTest(tenant, other.apiKeys.admin);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect((await sendTest(tenant, tenant.apiKeys.admin, 'not-a-uuid')).statusCode).toBe(404);
    const anonymous = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${tenant.sourceId}/test-delivery`,
    });
    expect(anonymous.statusCode).toBe(401);
    // None of the refused calls reached the webhook.
    expect(await deliveries(tenant)).toEqual([]);
  });

  /** Each vendor's source as a CX admin connects it: the vendor's key pasted, its settings filled in. */
  const vendorSources: Record<Exclude<Adapter, 'generic'>, (secret: string) => Record<string, unknown>> = {
    typeform: () => ({ adapter: 'typeform' }),
    surveymonkey: (secret) => ({
      adapter: 'surveymonkey',
      secret,
      vendorToken: `sm-${randomBytes(8).toString('hex')}`,
      adapterConfig: { clientId: `client-${randomBytes(4).toString('hex')}`, region: 'eu' },
    }),
    twilio: (secret) => ({ adapter: 'twilio', secret }),
    mailgun: (secret) => ({ adapter: 'mailgun', secret }),
    zendesk: (secret) => ({ adapter: 'zendesk', secret }),
    intercom: (secret) => ({ adapter: 'intercom', secret }),
    delighted: (secret) => ({ adapter: 'delighted', secret }),
    hubspot: (secret) => ({
      adapter: 'hubspot',
      secret,
      vendorToken: `pat-${randomBytes(8).toString('hex')}`,
    }),
    qualtrics: () => ({
      adapter: 'qualtrics',
      vendorToken: `qualtrics-${randomBytes(8).toString('hex')}`,
      adapterConfig: { datacenter: 'fra1' },
    }),
  };

  for (const [adapter, body] of Object.entries(vendorSources)) {
    it(`${adapter}: the test is framed and signed as ${adapter} sends, logged, stores nothing; after a rotation it signs with the new key`, async () => {
      const tenant = await createTenant(api.db, api.secretBox, `${adapter} test org`);
      const source = await createSourceVia(api.app, tenant, body(randomBytes(24).toString('hex')));
      const successStatus = channelStatus[adapter as Exclude<Adapter, 'generic'>];

      const first = await sendTest(tenant, tenant.apiKeys.admin, source.id);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ status: successStatus, delivered: true, reason: null });
      const [logged] = await deliveries(tenant, source.id);
      expect(logged).toMatchObject({ status: successStatus, outcome: 'ignored', acceptedEvents: 0 });
      expect(logged!.reason).toContain('test event');
      expect(await countFeedback(api.db, source.id)).toBe(0);

      // Rotation without overlap: the test now proves the new key, and only the new key verifies.
      const rotated = await call('POST', `/v1/sources/${source.id}/secret/rotate`, tenant.apiKeys.admin, {
        overlapSeconds: 0,
        ...(adapterSettings[adapter as Adapter].secret.issuedBy === 'vendor'
          ? { secret: randomBytes(24).toString('hex') }
          : {}),
      });
      expect(rotated.statusCode, rotated.body).toBe(200);
      const afterRotation = await sendTest(tenant, tenant.apiKeys.admin, source.id);
      expect(afterRotation.json()).toMatchObject({ status: successStatus, delivered: true });
      expect((await deliveries(tenant, source.id)).map((row) => row.outcome)).toEqual(['ignored', 'ignored']);
    });
  }
});
