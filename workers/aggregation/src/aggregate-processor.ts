import type { FeedbackBatchJob, FeedbackRef } from '@cxloop/contracts';
import { countFeedbackBatchIntoRollups, type Db } from '@cxloop/db';
import {
  type FeedbackBatchOutcome,
  feedbackBatchOf,
  GroupCommit,
  perOrganisation,
  processFeedbackBatch,
  requestScoreRecompute,
  type ScoreQueue,
} from '@cxloop/runtime';
import type { Job } from 'bullmq';

/** The outcome of one feedback of an `aggregate` job. */
export interface FeedbackCounted {
  feedbackId: string;
  counted: boolean;
}

export type AggregateResult = FeedbackBatchOutcome<FeedbackCounted>;

/** Feedback whose increments share one transaction at most. */
const MAX_BATCH = 256;

/**
 * The `aggregate` job: count a batch of analysed feedback into the rollups (exactly once, see
 * `countFeedbackBatchIntoRollups`), then ask for the organisation's scores to be recomputed. The jobs the
 * worker runs at once are counted together (GroupCommit): one transaction per organisation per batch, with
 * the increments summed per rollup row, so hot rows (today's, the busiest channel's) are written once per
 * batch instead of once per feedback. The recompute is requested on redelivery too: if the first attempt
 * committed and then lost Redis before asking, the repeat must still ask; the request is deduplicated per
 * organisation anyway.
 *
 * @example new Worker(queueNames.aggregate, createAggregateProcessor({ db, scoreQueue }), { connection, prefix, concurrency: 256 });
 */
export function createAggregateProcessor(deps: { db: Db; scoreQueue: ScoreQueue; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const batches = new GroupCommit<FeedbackRef, FeedbackCounted>({
    maxBatch: MAX_BATCH,
    maxInFlight: 1,
    commit: (refs) =>
      perOrganisation(refs, async (orgId, ids, received) => {
        const outcomes = await countFeedbackBatchIntoRollups(deps.db, orgId, ids, now(), received);
        await requestScoreRecompute(deps.scoreQueue, orgId);
        return outcomes.map((outcome, index) => ({
          status: 'fulfilled' as const,
          value: { feedbackId: ids[index]!, counted: outcome.counted },
        }));
      }),
  });
  return (job: Job<FeedbackBatchJob>): Promise<AggregateResult> =>
    processFeedbackBatch(feedbackBatchOf(job.data, 'aggregate'), (ref) => batches.submit(ref));
}
