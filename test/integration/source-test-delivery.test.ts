import { createSource } from '@cxloop/db';
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

  it('refuses sources whose vendor signs the deliveries', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Vendor test org');
    const typeform = await createSource(api.db, {
      orgId: tenant.orgId,
      name: 'Typeform',
      channel: 'survey',
      adapter: 'typeform',
      secretCiphertext: api.secretBox.seal('typeform-secret-123'),
    });
    const response = await sendTest(tenant, tenant.apiKeys.admin, typeform.id);
    expect(response.statusCode).toBe(409);
    expect(response.json().type).toContain('test_delivery_unsupported');
    expect(await deliveries(tenant, typeform.id)).toEqual([]);
  });
});
