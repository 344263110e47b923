import { randomUUID } from 'node:crypto';
import { leaseSize, RateLimits } from '@cxloop/api';
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

  it('reserves a lease per round trip for busy subjects and hands its positions out locally, in order', async () => {
    expect([10, 199, 600, 1_200, 1_000_000].map(leaseSize)).toEqual([1, 1, 6, 12, 64]);
    const redis = new Redis(redisUrl);
    try {
      const limits = new RateLimits(redis, api.prefix);
      const subject = `test:${randomUUID()}`;
      const now = Date.now();
      const counts: number[] = [];
      for (let request = 0; request < 65; request++)
        counts.push((await limits.take(subject, 6_400, now)).count);
      expect(counts).toEqual(Array.from({ length: 65 }, (_, index) => index + 1));
      // Two round trips of 64 positions each served the 65 requests.
      const [key] = await redis.keys(`${api.prefix}:ratelimit:${subject}:*`);
      expect(await redis.get(key!)).toBe('128');
    } finally {
      redis.disconnect();
    }
  });

  it('never admits more than the limit across replicas holding leases, and no position twice', async () => {
    const redis = new Redis(redisUrl);
    try {
      const replicas = [new RateLimits(redis, api.prefix), new RateLimits(redis, api.prefix)];
      const subject = `test:${randomUUID()}`;
      const now = Date.now();
      const decisions = [];
      // Bursts of concurrent requests alternating between the replicas, 400 against a limit of 300 (leases of 3).
      for (let burst = 0; burst < 40; burst++)
        decisions.push(
          ...(await Promise.all(
            Array.from({ length: 10 }, () => replicas[burst % 2]!.take(subject, 300, now)),
          )),
        );
      const counts = decisions.map((decision) => decision.count);
      expect(new Set(counts).size).toBe(400);
      const admitted = decisions.filter((decision) => decision.allowed).length;
      expect(admitted).toBeLessThanOrEqual(300);
      // What a replica reserved and did not hand out is at most a lease minus one each.
      expect(admitted).toBeGreaterThanOrEqual(300 - 2 * (leaseSize(300) - 1));
    } finally {
      redis.disconnect();
    }
  });

  it("flags each replica's first refusal of a window, though position limit + 1 sits in another's lease", async () => {
    const redis = new Redis(redisUrl);
    try {
      const [replicaA, replicaB] = [new RateLimits(redis, api.prefix), new RateLimits(redis, api.prefix)];
      const subject = `test:${randomUUID()}`;
      const now = Date.now();
      // Leases of 3: after 301 requests replica A has used positions 1-301 and holds 302 and 303.
      const limit = 301;
      expect(leaseSize(limit)).toBe(3);
      const take = (replica: RateLimits) => replica.take(subject, limit, now);
      for (let request = 0; request < limit; request++) {
        expect(await take(replicaA!)).toMatchObject({ allowed: true, firstRefusalHere: false });
      }
      // Refused in turn: B's first (304) and second, then A's first (302, from its lease) and second.
      const refusals: [RateLimits, number, boolean][] = [
        [replicaB!, 304, true],
        [replicaB!, 305, false],
        [replicaA!, 302, true],
        [replicaA!, 303, false],
      ];
      for (const [replica, count, firstRefusalHere] of refusals) {
        expect(await take(replica)).toMatchObject({ allowed: false, count, firstRefusalHere });
      }
      // A new window starts over.
      const nextWindow = now + 60_000;
      expect(await replicaB!.take(subject, limit, nextWindow)).toMatchObject({ allowed: true, count: 1 });
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
