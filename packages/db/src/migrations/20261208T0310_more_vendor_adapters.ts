import { type Kysely, sql } from 'kysely';

// Delighted, HubSpot and Qualtrics join the adapters a source may use.
const before = ['generic', 'typeform', 'surveymonkey', 'twilio', 'mailgun', 'zendesk', 'intercom'];
const after = [...before, 'delighted', 'hubspot', 'qualtrics'];

async function allowAdapters(db: Kysely<any>, adapters: readonly string[]): Promise<void> {
  await db.schema.alterTable('sources').dropConstraint('sources_adapter_known').execute();
  await db.schema
    .alterTable('sources')
    .addCheckConstraint(
      'sources_adapter_known',
      sql`adapter in (${sql.join(adapters.map((a) => sql.lit(a)))})`,
    )
    .execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  await allowAdapters(db, after);
}

export async function down(db: Kysely<any>): Promise<void> {
  await allowAdapters(db, before);
}
