import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { flushRedisPrefix } from './redis.js';
import { createTestDatabase, dropTestDatabase, listTestDatabases } from './test-database.js';

/**
 * What one test run owns on the shared servers: a migrated database and a Redis key prefix, both named by a
 * run id that starts with the run's start time, so runs never see each other's rows or jobs and a crashed
 * run's leftovers can be told from a live run's by their age alone.
 */
export interface TestRun {
  id: string;
  database: { name: string; url: string };
  redisPrefix: string;
  /** Drops the database and deletes every key under the prefix. */
  remove(): Promise<void>;
}

const databasePrefix = 'cxloop_test_';
const redisRoot = 'cxtest';
/** Start time in base 36 (8 characters until 2059), then a random part against runs started together. */
const runIdPattern = /^([0-9a-z]{8})_[0-9a-f]{6}$/;
/**
 * A run this old is over however it ended: the longest suite (test:faults) takes minutes, its timeouts
 * twelve at most. Younger resources may belong to a run in progress on the same servers.
 */
export const LEFTOVER_AGE_MS = 3 * 60 * 60 * 1000;

export function newRunId(now = Date.now()): string {
  return `${now.toString(36).padStart(8, '0')}_${randomBytes(3).toString('hex')}`;
}

/** When the run named `id` started, or undefined for a name that is not a run id. */
export function runStartedAt(id: string): number | undefined {
  const match = runIdPattern.exec(id);
  return match ? Number.parseInt(match[1]!, 36) : undefined;
}

function isLeftover(id: string, now: number): boolean {
  const started = runStartedAt(id);
  return started !== undefined && now - started > LEFTOVER_AGE_MS;
}

/** Starts a run: removes earlier runs' leftovers, then creates this run's database. */
export async function startTestRun(redisUrls: readonly string[]): Promise<TestRun & { swept: Swept }> {
  const swept = await sweepLeftovers(redisUrls);
  const id = newRunId();
  const database = await createTestDatabase(`${databasePrefix}${id}`);
  const redisPrefix = `${redisRoot}:${id}`;
  return {
    id,
    database,
    redisPrefix,
    swept,
    async remove() {
      await dropTestDatabase(database.name);
      for (const url of redisUrls) await flushRedisPrefix(redisPrefix, url);
    },
  };
}

export interface Swept {
  databases: string[];
  redisKeys: number;
}

/** Drops the databases and deletes the keys of runs older than LEFTOVER_AGE_MS (crashed or killed runs). */
export async function sweepLeftovers(redisUrls: readonly string[], now = Date.now()): Promise<Swept> {
  const databases = (await listTestDatabases(databasePrefix)).filter((name) =>
    isLeftover(name.slice(databasePrefix.length), now),
  );
  for (const name of databases) await dropTestDatabase(name);
  let redisKeys = 0;
  for (const url of redisUrls) {
    for (const id of await runIdsInRedis(url)) {
      if (isLeftover(id, now)) redisKeys += await flushRedisPrefix(`${redisRoot}:${id}`, url);
    }
  }
  return { databases, redisKeys };
}

/** The distinct run ids found under the test key root. */
async function runIdsInRedis(url: string): Promise<Set<string>> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const ids = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisRoot}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) ids.add(key.split(':')[1]!);
    } while (cursor !== '0');
    return ids;
  } finally {
    redis.disconnect();
  }
}
