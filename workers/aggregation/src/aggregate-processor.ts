import { AggregateJob } from '@cxloop/contracts';
import { countFeedbackIntoRollups, type Db } from '@cxloop/db';
import { requestScoreRecompute, type ScoreQueue } from '@cxloop/runtime';
import { type Job, UnrecoverableError } from 'bullmq';

export interface AggregateResult {
  feedbackId: string;
  counted: boolean;
}

/**
 * The `aggregate` job: count one analysed feedback into the rollups (exactly once, see
 * `countFeedbackIntoRollups`), then ask for the organisation's scores to be recomputed. The recompute is
 * requested on redelivery too: if the first attempt committed and then lost Redis before asking, the repeat
 * must still ask; the request is deduplicated per organisation anyway.
 *
 * @example new Worker(queueNames.aggregate, createAggregateProcessor({ db, scoreQueue }), { connection, prefix });
 */
export function createAggregateProcessor(deps: { db: Db; scoreQueue: ScoreQueue; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return async (job: Job<AggregateJob>): Promise<AggregateResult> => {
    const payload = AggregateJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid aggregate payload: ${payload.error.message}`);
    const { feedbackId, orgId } = payload.data;
    const outcome = await countFeedbackIntoRollups(deps.db, orgId, feedbackId, now());
    await requestScoreRecompute(deps.scoreQueue, orgId);
    return { feedbackId, counted: outcome.counted };
  };
}
