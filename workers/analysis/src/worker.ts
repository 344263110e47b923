import { type FeedbackBatchJob, FeedbackJobPayload, queueNames } from '@cxloop/contracts';
import { type Db, markFeedbackFailed } from '@cxloop/db';
import { type AggregateQueue, batchWorkerLocks, type Logger } from '@cxloop/runtime';
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
 * Starts consuming `analyze`. When a job has failed for the last time, its feedback not yet analysed is
 * marked `failed`, so the sweeper stops offering it and the failure is visible on the rows as well as in the
 * queue.
 */
export function startAnalysisWorker(options: AnalysisWorkerOptions): Worker<FeedbackBatchJob, AnalyzeResult> {
  const worker = new Worker<FeedbackBatchJob, AnalyzeResult>(
    queueNames.analyze,
    createAnalyzeProcessor(options),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      ...batchWorkerLocks,
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    const log = options.logger.child({ jobId: job.id, attempt: job.attemptsMade });
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn({ err: error, final }, 'analysis failed');
    if (final) {
      const payload = FeedbackJobPayload.safeParse(job.data);
      if (!payload.success) return;
      markFeedbackFailed(options.db, payload.data.orgId, payload.data.feedbackIds).catch(
        (markError: unknown) => log.error({ err: markError }, 'could not mark feedback failed'),
      );
    }
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'analysis worker error'));
  return worker;
}
