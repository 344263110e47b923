import { type FeedbackBatchJob, FeedbackJobPayload, type FeedbackRef } from '@cxloop/contracts';
import { UnrecoverableError } from 'bullmq';

/** The batch a job carries; a malformed payload never gets better on retry, so it fails for good. */
export function feedbackBatchOf(data: unknown, queue: string): FeedbackBatchJob {
  const payload = FeedbackJobPayload.safeParse(data);
  if (!payload.success) throw new UnrecoverableError(`invalid ${queue} payload: ${payload.error.message}`);
  return payload.data;
}

/** How a batch job ended: the outcome of each feedback done, and the ids that can never be processed. */
export interface FeedbackBatchOutcome<Outcome> {
  done: Outcome[];
  missing: string[];
}

/**
 * Runs each feedback of a batch job through `run` (the worker's GroupCommit) and settles the job as a
 * whole. A retryable failure of any feedback fails the job, so BullMQ retries it; the feedback already
 * done is skipped then, each stage being idempotent per feedback. Feedback that can never succeed (its row
 * is gone: `UnrecoverableError`) is reported in `missing` instead of failing the rest; a job with nothing
 * else in it fails without retries.
 */
export async function processFeedbackBatch<Outcome>(
  job: FeedbackBatchJob,
  run: (ref: FeedbackRef) => Promise<Outcome>,
): Promise<FeedbackBatchOutcome<Outcome>> {
  const settled = await Promise.allSettled(
    job.feedbackIds.map((feedbackId) =>
      run({ feedbackId, orgId: job.orgId, receivedBetween: job.receivedBetween }),
    ),
  );
  const outcome: FeedbackBatchOutcome<Outcome> = { done: [], missing: [] };
  let unrecoverable: unknown;
  for (const [index, result] of settled.entries()) {
    if (result.status === 'fulfilled') {
      outcome.done.push(result.value);
    } else if (result.reason instanceof UnrecoverableError) {
      outcome.missing.push(job.feedbackIds[index]!);
      unrecoverable ??= result.reason;
    } else {
      throw result.reason;
    }
  }
  if (outcome.done.length === 0) throw unrecoverable;
  return outcome;
}
