import { randomUUID } from 'node:crypto';
import { signWebhook } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { expectQueuedForAnalysis } from '../support/redis.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox);
});
afterAll(async () => {
  await api.close();
});

const event = (overrides: Record<string, unknown> = {}) => ({
  externalId: `ext-${randomUUID()}`,
  text: 'Delivery was two days late and nobody answered the phone.',
  ratings: { nps: 3 },
  customerRef: 'cust-42',
  touchpoint: 'delivery',
  ...overrides,
});

async function expectNothingStored(before: number) {
  expect(await countFeedback(api.db, tenant.sourceId)).toBe(before);
}

describe('POST /v1/sources/:sourceId/events signatures', () => {
  it('accepts a correctly signed event with 202 and its stored id', async () => {
    const body = event();
    const response = await postSigned(api.app, tenant, body);
    expect(response.statusCode).toBe(202);
    const result = response.json();
    expect(result).toMatchObject({ externalId: body.externalId, duplicate: false });
    const row = await api.db
      .selectFrom('feedback')
      .selectAll()
      .where('id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      org_id: tenant.orgId,
      text: body.text,
      nps: 3,
      customer_ref: 'cust-42',
    });
    await expectQueuedForAnalysis(api.analyzeQueue, result.id);
  });

  it.each([
    ['a wrong secret', { secret: 'whsec_d3JvbmdzZWNyZXR3cm9uZ3NlY3JldA==' }, 'no webhook-signature matches'],
    ['a stale timestamp', { timestampSeconds: Math.floor(Date.now() / 1000) - 600 }, 'too far'],
    ['a future timestamp', { timestampSeconds: Math.floor(Date.now() / 1000) + 600 }, 'too far'],
  ])('rejects %s with 401 and stores nothing', async (_label, delivery, detail) => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const response = await postSigned(api.app, tenant, event(), delivery);
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().detail).toContain(detail);
    await expectNothingStored(before);
  });

  it('rejects an altered body with 401', async () => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const signed = JSON.stringify(event());
    const headers = signWebhook(tenant.secret, 'msg_tamper', Math.floor(Date.now() / 1000), signed);
    const tampered = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${tenant.sourceId}/events`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: signed.replace('two days', 'ten days'),
    });
    expect(tampered.statusCode).toBe(401);
    await expectNothingStored(before);
  });

  it('rejects missing signature headers with 401', async () => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${tenant.sourceId}/events`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(event()),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toContain('headers are required');
    await expectNothingStored(before);
  });

  it('answers 404 for an unknown or malformed source id', async () => {
    const unknown = await postSigned(api.app, { ...tenant, sourceId: randomUUID() }, event());
    expect(unknown.statusCode).toBe(404);
    const malformed = await postSigned(api.app, { ...tenant, sourceId: 'not-a-uuid' }, event());
    expect(malformed.statusCode).toBe(404);
  });
});

describe('POST /v1/sources/:sourceId/events bodies', () => {
  it('rejects invalid JSON with 400', async () => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const response = await postSigned(api.app, tenant, '{"text": "unterminated');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, type: 'urn:cxloop:problem:malformed_json' });
    await expectNothingStored(before);
  });

  it('rejects schema violations with 422 naming each failing field', async () => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const response = await postSigned(api.app, tenant, {
      events: [event(), event({ ratings: { nps: 11 } }), event({ occurredAt: 'yesterday', colour: 'red' })],
    });
    expect(response.statusCode).toBe(422);
    const paths = response.json().errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/events/1/ratings/nps', '/events/2/occurredAt', '/events/2']),
    );
    // The valid first event is not stored either: a batch is accepted whole or not at all.
    await expectNothingStored(before);
  });

  it('requires text or a rating', async () => {
    const response = await postSigned(api.app, tenant, { externalId: 'empty-1', text: '   ' });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      { path: '/text', message: 'a feedback event needs text or at least one rating' },
    ]);
  });

  it('rejects an unknown unit key with 422', async () => {
    const response = await postSigned(api.app, tenant, event({ unit: 'no-such-store' }));
    expect(response.statusCode).toBe(422);
    expect(response.json().errors[0].path).toBe('/unit');
  });

  it('rejects a batch over 500 events with 422 and a body over the limit with 413', async () => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const tooMany = await postSigned(api.app, tenant, {
      events: Array.from({ length: 501 }, (_, i) => ({ externalId: `many-${i}`, ratings: { csat: 4 } })),
    });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().errors[0].path).toBe('/events');
    const tooLarge = await postSigned(api.app, tenant, event({ text: 'x'.repeat(300 * 1024) }));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.headers['content-type']).toContain('application/problem+json');
    await expectNothingStored(before);
  });

  it('stores a batch and reports one result per event in order', async () => {
    const events = [event(), event({ externalId: undefined, text: 'Great staff at the counter' }), event()];
    const response = await postSigned(api.app, tenant, { events }, { webhookId: 'msg_batch_1' });
    expect(response.statusCode).toBe(202);
    const { results } = response.json();
    expect(results.map((r: { externalId: string }) => r.externalId)).toEqual([
      events[0]!.externalId,
      'webhook:msg_batch_1#1',
      events[2]!.externalId,
    ]);
    expect(new Set(results.map((r: { id: string }) => r.id)).size).toBe(3);
  });
});

describe('redelivery', () => {
  it('returns the existing id for the same external id and changes nothing', async () => {
    const body = event();
    const first = await postSigned(api.app, tenant, body);
    const before = await countFeedback(api.db, tenant.sourceId);
    const again = await postSigned(api.app, tenant, { ...body, text: 'edited on redelivery' });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ id: first.json().id, externalId: body.externalId, duplicate: true });
    expect(await countFeedback(api.db, tenant.sourceId)).toBe(before);
    const row = await api.db
      .selectFrom('feedback')
      .select('text')
      .where('id', '=', first.json().id)
      .executeTakeFirstOrThrow();
    expect(row.text).toBe(body.text);
  });

  it('uses the webhook-id when the event has no external id', async () => {
    const body = event({ externalId: undefined });
    const first = await postSigned(api.app, tenant, body, { webhookId: 'msg_retry_7' });
    const retry = await postSigned(api.app, tenant, body, { webhookId: 'msg_retry_7' });
    expect(retry.json()).toEqual({ id: first.json().id, externalId: 'webhook:msg_retry_7', duplicate: true });
  });

  it('stores one row when 20 identical deliveries arrive at once', async () => {
    const body = event();
    const before = await countFeedback(api.db, tenant.sourceId);
    const responses = await Promise.all(Array.from({ length: 20 }, () => postSigned(api.app, tenant, body)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(202));
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.json().duplicate === false)).toHaveLength(1);
    expect(await countFeedback(api.db, tenant.sourceId)).toBe(before + 1);
  });
});
