import { type Kysely, sql } from 'kysely';

// An organisation's text-analysis settings: its own topics (seed terms, exclusions), the region its customers'
// phone numbers are written in, and its brand @handles. One row per organisation; `version` counts changes so
// stored analyses can be told apart from ones made with the current taxonomy.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('text_settings')
    .addColumn('org_id', 'uuid', (col) => col.primaryKey().references('organisations.id').onDelete('cascade'))
    .addColumn('topics', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('phone_region', 'text')
    .addColumn('brand_handles', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('text_settings').execute();
}
