import { type Kysely, sql } from 'kysely';

// What a webhook only names (a SurveyMonkey response) is recorded here when the delivery is accepted and
// fetched from the vendor in the background, so an outage of the vendor's API delays a response, never
// loses it. `key` is the vendor's event id: a redelivery records nothing new.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vendor_fetches')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'done', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('vendor_fetches_source_key', ['source_id', 'key'])
    .execute();
  // The fetcher's claim: due pending fetches, oldest due first.
  await sql`create index vendor_fetches_due_idx on vendor_fetches (next_attempt_at) where status = 'pending'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vendor_fetches').execute();
}
