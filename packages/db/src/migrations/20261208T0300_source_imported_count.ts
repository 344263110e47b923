import type { Kysely } from 'kysely';

// Feedback imported into a source (history from a file) is counted beside what its webhook accepted, so a
// source that holds thousands of imported answers does not read "0 accepted". Earlier imports are not
// counted back: the count starts with this migration, and the source view says so by showing it apart.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sources')
    .addColumn('imported_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sources').dropColumn('imported_count').execute();
}
