import { type AnalyzeJob, queueNames } from '@cxloop/contracts';
import { type Db, markFeedbackFailed } from '@cxloop/db';
import type { AggregateQueue, Logger } from '@cxloop/runtime';
import { Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { type AnalyzeResult, createAnalyzeProcessor } from './processor.js';

export interface AnalysisWorkerOptions {
  db: Db;
  /** Where analysed feedback goes next: counted into the rollups. */
  aggregateQueue: AggregateQueue;
  connection: RedisOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
}

/**
 * Starts consuming `analyze`. When a job has failed for the last time its feedback is marked `failed`, so
 * the sweeper stops offering it and the failure is visible on the row as well as in the queue.
 */
export function startAnalysisWorker(options: AnalysisWorkerOptions): Worker<AnalyzeJob, AnalyzeResult> {
  const worker = new Worker<AnalyzeJob, AnalyzeResult>(queueNames.analyze, createAnalyzeProcessor(options), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const log = options.logger.child({ jobId: job.id, attempt: job.attemptsMade });
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn({ err: error, final }, 'analysis failed');
    if (final) {
      markFeedbackFailed(options.db, job.data.orgId, job.data.feedbackId).catch((markError: unknown) =>
        log.error({ err: markError }, 'could not mark feedback failed'),
      );
    }
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'analysis worker error'));
  return worker;
}
