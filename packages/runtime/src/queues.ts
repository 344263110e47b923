import { type AggregateJob, type AnalyzeJob, queueNames, type ScoreJob } from '@cxloop/contracts';
import { Queue, type QueueOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { GroupCommit } from './group-commit.js';

export interface QueueSettings {
  connection: RedisOptions;
  prefix: string;
}

/** Retry policy of analysis: transient failures (database blip) retry with backoff; the last failure is kept. */
export const analyzeJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: false,
} as const;

function queueOptions(settings: QueueSettings): QueueOptions {
  return { connection: settings.connection, prefix: settings.prefix };
}

export type AnalyzeQueue = Queue<AnalyzeJob>;

/**
 * Closes a queue that may still be connecting. When close() runs before the connection has finished
 * initialising, BullMQ reports the aborted initialisation as an 'error' after close() removed every
 * listener, which crashes a short-lived process (a CLI run that enqueued nothing). Waiting for the
 * connection first, bounded because Redis may be down, lets close() quit cleanly.
 */
export async function closeQueue(queue: Queue, connectWaitMs = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, connectWaitMs);
  });
  await Promise.race([queue.waitUntilReady().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  await queue.close();
}

export function createAnalyzeQueue(settings: QueueSettings): AnalyzeQueue {
  return new Queue<AnalyzeJob>(queueNames.analyze, queueOptions(settings));
}

/**
 * Enqueues analysis for stored feedback. The job id is the feedback id, so a second enqueue of the same
 * feedback (redelivery, sweeper) is ignored by BullMQ while the first job exists.
 */
export async function enqueueAnalysis(queue: AnalyzeQueue, jobs: readonly AnalyzeJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await queue.addBulk(
    jobs.map((data) => ({ name: 'analyze', data, opts: { ...analyzeJobOptions, jobId: data.feedbackId } })),
  );
}

/**
 * `enqueueAnalysis` for many concurrent callers (the API's deliveries): jobs handed over while an enqueue
 * is in flight go out together in the next one, one Redis round trip for many deliveries. Each caller's
 * promise settles with the round trip that carried its jobs.
 */
export function batchedAnalysisEnqueue(queue: AnalyzeQueue): (jobs: readonly AnalyzeJob[]) => Promise<void> {
  const batches = new GroupCommit<readonly AnalyzeJob[], void>({
    maxBatch: 500,
    maxInFlight: 2,
    commit: async (groups) => {
      await enqueueAnalysis(queue, groups.flat());
      return groups.map(() => ({ status: 'fulfilled' as const, value: undefined }));
    },
  });
  return (jobs) => (jobs.length === 0 ? Promise.resolve() : batches.submit(jobs));
}

/** Rollup increments are one short transaction; retries cover a database blip. */
export const aggregateJobOptions = analyzeJobOptions;

/**
 * A recompute reads only rollups and small evidence tables, so retries are cheap; completed jobs are not
 * kept because the score history in Postgres is the record.
 */
export const scoreJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

export type AggregateQueue = Queue<AggregateJob>;
export type ScoreQueue = Queue<ScoreJob>;

export function createAggregateQueue(settings: QueueSettings): AggregateQueue {
  return new Queue<AggregateJob>(queueNames.aggregate, queueOptions(settings));
}

export function createScoreQueue(settings: QueueSettings): ScoreQueue {
  return new Queue<ScoreJob>(queueNames.score, queueOptions(settings));
}

/**
 * Enqueues the rollup increments of analysed feedback. The job id is the feedback id, so a second enqueue
 * is ignored while the first job exists; counting twice is prevented in Postgres by the aggregated marker.
 */
export async function enqueueAggregation(
  queue: AggregateQueue,
  jobs: readonly AggregateJob[],
): Promise<void> {
  if (jobs.length === 0) return;
  await queue.addBulk(
    jobs.map((data) => ({
      name: 'aggregate',
      data,
      opts: { ...aggregateJobOptions, jobId: data.feedbackId },
    })),
  );
}

/**
 * Asks for an organisation's scores to be recomputed. Every change of evidence calls this (new analysis
 * counted into rollups, a case transition, a staff survey response), as often as it likes.
 *
 * Debounce, per organisation: at most one recompute runs and at most one waits. BullMQ deduplication by
 * organisation id ignores a request while a recompute is already waiting (that one will see the new
 * evidence, because it reads evidence when it starts). With `keepLastIfActive`, a request arriving while a
 * recompute is running is parked in Redis and turned into the next job atomically when the running one
 * finishes, so evidence that landed after the running job read its inputs is never left unscored. A plain
 * job id would be silently ignored while the job is active, which is exactly that lost update.
 *
 * @example
 * await requestScoreRecompute(scoreQueue, orgId);
 */
export async function requestScoreRecompute(queue: ScoreQueue, orgId: string): Promise<void> {
  await queue.add(
    'score',
    { orgId },
    { ...scoreJobOptions, deduplication: { id: orgId, keepLastIfActive: true } },
  );
}
