import type { FeedbackBatchJob } from '@cxloop/contracts';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { testRedisUrl } from './service-addresses.js';

export const redisUrl = testRedisUrl();

/**
 * Deletes every key under `prefix`: what a FLUSHALL does to one deployment, without touching the keys of
 * other test runs sharing the server.
 */
export async function flushRedisPrefix(prefix: string, url = redisUrl): Promise<number> {
  const redis = new Redis(url);
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** Feedback ids carried by jobs not yet taken by a worker. */
export async function queuedFeedbackIds(queue: Queue<FeedbackBatchJob>): Promise<Set<string>> {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
  return new Set(jobs.flatMap((job) => job.data.feedbackIds));
}

/** Waits until the API's hand-off (which enqueues behind its answers) has queued `feedbackId` for analysis. */
export async function expectQueuedForAnalysis(
  queue: Queue<FeedbackBatchJob>,
  feedbackId: string,
): Promise<void> {
  await expect
    .poll(async () => (await queuedFeedbackIds(queue)).has(feedbackId), { timeout: 2_000 })
    .toBe(true);
}
