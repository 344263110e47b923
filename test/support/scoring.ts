import { createScoreProcessor } from '@cxloop/aggregation-worker';
import type { ScoreJob } from '@cxloop/contracts';
import { type CurrentScore, ENTERPRISE_SCOPE, findCurrentScore } from '@cxloop/db';
import { redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startTestApi, type TestApi } from './fixtures.js';
import { redisUrl } from './redis.js';

/** A test API and a Redis client for the score worker, started before the file's tests and closed after. */
export interface ScoringContext {
  api: TestApi;
  redis: Redis;
}

export function useScoringContext(): ScoringContext {
  const context = {} as ScoringContext;
  beforeAll(async () => {
    context.api = await startTestApi();
    context.redis = new Redis(redisOptions(redisUrl));
  });
  afterAll(async () => {
    context.redis.disconnect();
    await context.api.close();
  });
  return context;
}

/** Runs the score worker once for an organisation (as of `now`) and returns its enterprise score row. */
export async function scoreOrganisation(
  context: ScoringContext,
  orgId: string,
  now?: Date,
): Promise<CurrentScore> {
  const { api, redis } = context;
  const score = createScoreProcessor({
    db: api.db,
    redis,
    prefix: api.prefix,
    ...(now ? { now: () => now } : {}),
  });
  await score({ data: { orgId } } as Job<ScoreJob>);
  return (await findCurrentScore(api.db, orgId, ENTERPRISE_SCOPE))!;
}
