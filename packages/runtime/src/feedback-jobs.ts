import {
  type FeedbackBatchJob,
  FeedbackJobPayload,
  type FeedbackRef,
  type ReceivedBetween,
  spanOf,
  type TimeSpan,
} from '@cxloop/contracts';
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

/** Feedback grouped by organisation, each group in the order given. */
export function refsByOrganisation(refs: readonly FeedbackRef[]): Map<string, FeedbackRef[]> {
  const byOrg = new Map<string, FeedbackRef[]>();
  for (const ref of refs) {
    const group = byOrg.get(ref.orgId);
    if (group) group.push(ref);
    else byOrg.set(ref.orgId, [ref]);
  }
  return byOrg;
}

/** The receipt times that cover every ref's range, or undefined when any ref's is unknown. */
export function receivedSpanOf(refs: readonly FeedbackRef[]): TimeSpan | undefined {
  return spanOf(
    refs.flatMap(({ receivedBetween }) =>
      receivedBetween ? [new Date(receivedBetween[0]), new Date(receivedBetween[1])] : [undefined],
    ),
  );
}

/** `receivedSpanOf` as a job carries it. */
export function receivedBetweenOf(refs: readonly FeedbackRef[]): ReceivedBetween | undefined {
  const span = receivedSpanOf(refs);
  return span && [span[0].toISOString(), span[1].toISOString()];
}

/** A feedback's receipt time as the one-point range a ref carries. */
export function receivedAtPoint(receivedAt: Date): ReceivedBetween {
  const iso = receivedAt.toISOString();
  return [iso, iso];
}

/**
 * Runs a batch of feedback jobs one organisation at a time (every repository call is scoped to one
 * organisation) and puts the outcomes back in the order of `jobs`. `commitOrganisation` returns one outcome
 * per id, in the order of the ids it was given; it also gets the receipt range of those ids when known.
 */
export async function perOrganisation<Outcome>(
  jobs: readonly FeedbackRef[],
  commitOrganisation: (
    orgId: string,
    feedbackIds: string[],
    received: TimeSpan | undefined,
  ) => Promise<readonly Outcome[]>,
): Promise<Outcome[]> {
  const outcomes = new Map<string, Outcome>();
  for (const [orgId, refs] of refsByOrganisation(jobs)) {
    const ids = refs.map((ref) => ref.feedbackId);
    const settled = await commitOrganisation(orgId, ids, receivedSpanOf(refs));
    for (const [index, id] of ids.entries()) outcomes.set(`${orgId}/${id}`, settled[index]!);
  }
  return jobs.map((job) => outcomes.get(`${job.orgId}/${job.feedbackId}`)!);
}
