import { createHash } from 'node:crypto';
import {
  type FeedbackBatchJob,
  type FeedbackRef,
  MAX_FEEDBACK_PER_JOB,
  queueNames,
  type ReanalyseTopicsJob,
  type ScoreJob,
} from '@cxloop/contracts';
import { type JobsOptions, Queue, type QueueOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { receivedBetweenOf, refsByOrganisation } from './feedback-jobs.js';
import type { Logger } from './logger.js';
import { PeriodicFlush } from './periodic-flush.js';
import { withTimeout } from './timeout.js';

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

/**
 * Lock settings of the analysis and aggregate workers. A worker killed mid-batch leaves its job active until
 * the job's lock expires and a stalled check moves it back; the sweeper cannot hurry it, since it enqueues
 * the same feedback under the same job id. With BullMQ's defaults (30 s lock, checked every 30 s) such a batch
 * came back after 60 s, with these after 10 s (`node --import tsx test/bench/stalled-recovery.ts`; in CI the
 * fault suite's first checkpoint had waited 59.6 s, and about 30 s judged by the rows counted meanwhile).
 * A batch takes milliseconds and the lock is renewed every 5 s, so only a worker that stops renewing (killed,
 * or its event loop blocked for 10 s) loses one.
 */
export const batchWorkerLocks = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

function queueOptions(settings: QueueSettings): QueueOptions {
  return { connection: settings.connection, prefix: settings.prefix };
}

export type AnalyzeQueue = Queue<FeedbackBatchJob>;

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
  return new Queue<FeedbackBatchJob>(queueNames.analyze, queueOptions(settings));
}

/**
 * A batch's job id. A batch of one keeps the feedback id, as jobs did before batching; a larger batch is
 * named by a digest of its sorted ids, so the same set enqueued again (the sweeper's next pass over an
 * unchanged backlog) is ignored by BullMQ while the first job exists.
 */
export function feedbackBatchJobId(job: FeedbackBatchJob): string {
  if (job.feedbackIds.length === 1) return job.feedbackIds[0]!;
  const digest = createHash('sha256')
    .update([...job.feedbackIds].sort().join(','))
    .digest('base64url');
  return `batch-${digest}`;
}

/** The jobs that carry `refs`: one per organisation and run of at most MAX_FEEDBACK_PER_JOB ids. */
export function feedbackBatches(refs: readonly FeedbackRef[]): FeedbackBatchJob[] {
  const batches: FeedbackBatchJob[] = [];
  for (const [orgId, orgRefs] of refsByOrganisation(refs)) {
    for (let start = 0; start < orgRefs.length; start += MAX_FEEDBACK_PER_JOB) {
      const slice = orgRefs.slice(start, start + MAX_FEEDBACK_PER_JOB);
      const receivedBetween = receivedBetweenOf(slice);
      batches.push({
        orgId,
        feedbackIds: slice.map((ref) => ref.feedbackId),
        ...(receivedBetween ? { receivedBetween } : {}),
      });
    }
  }
  return batches;
}

async function enqueueFeedbackBatches(
  queue: Queue<FeedbackBatchJob>,
  name: string,
  options: JobsOptions,
  refs: readonly FeedbackRef[],
): Promise<void> {
  if (refs.length === 0) return;
  await queue.addBulk(
    feedbackBatches(refs).map((data) => ({
      name,
      data,
      opts: { ...options, jobId: feedbackBatchJobId(data) },
    })),
  );
}

/**
 * Moves back to waiting, with their attempts reset, the jobs that would carry `refs` but failed for good.
 * BullMQ ignores an add under the id of a job it still holds, and failed jobs are kept for inspection, so
 * without this a feedback whose job failed through a long outage (PostgreSQL away for longer than the
 * retries last) would never be offered again. For the sweeper, whose rows are still unfinished in
 * PostgreSQL; returns how many jobs it revived.
 */
export async function reviveFailedBatches(
  queue: Queue<FeedbackBatchJob>,
  refs: readonly FeedbackRef[],
): Promise<number> {
  let revived = 0;
  for (const batch of feedbackBatches(refs)) {
    const job = await queue.getJob(feedbackBatchJobId(batch));
    if (job && (await job.isFailed())) {
      await job.retry('failed', { resetAttemptsMade: true });
      revived += 1;
    }
  }
  return revived;
}

