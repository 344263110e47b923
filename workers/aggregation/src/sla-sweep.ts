import {
  type Db,
  escalateSlaBreaches,
  listStalledOutboundMessages,
  type MaintenanceTask,
  runMaintenanceTask,
} from '@cxloop/db';
import { enqueueOutbound, type OutboundQueue, requestScoreRecompute, type ScoreQueue } from '@cxloop/runtime';

/** The lock id is shared by every replica, so one sweeps while the others skip. */
export const SLA_SWEEP: MaintenanceTask = { lockKey: 0x6378_0002, name: 'sla-sweep' };

export interface SlaSweepDeps {
  db: Db;
  outboundQueue: OutboundQueue;
  scoreQueue: ScoreQueue;
}

export interface SlaSweepOptions {
  now: Date;
  batchSize: number;
  /** How long an outbound message may stay pending before it is assumed lost from Redis. */
  outboundGraceSeconds: number;
}

export type SlaSweepOutcome =
  | { ran: false }
  | { ran: true; escalated: number; notices: number; outboundRequeued: number };

/**
 * Marks every open case whose first-response or resolution deadline has passed at `now` as breached and
 * escalates it (priority up, audit event, notice to the organisation's escalation webhook), each deadline
 * once. Runs on a timer under a Postgres advisory lock rather than as a repeatable BullMQ job, so a Redis
 * flush cannot stop it; for the same reason it also re-enqueues outbound messages stuck in `pending`.
 * The clock is a parameter, so tests decide what is overdue.
 */
export async function sweepSlaBreaches(
  deps: SlaSweepDeps,
  options: SlaSweepOptions,
): Promise<SlaSweepOutcome> {
  return runMaintenanceTask(deps.db, SLA_SWEEP, async () => {
    let escalated = 0;
    let notices = 0;
    const orgIds = new Set<string>();
    for (;;) {
      const batch = await escalateSlaBreaches(deps.db, options.now, options.batchSize);
      const queued = batch.flatMap((e) => (e.messageId ? [{ messageId: e.messageId, orgId: e.orgId }] : []));
      await enqueueOutbound(deps.outboundQueue, queued);
      for (const escalation of batch) orgIds.add(escalation.orgId);
      escalated += batch.length;
      notices += queued.length;
      if (batch.length < options.batchSize) break;
    }
    for (const orgId of orgIds) await requestScoreRecompute(deps.scoreQueue, orgId);

    let outboundRequeued = 0;
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await listStalledOutboundMessages(deps.db, {
        graceSeconds: options.outboundGraceSeconds,
        now: options.now,
        limit: options.batchSize,
        ...(after ? { after } : {}),
      });
      await enqueueOutbound(
        deps.outboundQueue,
        page.map((row) => ({ messageId: row.id, orgId: row.org_id })),
      );
      outboundRequeued += page.length;
      const last = page.at(-1);
      if (!last || page.length < options.batchSize) break;
      after = { createdAt: last.created_at, id: last.id };
    }
    return { escalated, notices, outboundRequeued };
  });
}
