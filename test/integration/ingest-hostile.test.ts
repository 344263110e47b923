/**
 * Issue 23's ingestion findings, one test each: every request here once answered 500, 429 to a signed
 * delivery, stored a replayed Mailgun signature, or left no trace in the source's delivery log.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAILGUN_RETRY_WINDOW_SECONDS } from '@cxloop/api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createSignedSource,
  createTenant,
  eventually,
  feedbackByExternalId,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';
import { createSourceVia } from '../support/sources.js';
import {
  intercomRatingAdded,
  mailgunInboundFields,
  zendeskTicketCreated,
} from '../support/vendor-payloads.js';

const UNSIGNED_PER_MINUTE = 5;
// One clock for the whole file: rate-limit windows are per minute, and a minute turning over mid-test
// would reset a count the test relies on.
const clock = new Date();

let api: TestApi;
let tenant: TestTenant;
let redis: Redis;

beforeAll(async () => {
  api = await startTestApi({ unsignedDeliveriesPerMinute: UNSIGNED_PER_MINUTE, now: () => clock });
  tenant = await createTenant(api.db, api.secretBox, 'Hostile ingest org');
  redis = new Redis(redisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await api.close();
});

const admin = () => ({ authorization: `Bearer ${tenant.apiKeys.admin}` });
const nowSeconds = () => Math.floor(clock.getTime() / 1000);

const feedbackRow = (sourceId: string, externalId: string) =>
  feedbackByExternalId(api.db, sourceId, externalId);

async function latestDeliveries(sourceId: string) {
  const response = await api.app.inject({ url: `/v1/sources/${sourceId}/deliveries`, headers: admin() });
  expect(response.statusCode).toBe(200);
  return response.json().deliveries as { status: number; outcome: string; reason: string | null }[];
}

function expectProblem(response: { headers: Record<string, unknown>; json: () => unknown }) {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as { status: number; errors?: { path: string; message: string }[]; detail?: string };
}

describe('item 13: NUL, lone surrogates, deep nesting and impossible dates on the generic channel', () => {
  it('free text and metadata are stored without NUL and with lone surrogates replaced', async () => {
    const externalId = `nul-text-${randomUUID()}`;
    const response = await postSigned(api.app, tenant, {
      externalId,
      text: 'parcel\u0000 late \ud800',
      metadata: { 'order\u0000Id': 'A\u00001', note: 'x\udc00y', nested: [{ deep: 'z\u0000' }] },
    });
    expect(response.statusCode, response.body).toBe(202);
    const row = await feedbackRow(tenant.sourceId, externalId);
    expect(row?.text).toBe('parcel late \ufffd');
    expect(row?.metadata).toEqual({ orderId: 'A1', note: 'x\ufffdy', nested: [{ deep: 'z' }] });
  });

  it.each([
    ['externalId', { externalId: 'order\u00001', text: 'fine' }, '/externalId'],
    ['customerRef', { customerRef: 'cust\u0000', text: 'fine' }, '/customerRef'],
    ['a lone surrogate in externalId', { externalId: 'x\ud800', text: 'fine' }, '/externalId'],
    ['occurredAt in year 0000', { text: 'fine', occurredAt: '0000-01-01T00:00:00Z' }, '/occurredAt'],
    ['occurredAt far ahead', { text: 'fine', occurredAt: '9999-12-31T00:00:00Z' }, '/occurredAt'],
  ])('%s is refused with 422 naming the field, and nothing is stored', async (_name, body, path) => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const response = await postSigned(api.app, tenant, body);
    expect(response.statusCode, response.body).toBe(422);
    expect(expectProblem(response).errors?.map((error) => error.path)).toContain(path);
    expect(await countFeedback(api.db, tenant.sourceId)).toBe(before);
  });

  it('metadata nested 10 000 levels deep is refused with 422 at /metadata, not a stack overflow', async () => {
    const before = await countFeedback(api.db, tenant.sourceId);
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const response = await postSigned(api.app, tenant, `{"text":"fine","metadata":{"d":${deep}}}`);
    expect(response.statusCode, response.body.slice(0, 300)).toBe(422);
    expect(expectProblem(response).errors?.[0]?.path).toMatch(/^\/metadata\/d\/a\/a/);
    expect(await countFeedback(api.db, tenant.sourceId)).toBe(before);
  });

  it('a Mailgun email with a NUL is stored without it (a refusal would be retried and then dropped)', async () => {
    const key = 'key-mailgun-hostile-0123456789';
    const source = await createSourceVia(api.app, tenant, { adapter: 'mailgun', secret: key });
    const messageId = `<${randomUUID()}@mg.example.com>`;
    const response = await postMailgun(source.id, key, {
      'Message-Id': messageId,
      subject: 'Refund\u0000',
      'stripped-text': 'still\u0000 missing',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((await feedbackRow(source.id, messageId))?.text).toBe('Refund\n\nstill missing');
  });

  it('a vendor timestamp in year 0000 falls back to the time received instead of refusing the ticket', async () => {
    const secret = 'zendesk-hostile-signing-secret-01';
    const source = await createSourceVia(api.app, tenant, { adapter: 'zendesk', secret });
    const event = { ...zendeskTicketCreated({ id: randomUUID() }), time: '0000-01-01T00:00:00Z' };
    const body = JSON.stringify(event);
    const timestamp = clock.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/events`,
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': createHmac('sha256', secret)
          .update(timestamp + body)
          .digest('base64'),
        'x-zendesk-webhook-signature-timestamp': timestamp,
      },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(202);
    expect((await feedbackRow(source.id, event.id))?.occurred_at).toEqual(clock);
  });

  it('an Intercom rating dated beyond JavaScript’s range is stored with the time received, not a 500', async () => {
    const secret = 'intercom-hostile-client-secret-01';
    const source = await createSourceVia(api.app, tenant, { adapter: 'intercom', secret });
    const notification = intercomRatingAdded(5);
    notification.data.item.id = randomUUID();
    notification.data.item.conversation_rating.created_at = 9_000_000_000_000_000;
    const body = JSON.stringify(notification);
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/events`,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
      },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    const row = await feedbackRow(source.id, `conversation:${notification.data.item.id}:rating`);
    expect(row?.occurred_at).toEqual(clock);
  });
});

describe('item 13: API routes (bodies and query strings)', () => {
  it('a team name with a NUL is stored without it', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/teams',
      headers: admin(),
      payload: { name: `Returns\u0000 desk ${randomUUID()}` },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().name).toMatch(/^Returns desk /);
  });

  it.each([
    ['q=late%00parcel', 200],
    ['channel=web%00', 200],
    ['unit=north%00', 200],
    ['flag=x%00y', 200],
    // Nothing is left of it: too short, like an empty topic.
    ['topic=%00', 400],
  ])('GET /v1/feedback?%s answers %i, not 500', async (query, status) => {
    const response = await api.app.inject({ url: `/v1/feedback?${query}`, headers: admin() });
    expect(response.statusCode, response.body).toBe(status);
  });

  it.each(['-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'])(
    'a cursor at %s is refused with 400 at /querystring/cursor',
    async (at) => {
      const cursor = Buffer.from(`${at}|${randomUUID()}`).toString('base64url');
      const response = await api.app.inject({ url: `/v1/feedback?cursor=${cursor}`, headers: admin() });
      expect(response.statusCode, response.body).toBe(400);
      expect(expectProblem(response).errors?.[0]?.path).toBe('/querystring/cursor');
    },
  );
});

describe('item 7: the source limit counts verified deliveries only', () => {
  it('unsigned requests cannot exhaust a source’s limit; a signed delivery still gets 202', async () => {
    const source = await createSignedSource(api.db, api.secretBox, tenant.orgId, { rateLimitPerMinute: 3 });
    for (let attempt = 0; attempt < UNSIGNED_PER_MINUTE; attempt++) {
      const forged = await api.app.inject({
        method: 'POST',
        url: `/v1/sources/${source.sourceId}/events`,
        headers: { 'content-type': 'application/json' },
        payload: { text: 'forged' },
        remoteAddress: '198.51.100.7',
      });
      expect(forged.statusCode).toBe(401);
    }
    const signed = await postSigned(api.app, source, { text: 'Real feedback after a flood' });
    expect(signed.statusCode, signed.body).toBe(202);
  });

  it('failed signatures past the per-address limit get 429 for that address only', async () => {
    const forge = (remoteAddress: string) =>
      api.app.inject({
        method: 'POST',
        url: `/v1/sources/${tenant.sourceId}/events`,
        headers: { 'content-type': 'application/json', 'webhook-signature': 'v1,AAAA' },
        payload: { text: 'forged' },
        remoteAddress,
      });
    for (let attempt = 0; attempt < UNSIGNED_PER_MINUTE; attempt++) {
      expect((await forge('203.0.113.9')).statusCode).toBe(401);
    }
    const limited = await forge('203.0.113.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expectProblem(limited);
    expect((await forge('203.0.113.10')).statusCode).toBe(401);
    const signed = await postSigned(api.app, tenant, { text: 'Signed, from anywhere' });
    expect(signed.statusCode).toBe(202);
  });
});

function signMailgun(key: string, token: string, timestamp = String(nowSeconds())) {
  return {
    timestamp,
    token,
    signature: createHmac('sha256', key)
      .update(timestamp + token)
      .digest('hex'),
  };
}

function postMailgun(
  sourceId: string,
  key: string,
  fields: Record<string, string>,
  token: string = randomUUID(),
) {
  const message = mailgunInboundFields(fields);
  return api.app.inject({
    method: 'POST',
    url: `/v1/sources/${sourceId}/events`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...message, ...signMailgun(key, token, fields.timestamp) }).toString(),
  });
}

describe('item 10: a Mailgun signature comes back only with its own message', () => {
  const key = 'key-mailgun-replay-0123456789';
  let sourceId: string;
  beforeAll(async () => {
    sourceId = (await createSourceVia(api.app, tenant, { adapter: 'mailgun', secret: key })).id;
  });

  it('another message under a used token is 406 (Mailgun: do not retry), stores nothing; the token is kept for its window', async () => {
    const token = randomBytes(25).toString('hex');
    const first = `<${randomUUID()}@mg.example.com>`;
    expect((await postMailgun(sourceId, key, { 'Message-Id': first }, token)).statusCode).toBe(200);
    const before = await countFeedback(api.db, sourceId);
    const forged = await postMailgun(
      sourceId,
      key,
      { 'Message-Id': `<${randomUUID()}@evil.example>`, 'stripped-text': 'Click here' },
      token,
    );
    expect(forged.statusCode, forged.body).toBe(406);
    expect(expectProblem(forged).detail).toMatch(/already used with another message/);
    expect(await countFeedback(api.db, sourceId)).toBe(before);
    expect((await latestDeliveries(sourceId))[0]?.reason).toMatch(/^replayed_signature/);
    const remembered = `${api.prefix}:signed-token:${sourceId}:${createHash('sha256').update(token).digest('hex')}`;
    const ttl = await redis.ttl(remembered);
    // The timestamp is accepted for Mailgun's retry window after it was signed, plus the clock tolerance
    // (WEBHOOK_TOLERANCE_SECONDS, 300 in tests): the token is remembered as long.
    const window = MAILGUN_RETRY_WINDOW_SECONDS + 300;
    expect(ttl).toBeGreaterThan(window - 100);
    expect(ttl).toBeLessThanOrEqual(window + 1 + Math.ceil((Date.now() - clock.getTime()) / 1000));
  });

  it('a retry of the same message with the same token, even re-signed later, is accepted as a duplicate', async () => {
    const token = randomBytes(25).toString('hex');
    const messageId = `<${randomUUID()}@mg.example.com>`;
    expect((await postMailgun(sourceId, key, { 'Message-Id': messageId }, token)).statusCode).toBe(200);
    const retry = await postMailgun(
      sourceId,
      key,
      { 'Message-Id': messageId, timestamp: String(nowSeconds() - 30) },
      token,
    );
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().results[0].duplicate).toBe(true);
  });
});

describe('item 16: refusals before the handler are problem+json and in the source’s delivery log', () => {
  it('413 (body over the limit) and 415 (no parser for the type) are logged for the source', async () => {
    const source = await createSignedSource(api.db, api.secretBox, tenant.orgId);
    const tooLarge = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.sourceId}/events`,
      headers: { 'content-type': 'application/json' },
      payload: `{"text":"${'a'.repeat(300 * 1024)}"}`,
    });
    expect(tooLarge.statusCode).toBe(413);
    expectProblem(tooLarge);
    const wrongType = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.sourceId}/events`,
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(wrongType.statusCode).toBe(415);
    expectProblem(wrongType);
    const logged = await latestDeliveries(source.sourceId);
    expect(logged.map((entry) => [entry.status, entry.outcome])).toEqual([
      [415, 'rejected'],
      [413, 'rejected'],
    ]);
    expect(logged[1]?.reason).toMatch(/^body_too_large/);
  });

  it('400s (JSON that does not parse, multipart that does not frame) are logged with their reason', async () => {
    const source = await createSignedSource(api.db, api.secretBox, tenant.orgId);
    const broken = await postSigned(api.app, source, '{"text": "unterminated');
    expect(broken.statusCode).toBe(400);
    const mailgunKey = `key-${randomBytes(16).toString('hex')}`;
    const mailgun = await createSourceVia(api.app, tenant, { adapter: 'mailgun', secret: mailgunKey });
    const unframed = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${mailgun.id}/events`,
      headers: { 'content-type': 'multipart/form-data' },
      payload: 'no boundary anywhere',
    });
    // Mailgun reads 406 as "do not retry": the same broken body would come back for 8 hours.
    expect(unframed.statusCode).toBe(406);
    expectProblem(unframed);
    expect((await latestDeliveries(source.sourceId))[0]).toMatchObject({ status: 400, outcome: 'rejected' });
    expect((await latestDeliveries(source.sourceId))[0]?.reason).toMatch(/^malformed_json/);
    expect((await latestDeliveries(mailgun.id))[0]).toMatchObject({ status: 406, outcome: 'rejected' });
    expect((await latestDeliveries(mailgun.id))[0]?.reason).toMatch(/^malformed_body/);
  });

  it('414 (path parameter too long) is problem+json', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${'a'.repeat(200)}/events`,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(414);
    expectProblem(response);
  });

  it('431 (headers over Node’s limit) is problem+json and logged for the source', async () => {
    const source = await createSignedSource(api.db, api.secretBox, tenant.orgId);
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = api.app.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/v1/sources/${source.sourceId}/events`,
          headers: { 'content-type': 'application/json', 'x-padding': 'p'.repeat(20_000) },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              type: String(response.headers['content-type']),
              body,
            }),
          );
        },
      );
      request.on('error', reject);
      request.end('{}');
    });
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 431,
      type: 'urn:cxloop:problem:headers_too_large',
    });
    const logged = await eventually(async () => {
      const entries = await latestDeliveries(source.sourceId);
      return entries.length > 0 ? entries : undefined;
    });
    expect(logged[0]).toMatchObject({ status: 431, outcome: 'rejected' });
  });
});

describe('item 17: identifiers compared in NFC', () => {
  it('an externalId sent composed and then decomposed is one feedback; customerRef is stored composed', async () => {
    const suffix = randomUUID();
    const composed = `caf\u00e9-${suffix}`;
    const decomposed = `cafe\u0301-${suffix}`;
    const first = await postSigned(api.app, tenant, {
      externalId: composed,
      text: 'Lovely',
      customerRef: 'Zo\u0308e',
    });
    expect(first.statusCode).toBe(202);
    const second = await postSigned(api.app, tenant, { externalId: decomposed, text: 'Lovely' });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ id: first.json().id, duplicate: true });
    expect((await feedbackRow(tenant.sourceId, composed))?.customer_ref).toBe('Z\u00f6e');
  });
});
