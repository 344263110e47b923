import { type Kysely, sql } from 'kysely';

// What a responder's working day needs from the database:
// - reply templates (macros) per organisation;
// - saved inbox views per organisation (a name and the filters it stands for);
// - a reply that resolves its case once it reaches the customer (never before);
// - the feedback that gave a case its severity, so the inbox and the case page lead with it;
// - a history horizon: feedback that happened longer ago than this opens no case and starts no SLA clock
//   (per organisation, overridable per source), so an import of history does not flood the inbox.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reply_templates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('reply_templates_org_name', ['org_id', 'name'])
    .execute();
  await db.schema
    .createTable('saved_case_views')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('filters', 'jsonb', (c) => c.notNull())
    .addColumn('created_by_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('saved_case_views_org_name', ['org_id', 'name'])
    .execute();
  await db.schema
    .alterTable('outbound_messages')
    .addColumn('resolves_case', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable('cases')
    .addColumn('lead_feedback_id', 'uuid')
    .addColumn('lead_feedback_received_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('triage_settings')
    .addColumn('case_horizon_hours', 'integer', (c) =>
      c.notNull().defaultTo(72).check(sql`case_horizon_hours > 0`),
    )
    .execute();
  await db.schema
    .alterTable('sources')
    .addColumn('case_horizon_hours', 'integer', (c) => c.check(sql`case_horizon_hours > 0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sources').dropColumn('case_horizon_hours').execute();
  await db.schema.alterTable('triage_settings').dropColumn('case_horizon_hours').execute();
  await db.schema
    .alterTable('cases')
    .dropColumn('lead_feedback_id')
    .dropColumn('lead_feedback_received_at')
    .execute();
  await db.schema.alterTable('outbound_messages').dropColumn('resolves_case').execute();
  await db.schema.dropTable('saved_case_views').execute();
  await db.schema.dropTable('reply_templates').execute();
}
