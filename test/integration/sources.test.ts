import { randomUUID } from 'node:crypto';
import { DELIVERY_LOG_LENGTH, recordSourceDeliveries, SourceDeliveryTally } from '@cxloop/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  postSigned,
  startTestApi,
  TEST_PUBLIC_BASE_URL,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { createSourceVia } from '../support/sources.js';

let api: TestApi;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Sources org');
  other = await createTenant(api.db, api.secretBox, 'Other org');
});
afterAll(async () => {
  await api.close();
});

const event = () => ({ externalId: `ext-${randomUUID()}`, text: 'The queue was long but staff were kind.' });

function asAdmin(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  key = tenant.apiKeys.admin,
) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

describe('source management', () => {
  it('creates a source, returning its webhook URL and the generated secret once', async () => {
    const response = await asAdmin('POST', '/v1/sources', { name: 'Post-visit survey', adapter: 'typeform' });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      name: 'Post-visit survey',
      adapter: 'typeform',
      channel: 'survey',
      status: 'active',
      webhookUrl: `${TEST_PUBLIC_BASE_URL}/v1/sources/${created.id}/events`,
      signingSecret: expect.stringMatching(/^whsec_/),
      stats: { lastDeliveryAt: null, acceptedCount: 0, rejectedCount: 0, lastError: null, lastErrorAt: null },
    });
    const shown = await asAdmin('GET', `/v1/sources/${created.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).not.toHaveProperty('signingSecret');
    const stored = await api.db
      .selectFrom('sources')
      .select('secret_ciphertext')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_ciphertext).not.toContain(created.signingSecret.slice(6));
  });

  it('requires the vendor-issued key for vendor adapters and validates the field mapping', async () => {
    const noKey = await asAdmin('POST', '/v1/sources', { name: 'SMS', adapter: 'twilio' });
    expect(noKey.statusCode).toBe(422);
    expect(noKey.json().errors[0].path).toBe('/secret');
    const badMapping = await asAdmin('POST', '/v1/sources', {
      name: 'Survey',
      adapter: 'typeform',
      fieldMapping: { questions: { q1: { as: 'nps', scale: { min: 5, max: 1 } } } },
    });
    expect(badMapping.statusCode).toBe(422);
    expect(badMapping.json().errors[0].path).toContain('/fieldMapping/questions/q1');
  });

  it('allows admins only, and hides other organisations’ sources as 404', async () => {
    expect((await asAdmin('GET', '/v1/sources', undefined, tenant.apiKeys.manager)).statusCode).toBe(403);
    const mine = await createSourceVia(api.app, tenant, { name: 'Mine' });
    for (const [method, url] of [
      ['GET', `/v1/sources/${mine.id}`],
      ['PATCH', `/v1/sources/${mine.id}`],
      ['DELETE', `/v1/sources/${mine.id}`],
      ['GET', `/v1/sources/${mine.id}/deliveries`],
      ['POST', `/v1/sources/${mine.id}/secret/rotate`],
    ] as const) {
      const response = await asAdmin(
        method,
        url,
        method === 'GET' || method === 'DELETE' ? undefined : {},
        other.apiKeys.admin,
      );
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    const list = (await asAdmin('GET', '/v1/sources', undefined, other.apiKeys.admin)).json();
    expect(list.sources.map((s: { id: string }) => s.id)).not.toContain(mine.id);
  });

  it('pauses and resumes: a paused source answers 409, logs it and stores nothing', async () => {
    const source = await createSourceVia(api.app, tenant, { name: 'Pausable' });
    expect((await asAdmin('PATCH', `/v1/sources/${source.id}`, { status: 'paused' })).json().status).toBe(
      'paused',
    );
    const paused = await postSigned(api.app, { sourceId: source.id, secret: source.secret }, event());
    expect(paused.statusCode).toBe(409);
    expect(await countFeedback(api.db, source.id)).toBe(0);
    await asAdmin('PATCH', `/v1/sources/${source.id}`, { status: 'active' });
    expect(
      (await postSigned(api.app, { sourceId: source.id, secret: source.secret }, event())).statusCode,
    ).toBe(202);

    const { deliveries } = (await asAdmin('GET', `/v1/sources/${source.id}/deliveries`)).json();
    expect(deliveries.map((d: { status: number; outcome: string }) => [d.status, d.outcome])).toEqual([
      [202, 'accepted'],
      [409, 'rejected'],
    ]);
    expect(deliveries[1].reason).toContain('source_paused');
    const stats = (await asAdmin('GET', `/v1/sources/${source.id}`)).json().stats;
    expect(stats).toMatchObject({
      acceptedCount: 1,
      rejectedCount: 1,
      lastError: expect.stringContaining('paused'),
    });
    expect(stats.lastDeliveryAt).not.toBeNull();
  });

  it('deletes a source with its feedback', async () => {
    const source = await createSourceVia(api.app, tenant, { name: 'Doomed' });
    await postSigned(api.app, { sourceId: source.id, secret: source.secret }, event());
    expect((await asAdmin('DELETE', `/v1/sources/${source.id}`)).statusCode).toBe(204);
    expect((await asAdmin('GET', `/v1/sources/${source.id}`)).statusCode).toBe(404);
    expect(await countFeedback(api.db, source.id)).toBe(0);
    expect(
      (await postSigned(api.app, { sourceId: source.id, secret: source.secret }, event())).statusCode,
    ).toBe(404);
  });
});

describe('secret rotation', () => {
  it('verifies old and new secrets during the overlap, and only the new one after it', async () => {
    const source = await createSourceVia(api.app, tenant, { name: 'Rotating' });
    const first = source.secret;
    const rotated = await asAdmin('POST', `/v1/sources/${source.id}/secret/rotate`, { overlapSeconds: 3600 });
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json().signingSecret as string;
    expect(second).not.toBe(first);
    const send = (secret: string) => postSigned(api.app, { sourceId: source.id, secret }, event());
    expect((await send(first)).statusCode).toBe(202);
    expect((await send(second)).statusCode).toBe(202);

    // A rotation without overlap retires the current secret at once; the one before it is gone for good.
    const third = (
      await asAdmin('POST', `/v1/sources/${source.id}/secret/rotate`, { overlapSeconds: 0 })
    ).json().signingSecret as string;
    expect((await send(third)).statusCode).toBe(202);
    expect((await send(second)).statusCode).toBe(401);
    expect((await send(first)).statusCode).toBe(401);
  });

  it('takes the vendor’s new key for vendor adapters and never echoes it', async () => {
    const source = await createSourceVia(api.app, tenant, {
      adapter: 'intercom',
      secret: 'intercom-secret-one',
    });
    const rotated = await asAdmin('POST', `/v1/sources/${source.id}/secret/rotate`, {
      secret: 'intercom-secret-two',
    });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json()).not.toHaveProperty('signingSecret');
    const missing = await asAdmin('POST', `/v1/sources/${source.id}/secret/rotate`, {});
    expect(missing.statusCode).toBe(422);
  });
});

describe('source changes and other replicas', () => {
  it('reach a replica that did not make them once its cached source expires (a second)', async () => {
    // The replica's own clock, stepped instead of waited on.
    let clock = Date.now();
    const replica = await startTestApi({
      redisPrefix: api.prefix,
      secretBox: api.secretBox,
      now: () => new Date(clock),
    });
    try {
      const source = await createSourceVia(api.app, tenant, { name: 'Paused elsewhere' });
      const send = () => postSigned(replica.app, { sourceId: source.id, secret: source.secret }, event());
      expect((await send()).statusCode).toBe(202);
      // Paused through the other instance: this replica still remembers the source as active for a moment.
      await asAdmin('PATCH', `/v1/sources/${source.id}`, { status: 'paused' });
      clock += 900;
      expect((await send()).statusCode).toBe(202);
      clock += 200;
      expect((await send()).statusCode).toBe(409);
    } finally {
      await replica.close();
    }
  });
});

describe('per-source rate limit', () => {
  it('is shared by two API instances through Redis: 429 with Retry-After beyond the limit', async () => {
    // One pinned clock for both instances, so the test never straddles a window boundary.
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    const now = () => new Date(minuteStart + 10_000);
    const replicaA = await startTestApi({ now, redisPrefix: api.prefix, secretBox: api.secretBox });
    const replicaB = await startTestApi({ now, redisPrefix: api.prefix, secretBox: api.secretBox });
    try {
      const source = await createSourceVia(api.app, tenant, { name: 'Limited', rateLimitPerMinute: 3 });
      const send = (app: TestApi) =>
        postSigned(app.app, { sourceId: source.id, secret: source.secret }, event(), {
          timestampSeconds: Math.floor(now().getTime() / 1000),
        });
      expect((await send(replicaA)).statusCode).toBe(202);
      expect((await send(replicaB)).statusCode).toBe(202);
      expect((await send(replicaA)).statusCode).toBe(202);
      const refused = await send(replicaB);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('50');
      expect((await send(replicaA)).statusCode).toBe(429);
      expect(await countFeedback(api.db, source.id)).toBe(3);
      expect((await send(replicaB)).statusCode).toBe(429);
      // Only each replica's first refusal of the window is logged. Replicas write their log entries on their
      // own schedule; closing them writes what they hold.
      await Promise.all([replicaA.close(), replicaB.close()]);
      const { deliveries } = (await asAdmin('GET', `/v1/sources/${source.id}/deliveries`)).json();
      expect(deliveries.filter((d: { status: number }) => d.status === 429)).toHaveLength(2);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });
});

describe('delivery log', () => {
  it('keeps exactly the last 200 deliveries of a source, newest first', async () => {
    const source = await createSourceVia(api.app, tenant, { name: 'Busy' });
    const row = await api.db
      .selectFrom('sources')
      .selectAll()
      .where('id', '=', source.id)
      .executeTakeFirstOrThrow();
    const delivery = (n: number) => ({
      status: n % 2 ? 202 : 401,
      outcome: n % 2 ? ('accepted' as const) : ('rejected' as const),
      reason: `delivery ${n}`,
      sizeBytes: n,
      acceptedEvents: n % 2,
      receivedAt: new Date(),
    });
    const ofSource = { orgId: tenant.orgId, sourceId: row.id };
    // One at a time, then a batch larger than the ring (as the API's group commit may write under load).
    for (let n = 1; n <= 20; n++) {
      await recordSourceDeliveries(api.db, SourceDeliveryTally.of(ofSource, [delivery(n)]));
    }
    await recordSourceDeliveries(
      api.db,
      SourceDeliveryTally.of(
        ofSource,
        Array.from({ length: 210 }, (_, i) => delivery(i + 21)),
      ),
    );
    const stored = await api.db
      .selectFrom('source_deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('source_id', '=', source.id)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(DELIVERY_LOG_LENGTH);
    const { deliveries } = (await asAdmin('GET', `/v1/sources/${source.id}/deliveries?limit=200`)).json();
    expect(deliveries).toHaveLength(200);
    expect(deliveries[0]).toMatchObject({ id: '230', reason: 'delivery 230', sizeBytes: 230 });
    expect(deliveries.at(-1)).toMatchObject({ id: '31', reason: 'delivery 31' });
    const stats = (await asAdmin('GET', `/v1/sources/${source.id}`)).json().stats;
    expect(stats).toMatchObject({ acceptedCount: 115, rejectedCount: 115, lastError: 'delivery 230' });
  });
});
