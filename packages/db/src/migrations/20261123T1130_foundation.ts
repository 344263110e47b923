import { type Kysely, sql } from 'kysely';

// Migrations take Kysely<any> and import no application code: they must keep working as the app changes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('units')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('units_org_key_unique', ['org_id', 'key'])
    .execute();

  await db.schema
    .createTable('sources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('adapter', 'text', (c) => c.notNull().defaultTo('generic'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'paused')`),
    )
    // AES-256-GCM ciphertext of the signing secret; the key lives in the environment, never in the database.
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sources_org_idx').on('sources').column('org_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'manager', 'responder')`))
    .addColumn('name', 'text', (c) => c.notNull())
    // The public part of the key, used to find the row; the secret part is only stored as a SHA-256 hash.
    .addColumn('lookup', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('feedback')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id').onDelete('set null'))
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    // Sender's id, or one derived from the delivery id: the idempotency key within a source.
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('customer_ref', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('nps', 'smallint', (c) => c.check(sql`nps between 0 and 10`))
    .addColumn('csat', 'smallint', (c) => c.check(sql`csat between 1 and 5`))
    .addColumn('ces', 'smallint', (c) => c.check(sql`ces between 1 and 7`))
    .addColumn('touchpoint', 'text')
    .addColumn('locale', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('received').check(sql`status in ('received', 'analysed', 'failed')`),
    )
    .addColumn('analysed_at', 'timestamptz')
    .addUniqueConstraint('feedback_source_external_unique', ['source_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('feedback_org_occurred_idx')
    .on('feedback')
    .columns(['org_id', 'occurred_at'])
    .execute();
  // The sweeper's scan: only rows still waiting for analysis, oldest first.
  await db.schema
    .createIndex('feedback_awaiting_analysis_idx')
    .on('feedback')
    .column('received_at')
    .where(sql.ref('status'), '=', 'received')
    .execute();

  await db.schema
    .createTable('feedback_analysis')
    .addColumn('feedback_id', 'uuid', (c) => c.primaryKey().references('feedback.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('analyser_version', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    // Null when the language is detected but not analysed: no score beats a misleading neutral one.
    .addColumn('sentiment_score', 'real')
    .addColumn('sentiment_label', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('urgency', 'real', (c) => c.notNull())
    // The full analysis (sentences, topics, keywords, flags, effort, PII spans) as the analyser returned it.
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('redacted_text', 'text', (c) => c.notNull())
    .addColumn('analysed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('maintenance_runs')
    .addColumn('task', 'text', (c) => c.primaryKey())
    .addColumn('last_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_result', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'maintenance_runs',
    'feedback_analysis',
    'feedback',
    'api_keys',
    'sources',
    'units',
    'organisations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
