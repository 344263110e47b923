import type { FeedbackRef } from '@cxloop/contracts';
import {
  type Db,
  ensureFeedbackPartitions,
  flushWaitingResponseBatches,
  listFeedbackAwaiting,
  type MaintenanceTask,
  type PipelineStage,
  runMaintenanceTask,
  type StageCursor,
} from '@cxloop/db';
import {
  type AggregateQueue,
  type AnalyzeQueue,
  enqueueAggregation,
  enqueueAnalysis,
  receivedAtPoint,
  reviveFailedBatches,
} from '@cxloop/runtime';

/** The lock id is shared by every replica, so one sweeps while the others skip. */
export const SWEEPER: MaintenanceTask = { lockKey: 0x6378_0001, name: 'analysis-sweeper' };

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
 * feedback has its partitions for this month and the next two, and writes staff-survey batches left waiting.
 */
export async function sweepUnfinishedFeedback(
  deps: { db: Db; analyzeQueue: AnalyzeQueue; aggregateQueue: AggregateQueue },
  options: SweepOptions,
): Promise<SweepOutcome> {
  const outcome = await runMaintenanceTask(deps.db, SWEEPER, async () => {
    const analysis = await drain(deps.db, 'analysis', options, async (refs) => {
      await reviveFailedBatches(deps.analyzeQueue, refs);
      await enqueueAnalysis(deps.analyzeQueue, refs);
    });
    const aggregation = await drain(deps.db, 'aggregation', options, async (refs) => {
      await reviveFailedBatches(deps.aggregateQueue, refs);
      await enqueueAggregation(deps.aggregateQueue, refs);
    });
    const partitionsCreated = await ensureFeedbackPartitions(deps.db);
    // Staff answers a crash left in the buffer with k or more waiting; the stale-score sweep scores them.
    const staffResponsesWritten = await flushWaitingResponseBatches(deps.db);
    return { analysis, aggregation, partitionsCreated, staffResponsesWritten };
  });
  // Partitions are recorded with the run; callers want what was re-enqueued.
  return outcome.ran ? { ran: true, analysis: outcome.analysis, aggregation: outcome.aggregation } : outcome;
}
