import { type Kysely, sql } from 'kysely';

// Vendor adapters, secret rotation, per-source rate limits and stats, and the per-source delivery log.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sources')
    // Non-secret vendor settings (e.g. SurveyMonkey client id) and which question maps to which rating.
    .addColumn('adapter_config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('field_mapping', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // The secret replaced by the last rotation keeps verifying until it expires, so senders can switch over.
    .addColumn('previous_secret_ciphertext', 'text')
    .addColumn('previous_secret_expires_at', 'timestamptz')
    .addColumn('secret_rotated_at', 'timestamptz')
    .addColumn('rate_limit_per_minute', 'integer', (c) =>
      c.notNull().defaultTo(600).check(sql`rate_limit_per_minute between 1 and 1000000`),
    )
    .addColumn('last_delivery_at', 'timestamptz')
    .addColumn('accepted_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('sources')
    .addCheckConstraint(
      'sources_adapter_known',
      sql`adapter in ('generic', 'typeform', 'surveymonkey', 'twilio', 'mailgun', 'zendesk', 'intercom')`,
    )
    .execute();

  await db.schema
    .createTable('source_deliveries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status', 'smallint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) =>
      c.notNull().check(sql`outcome in ('accepted', 'duplicate', 'ignored', 'rejected')`),
    )
    // Problem code and detail of a rejection, or what was ignored; never a secret or a signature.
    .addColumn('reason', 'text')
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('accepted_events', 'integer', (c) => c.notNull().defaultTo(0))
    // Only for deliveries whose signature verified: the start of the body with PII redacted.
    .addColumn('redacted_body', 'text')
    .execute();
  await db.schema
    .createIndex('source_deliveries_source_idx')
    .on('source_deliveries')
    .columns(['source_id', 'id desc'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('source_deliveries').ifExists().execute();
  await db.schema.alterTable('sources').dropConstraint('sources_adapter_known').ifExists().execute();
  await db.schema
    .alterTable('sources')
    .dropColumn('adapter_config')
    .dropColumn('field_mapping')
    .dropColumn('previous_secret_ciphertext')
    .dropColumn('previous_secret_expires_at')
    .dropColumn('secret_rotated_at')
    .dropColumn('rate_limit_per_minute')
    .dropColumn('last_delivery_at')
    .dropColumn('accepted_count')
    .dropColumn('rejected_count')
    .dropColumn('last_error')
    .dropColumn('last_error_at')
    .execute();
}
