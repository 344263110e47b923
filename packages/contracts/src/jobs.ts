import { z } from 'zod';

/** Queue names are part of the contract between the API and the workers. */
export const queueNames = {
  analyze: 'analyze',
  aggregate: 'aggregate',
  score: 'score',
  outbound: 'outbound',
  reanalyseTopics: 'reanalyse-topics',
} as const;

/**
 * Receipt times (ISO 8601) that a set of feedback lies between, both included. Feedback is partitioned by
 * month of receipt and keyed (id, received_at): a worker that knows the range reads only those months, where
 * a look-up by id alone probes every month.
 */
export const ReceivedBetween = z.tuple([z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true })]);
export type ReceivedBetween = z.infer<typeof ReceivedBetween>;

/** Two instants, both included: where a set of feedback was received, say. */
export type TimeSpan = readonly [from: Date, to: Date];

/** The earliest and the latest of `times`; undefined when any of them is unknown, or there are none. */
export function spanOf(times: Iterable<Date | undefined>): TimeSpan | undefined {
  let from: Date | undefined;
  let to: Date | undefined;
  for (const time of times) {
    if (time === undefined) return undefined;
    if (from === undefined || time < from) from = time;
    if (to === undefined || time > to) to = time;
  }
  return from && to ? [from, to] : undefined;
}

/** One feedback row of one organisation, as the API and the sweeper hand it to a queue. */
export interface FeedbackRef {
  feedbackId: string;
  orgId: string;
  /** Where its producer knew it: the feedback's receipt time, or the range of the job that carried it. */
  receivedBetween?: ReceivedBetween | undefined;
}

/**
 * Most feedback one `analyze` or `aggregate` job carries. Batching makes the queue's cost (a script run
 * in Redis, its bookkeeping in the producer and the worker) per batch instead of per feedback; the cap
 * keeps a retried job small.
 */
export const MAX_FEEDBACK_PER_JOB = 100;

/**
 * The payload of `analyze` (analyse committed feedback) and `aggregate` (count analysed feedback into the
 * rollups) jobs: feedback of one organisation. The job id derives from the ids (`feedbackBatchJobId`), so
 * enqueueing the same batch twice is a no-op; each stage is idempotent per feedback, so a feedback that is
 * in two batches (a sweeper pass over a backlog the API had enqueued) is still processed once.
 */
export const FeedbackBatchJob = z
  .object({
    orgId: z.uuid(),
    feedbackIds: z.array(z.uuid()).min(1).max(MAX_FEEDBACK_PER_JOB),
    /** Present when every feedback's receipt time was known to the producer. */
    receivedBetween: ReceivedBetween.optional(),
  })
  .strict();
export type FeedbackBatchJob = z.infer<typeof FeedbackBatchJob>;

/**
 * What a worker accepts: a batch, or the one-feedback payload of versions before batching, which may still
 * be queued in Redis while the workers are upgraded.
 */
export const FeedbackJobPayload = z.union([
  FeedbackBatchJob,
  z
    .object({ feedbackId: z.uuid(), orgId: z.uuid() })
    .strict()
    .transform(({ feedbackId, orgId }): FeedbackBatchJob => ({ orgId, feedbackIds: [feedbackId] })),
]);

/**
 * `score` job: recompute an organisation's scores (enterprise and every unit) from its current evidence.
 * Requests are deduplicated per organisation, so the payload carries only what identifies the recompute.
 */
export const ScoreJob = z.object({ orgId: z.uuid() }).strict();
export type ScoreJob = z.infer<typeof ScoreJob>;

/**
 * `reanalyse-topics` job: bring an organisation's stored analyses to a topic taxonomy version, in pages
 * (`topic_reanalysis_runs` holds its progress). The job id names organisation and version.
 */
export const ReanalyseTopicsJob = z
  .object({ orgId: z.uuid(), taxonomyVersion: z.number().int().min(1) })
  .strict();
export type ReanalyseTopicsJob = z.infer<typeof ReanalyseTopicsJob>;

/**
 * `outbound` job: deliver one stored outbound message (a reply to a customer, an escalation notice) as a
 * signed webhook. The job id is the message id; the message row holds the content and the delivery state.
 */
export const OutboundJob = z.object({ messageId: z.uuid(), orgId: z.uuid() }).strict();
export type OutboundJob = z.infer<typeof OutboundJob>;
