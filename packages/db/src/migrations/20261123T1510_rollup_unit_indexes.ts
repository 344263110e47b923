import { type Kysely, sql } from 'kysely';

/**
 * A unit's score reads only that unit's rollup rows. The rollups' unique keys lead with (org, day), so a
 * unit query scanned every unit's rows of the window and filtered; with these it reads its own, and a
 * recompute of an organisation with n units scans about twice the window's rows instead of n + 1 times.
 */
const tables = [
  'rollup_daily',
  'rollup_topic_daily',
  'rollup_analysis_lag',
  'rollup_case_daily',
  'rollup_case_response',
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    await sql`create index ${sql.raw(`${table}_unit_idx`)} on ${sql.table(table)} (org_id, unit_id, day)
      where unit_id is not null`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of tables) await sql`drop index ${sql.raw(`${table}_unit_idx`)}`.execute(db);
}
