import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDb } from '@cxloop/db';
import { createTestDatabase } from '../support/test-database.js';

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes of one machine. */
export const wallClock = () => performance.timeOrigin + performance.now();

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A benchmark run's own database and Redis prefix, named by a run id so runs never share state; `db` is the
 * bench's own pool on it (2 connections unless the bench reads in parallel).
 */
export async function startBenchRun(pool: Parameters<typeof createDb>[1] = { maxConnections: 2 }) {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = await createTestDatabase(`cxloop_bench_${runId}`);
  return {
    runId,
    redisPrefix: `cxbench:${runId}`,
    database,
    db: createDb(database.url, pool),
  };
}
