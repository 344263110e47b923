import { sql } from 'kysely';
import type { Db } from './connection.js';

/**
 * Live feedback lands on today's rollup rows; rows of older days change only when feedback received back
 * then is counted late (an import, a backfill, a job retried after midnight). A recompute may therefore keep
 * its window sums over "settled" days between recomputes and read only the last days live, as long as the
 * organisation's settled-rollup revision has not moved: whatever counts feedback into a settled day moves it
 * in the same transaction.
 *
 * Writers and readers draw the line on their own clocks, with two days between them: a writer moves the
 * revision for any day before yesterday, a reader keeps sums only up to three days ago. Clocks less than a
 * day apart can therefore never leave a reader holding a sum that a writer changed without moving the
 * revision.
 */

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of a moment in UTC: the day rollups file feedback under. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Days before this one (UTC) count as settled for a writer at `now`. */
export function settledForWriterBefore(now: Date): string {
  return utcDay(new Date(now.getTime() - DAY_MS));
}

/** The last day (UTC) a reader at `now` may keep sums for. */
export function settledForReaderThrough(now: Date): string {
  return utcDay(new Date(now.getTime() - 3 * DAY_MS));
}

/** Records, in the writer's transaction, that the organisation's settled rollup rows changed. */
export async function reviseSettledRollups(trx: Db, orgId: string): Promise<void> {
  await sql`update organisations set settled_rollup_revision = settled_rollup_revision + 1
    where id = ${orgId}`.execute(trx);
}

/** The organisation's settled-rollup revision; read it before the sums it guards. */
export async function settledRollupRevision(db: Db, orgId: string): Promise<string> {
  const row = await db
    .selectFrom('organisations')
    .select('settled_rollup_revision')
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row?.settled_rollup_revision ?? '0';
}
