import { type AggregateJob, queueNames, type ScoreJob } from '@cxloop/contracts';
import type { Db } from '@cxloop/db';
import type { Logger, ScoreQueue } from '@cxloop/runtime';
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
  staffEvidence?: StaffEvidence;
  logger: Logger;
}

export interface AggregationWorkers {
  aggregate: Worker<AggregateJob, AggregateResult>;
  score: Worker<ScoreJob, ScoreResult>;
  close(): Promise<void>;
}

/** Starts consuming `aggregate` (rollup increments) and `score` (recomputes). */
export function startAggregationWorkers(options: AggregationWorkerOptions): AggregationWorkers {
  const aggregate = new Worker<AggregateJob, AggregateResult>(
    queueNames.aggregate,
    createAggregateProcessor(options),
    { connection: options.connection, prefix: options.prefix, concurrency: options.aggregateConcurrency },
  );
  const score = new Worker<ScoreJob, ScoreResult>(
    queueNames.score,
    createScoreProcessor({
      db: options.db,
      redis: options.redis,
      prefix: options.prefix,
      ...(options.staffEvidence ? { staffEvidence: options.staffEvidence } : {}),
    }),
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
