import { randomUUID } from 'node:crypto';
import { RateLimits } from '@cxloop/api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

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

describe('RateLimits', () => {
  it('counts concurrent requests of a subject in shared round trips, each with its own position', async () => {
    const redis = new Redis(redisUrl);
    try {
      const limits = new RateLimits(redis, api.prefix);
      const subject = `test:${randomUUID()}`;
      const now = Date.now();
      const decisions = await Promise.all(Array.from({ length: 25 }, () => limits.take(subject, 10, now)));
      expect(decisions.map((decision) => decision.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, index) => index + 1),
      );
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
      // Another subject in the same batch keeps its own count.
      const [other] = await Promise.all([
        limits.take(`${subject}:other`, 10, now),
        limits.take(subject, 10, now),
      ]);
      expect(other).toMatchObject({ allowed: true, count: 1 });
    } finally {
      redis.disconnect();
    }
  });

  it('gives every counter an expiry when it is created, and keeps it as the window fills', async () => {
    const redis = new Redis(redisUrl);
    try {
      const limits = new RateLimits(redis, api.prefix);
      const subject = `test:${randomUUID()}`;
      const now = Date.now();
      await limits.take(subject, 10, now);
      const [key] = await redis.keys(`${api.prefix}:ratelimit:${subject}:*`);
      expect(key).toBeDefined();
      const firstTtl = await redis.ttl(key!);
      expect(firstTtl).toBeGreaterThan(60);
      expect(firstTtl).toBeLessThanOrEqual(120);
      // A counter that already exists keeps its expiry: the window cannot be stretched by traffic.
      await redis.expire(key!, 30);
      await Promise.all(Array.from({ length: 5 }, () => limits.take(subject, 10, now)));
      expect(await redis.ttl(key!)).toBeLessThanOrEqual(30);
      expect(await redis.get(key!)).toBe('6');
    } finally {
      redis.disconnect();
    }
  });
});
