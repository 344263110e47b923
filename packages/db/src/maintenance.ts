import { sql } from 'kysely';
import type { Db } from './connection.js';

/** A periodic task that runs in one worker replica at a time: its advisory lock and its name in `maintenance_runs`. */
export interface MaintenanceTask {
  lockKey: number;
  name: string;
}

/**
 * Runs a periodic task (sweeper, SLA sweep, score refresh) only if no other process holds its advisory lock
 * right now, so several worker replicas can all schedule it while one does it, and records when it ran and
 * what it did, for `doctor` and /readyz. Returns that result, or `{ ran: false }` when another replica held
 * the lock.
 */
export async function runMaintenanceTask<Result extends Record<string, unknown>>(
  db: Db,
  task: MaintenanceTask,
  work: () => Promise<Result>,
): Promise<({ ran: true } & Result) | { ran: false }> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(${task.lockKey}) as locked`.execute(conn);
    if (!rows[0]?.locked) return { ran: false as const };
    try {
      const result = await work();
      await db
        .insertInto('maintenance_runs')
        .values({ task: task.name, last_run_at: sql<Date>`now()`, last_result: JSON.stringify(result) })
        .onConflict((oc) =>
          oc
            .column('task')
            .doUpdateSet({ last_run_at: sql<Date>`now()`, last_result: JSON.stringify(result) }),
        )
        .execute();
      return { ran: true as const, ...result };
    } finally {
      await sql`select pg_advisory_unlock(${task.lockKey})`.execute(conn);
    }
  });
}

/**
 * Creates the partitions of `feedback` for this UTC month and the next `monthsAhead` where missing (see
 * the feedback_by_month migration); returns how many it created. Cheap when they exist, so the sweeper
 * calls it on every pass.
 */
export async function ensureFeedbackPartitions(db: Db, monthsAhead = 2): Promise<number> {
  const { rows } = await sql<{
    created: number;
  }>`select cxloop_ensure_feedback_partitions(${monthsAhead}::int) as created`.execute(db);
  return rows[0]?.created ?? 0;
}
