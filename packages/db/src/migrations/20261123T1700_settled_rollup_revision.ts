import { type Kysely, sql } from 'kysely';

/**
 * `organisations.settled_rollup_revision`: moves whenever feedback is counted into a settled day's rollup
 * rows (see settled-days.ts), so a score worker may keep window sums over settled days until it moves.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table organisations add column settled_rollup_revision bigint not null default 0`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table organisations drop column settled_rollup_revision`.execute(db);
}
