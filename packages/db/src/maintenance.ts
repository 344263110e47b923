import { sql } from 'kysely';
import type { Db } from './connection.js';

/** Records when a periodic task (sweeper, SLA sweep) last ran and what it did, for `doctor` and /readyz. */
export async function recordMaintenanceRun(db: Db, task: string, result: Record<string, unknown>) {
  await db
    .insertInto('maintenance_runs')
    .values({ task, last_run_at: sql<Date>`now()`, last_result: JSON.stringify(result) })
    .onConflict((oc) =>
      oc.column('task').doUpdateSet({ last_run_at: sql<Date>`now()`, last_result: JSON.stringify(result) }),
    )
    .execute();
}

/**
 * Runs `task` only if no other process holds the same advisory lock right now, so several worker replicas
 * can all schedule a sweep while one does it.
 */
export async function withExclusiveLock<T>(db: Db, lockKey: number, task: () => Promise<T>) {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(${lockKey}) as locked`.execute(conn);
    if (!rows[0]?.locked) return { ran: false as const };
    try {
      return { ran: true as const, value: await task() };
    } finally {
      await sql`select pg_advisory_unlock(${lockKey})`.execute(conn);
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
