import { type Kysely, sql } from 'kysely';

/**
 * The `customer_value` metadata presence counter goes: D5.3/D5.4 now read the loyalty & value analysis of
 * customer outcomes (packages/outcomes), and nothing reads how much feedback carried a value attribute.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rollup_daily drop column valued_count`.execute(db);
  await sql`alter table rollup_channel_daily drop column valued_count`.execute(db);
}

/** Back as an always-zero counter: the counts it held are not recoverable from the rollups. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rollup_daily add column valued_count integer not null default 0`.execute(db);
  await sql`alter table rollup_channel_daily add column valued_count integer not null default 0`.execute(db);
}
