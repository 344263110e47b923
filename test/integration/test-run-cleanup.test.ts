import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis.js';
import { createTestDatabase, dropTestDatabase, listTestDatabases } from '../support/test-database.js';
import { LEFTOVER_AGE_MS, newRunId, startTestRun, sweepLeftovers } from '../support/test-run.js';

// The test set-up's own clean-up: what `pnpm test` leaves on the shared servers, and what it removes of the
// runs before it.
const redis = new Redis(redisUrl);
const keysUnder = async (prefix: string) => (await redis.keys(`${prefix}:*`)).length;

afterAll(() => {
  redis.disconnect();
});

describe('a test run', () => {
  it('removes its database and every key under its prefix when it ends', async () => {
    const run = await startTestRun([redisUrl]);
    await redis.set(`${run.redisPrefix}:queue:meta`, 'x');
    await redis.hset(`${run.redisPrefix}:abc:jobs:1`, 'data', '{}');
    expect(await listTestDatabases(run.database.name)).toEqual([run.database.name]);

    await run.remove();

    expect(await keysUnder(run.redisPrefix)).toBe(0);
    expect(await listTestDatabases(run.database.name)).toEqual([]);
  });

  it("removes a crashed run's leftovers once they are older than any run lasts, and nothing younger", async () => {
    const now = Date.now();
    const crashed = newRunId(now - LEFTOVER_AGE_MS - 60_000);
    const live = newRunId(now - LEFTOVER_AGE_MS + 60_000);
    for (const id of [crashed, live]) {
      await createTestDatabase(`cxloop_test_${id}`);
      await redis.set(`cxtest:${id}:score:meta`, 'x');
    }
    try {
      const swept = await sweepLeftovers([redisUrl], now);

      expect(swept.databases).toContain(`cxloop_test_${crashed}`);
      expect(await listTestDatabases(`cxloop_test_${crashed}`)).toEqual([]);
      expect(await keysUnder(`cxtest:${crashed}`)).toBe(0);
      expect(await listTestDatabases(`cxloop_test_${live}`)).toEqual([`cxloop_test_${live}`]);
      expect(await keysUnder(`cxtest:${live}`)).toBe(1);
    } finally {
      for (const id of [crashed, live]) {
        await dropTestDatabase(`cxloop_test_${id}`);
        await redis.del(`cxtest:${id}:score:meta`);
      }
    }
  });
});
