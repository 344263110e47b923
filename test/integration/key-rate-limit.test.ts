import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Key rate limit org');
});
afterAll(async () => {
  await api.close();
});

describe('per-API-key rate limit', () => {
  it('is shared by two API instances through Redis and limits each key on its own', async () => {
    // One pinned clock for both instances, so the test never straddles a window boundary.
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    const now = () => new Date(minuteStart + 15_000);
    const limited = { now, redisPrefix: api.prefix, secretBox: api.secretBox, apiKeyRateLimitPerMinute: 3 };
    const replicaA = await startTestApi(limited);
    const replicaB = await startTestApi(limited);
    try {
      const list = (replica: TestApi, key: string) =>
        replica.app.inject({
          method: 'GET',
          url: '/v1/feedback',
          headers: { authorization: `Bearer ${key}` },
        });
      const manager = tenant.apiKeys.manager;
      expect((await list(replicaA, manager)).statusCode).toBe(200);
      expect((await list(replicaB, manager)).statusCode).toBe(200);
      expect((await list(replicaA, manager)).statusCode).toBe(200);
      const refused = await list(replicaB, manager);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('45');
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({
        status: 429,
        detail: expect.stringContaining('3 requests per minute'),
      });
      // Another key of the same organisation has its own budget.
      expect((await list(replicaA, tenant.apiKeys.admin)).statusCode).toBe(200);
      // A caller without a valid key is refused as unauthenticated and spends no key's budget.
      const anonymous = await replicaA.app.inject({ method: 'GET', url: '/v1/feedback' });
      expect(anonymous.statusCode).toBe(401);
      expect((await list(replicaB, tenant.apiKeys.responder)).statusCode).toBe(200);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });
});