/** Enqueues analysis for stored feedback, in batches (`feedbackBatches`). */
export function enqueueAnalysis(queue: AnalyzeQueue, refs: readonly FeedbackRef[]): Promise<void> {
  return enqueueFeedbackBatches(queue, 'analyze', analyzeJobOptions, refs);
}

/** How long hand-offs gather before they are enqueued: jobs of many feedback instead of one or two each. */
const HAND_OFF_LINGER_MS = 20;
/** Hand-offs held at most while Redis is slow or away; beyond, they are left to the sweeper. */
const HAND_OFF_MAX_PENDING = 100_000;
/** How long one enqueue may take before its feedback is left to the sweeper. */
const HAND_OFF_TIMEOUT_MS = 2_000;

/**
 * Hands stored feedback to analysis without making the caller wait for Redis. Feedback handed over within
 * HAND_OFF_LINGER_MS is enqueued together, so a busy API sends jobs of up to MAX_FEEDBACK_PER_JOB
 * feedback rather than a job per delivery (each job costs Redis and the workers a fixed amount whatever it
 * carries). Nothing here is the record: the rows are committed before they are handed over, and what
 * never reaches Redis (an outage, a crash, more than HAND_OFF_MAX_PENDING waiting) is enqueued by the
 * sweeper after its grace period.
 */
export class AnalysisHandOff {
  #pending: FeedbackRef[] = [];
  #dropped = 0;
  readonly #flusher = new PeriodicFlush(HAND_OFF_LINGER_MS, () => this.#send());

  constructor(
    private readonly queue: AnalyzeQueue,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly maxPending = HAND_OFF_MAX_PENDING,
  ) {}

  handOff(refs: readonly FeedbackRef[]): void {
    if (refs.length === 0) return;
    if (this.#pending.length + refs.length > this.maxPending) {
      this.#dropped += refs.length;
      return;
    }
    this.#pending.push(...refs);
    this.#flusher.schedule();
  }

  /** Enqueues everything handed over so far (shutdown), resolving once Redis took it or gave up. */
  flush(): Promise<void> {
    return this.#flusher.flush();
  }

  async #send(): Promise<void> {
    const refs = this.#pending;
    this.#pending = [];
    const dropped = this.#dropped;
    this.#dropped = 0;
    if (dropped > 0) {
      this.log.warn({ count: dropped }, 'analysis hand-offs over the limit; the sweeper will enqueue these');
    }
    if (refs.length === 0) return;
    await withTimeout(enqueueAnalysis(this.queue, refs), HAND_OFF_TIMEOUT_MS, 'enqueue').catch(
      (error: unknown) => {
        this.log.warn({ err: error, count: refs.length }, 'enqueue failed; the sweeper will pick these up');
      },
    );
  }
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

export type AggregateQueue = Queue<FeedbackBatchJob>;
export type ScoreQueue = Queue<ScoreJob>;

export function createAggregateQueue(settings: QueueSettings): AggregateQueue {
  return new Queue<FeedbackBatchJob>(queueNames.aggregate, queueOptions(settings));
}

export function createScoreQueue(settings: QueueSettings): ScoreQueue {
  return new Queue<ScoreJob>(queueNames.score, queueOptions(settings));
}

export type ReanalysisQueue = Queue<ReanalyseTopicsJob>;

export function createReanalysisQueue(settings: QueueSettings): ReanalysisQueue {
  return new Queue<ReanalyseTopicsJob>(queueNames.reanalyseTopics, queueOptions(settings));
}

/**
 * Asks for an organisation's history to be brought to a taxonomy version. The run's row in Postgres is the
 * record (saved with the taxonomy); this job only wakes a worker, and the analysis worker re-offers unfinished
 * runs when it starts, so a lost job delays the run and never drops it. Pages commit as they go: a retry
 * resumes where the last attempt stopped.
 */
export async function enqueueTopicReanalysis(
  queue: ReanalysisQueue,
  orgId: string,
  taxonomyVersion: number,
): Promise<void> {
  await queue.add(
    'reanalyse-topics',
    { orgId, taxonomyVersion },
    {
      jobId: `${orgId}-v${taxonomyVersion}`,
      attempts: 10,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3_600 },
    },
  );
}

/**
 * Enqueues the rollup increments of analysed feedback, in batches (`feedbackBatches`); counting twice is
 * prevented in Postgres by the aggregated marker.
 */
export function enqueueAggregation(queue: AggregateQueue, refs: readonly FeedbackRef[]): Promise<void> {
  return enqueueFeedbackBatches(queue, 'aggregate', aggregateJobOptions, refs);
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
