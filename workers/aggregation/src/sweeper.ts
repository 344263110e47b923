import type { FeedbackRef } from '@cxloop/contracts';
import {
  type Db,
  ensureFeedbackPartitions,
  listFeedbackAwaiting,
  type PipelineStage,
  recordMaintenanceRun,
  type StageCursor,
  withExclusiveLock,
} from '@cxloop/db';
import {
  type AggregateQueue,
  type AnalyzeQueue,
  enqueueAggregation,
  enqueueAnalysis,
  receivedAtPoint,
  reviveFailedBatches,
} from '@cxloop/runtime';

/** Advisory lock id shared by every replica, so one sweeps while the others skip. */
const SWEEPER_LOCK = 0x6378_0001;
export const SWEEPER_TASK = 'analysis-sweeper';

export interface SweepOptions {
  /** How old an unfinished row must be before it is assumed lost from Redis rather than still queued. */
  graceSeconds: number;
  pageSize: number;
}

export type SweepOutcome = { ran: false } | { ran: true; analysis: number; aggregation: number };

/** Walks every page of a stage's backlog once, handing each page to `enqueue`; returns the rows seen. */
async function drain(
  db: Db,
  stage: PipelineStage,
  options: SweepOptions,
  enqueue: (refs: FeedbackRef[]) => Promise<void>,
): Promise<number> {
  let total = 0;
  let after: StageCursor | undefined;
  do {
    const page = await listFeedbackAwaiting(db, stage, {
      graceSeconds: options.graceSeconds,
      limit: options.pageSize,
      after,
    });
    await enqueue(
      page.rows.map((row) => ({
        feedbackId: row.id,
        orgId: row.org_id,
        receivedBetween: receivedAtPoint(row.received_at),
      })),
    );
    total += page.rows.length;
    after = page.next;
  } while (after !== undefined);
  return total;
}

/**
 * Re-enqueues every feedback row that is stuck between stages (DESIGN invariant 1: Redis is delivery,
 * Postgres the record): accepted but not analysed, and analysed but not counted into rollups, each
 * older than `graceSeconds`. A page enqueued again while its job still waits is left alone by BullMQ (the
 * job id derives from the ids), so sweeping a healthy system only costs the two index scans; a job that
 * failed for good under the same id is retried instead (`reviveFailedBatches`). Each pass also makes sure
 * feedback has its partitions for this month and the next two.
 */
export async function sweepUnfinishedFeedback(
  deps: { db: Db; analyzeQueue: AnalyzeQueue; aggregateQueue: AggregateQueue },
  options: SweepOptions,
): Promise<SweepOutcome> {
  const outcome = await withExclusiveLock(deps.db, SWEEPER_LOCK, async () => {
    const analysis = await drain(deps.db, 'analysis', options, async (refs) => {
      await reviveFailedBatches(deps.analyzeQueue, refs);
      await enqueueAnalysis(deps.analyzeQueue, refs);
    });
    const aggregation = await drain(deps.db, 'aggregation', options, async (refs) => {
      await reviveFailedBatches(deps.aggregateQueue, refs);
      await enqueueAggregation(deps.aggregateQueue, refs);
    });
    const partitionsCreated = await ensureFeedbackPartitions(deps.db);
    await recordMaintenanceRun(deps.db, SWEEPER_TASK, { analysis, aggregation, partitionsCreated });
    return { analysis, aggregation };
  });
  return outcome.ran ? { ran: true, ...outcome.value } : { ran: false };
}
