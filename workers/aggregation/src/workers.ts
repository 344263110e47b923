import { setTimeout } from 'node:timers/promises';
import { type FeedbackBatchJob, queueNames, type ScoreJob } from '@cxloop/contracts';
import type { Db } from '@cxloop/db';
import { batchWorkerLocks, type Logger, type ScoreQueue } from '@cxloop/runtime';
import { Worker } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { type AggregateResult, createAggregateProcessor } from './aggregate-processor.js';
import { createScoreProcessor, type ScoreResult, type StaffEvidence } from './score-processor.js';

export interface AggregationWorkerOptions {
  db: Db;
  scoreQueue: ScoreQueue;
  /** Publishes score changes; a normal (non-blocking) client. */
  redis: Redis;
  connection: RedisOptions;
  prefix: string;
  aggregateConcurrency: number;
  /** Recomputes of different organisations at once; one organisation never runs two (deduplication). */
  scoreConcurrency: number;
  /**
   * How long a finished recompute keeps its organisation's slot: requests arriving meanwhile are parked as
   * one next recompute (deduplication keeps the last while one is active), so a steady stream of evidence
   * recomputes an organisation about once per recompute + cooldown instead of back to back.
   */
  scoreCooldownMs: number;
  staffEvidence?: StaffEvidence;
  logger: Logger;
}

export interface AggregationWorkers {
  aggregate: Worker<FeedbackBatchJob, AggregateResult>;
  score: Worker<ScoreJob, ScoreResult>;
  close(): Promise<void>;
}

/** Starts consuming `aggregate` (rollup increments) and `score` (recomputes). */
export function startAggregationWorkers(options: AggregationWorkerOptions): AggregationWorkers {
  const aggregate = new Worker<FeedbackBatchJob, AggregateResult>(
    queueNames.aggregate,
    createAggregateProcessor(options),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.aggregateConcurrency,
      ...batchWorkerLocks,
    },
  );
  const recompute = createScoreProcessor({
    db: options.db,
    redis: options.redis,
    prefix: options.prefix,
    ...(options.staffEvidence ? { staffEvidence: options.staffEvidence } : {}),
  });
  const score = new Worker<ScoreJob, ScoreResult>(
    queueNames.score,
    async (job) => {
      const result = await recompute(job);
      // The score is written and published already; only the next recompute of this organisation waits.
      await setTimeout(options.scoreCooldownMs);
      return result;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.scoreConcurrency },
  );
  for (const [name, worker] of [
    ['aggregate', aggregate],
    ['score', score],
  ] as const) {
    worker.on('failed', (job, error) =>
      options.logger.warn(
        { err: error, jobId: job?.id, attempt: job?.attemptsMade, queue: name },
        `${name} job failed`,
      ),
    );
    worker.on('error', (error) => options.logger.error({ err: error, queue: name }, `${name} worker error`));
  }
  return {
    aggregate,
    score,
    async close() {
      await Promise.all([aggregate.close(), score.close()]);
    },
  };
}
