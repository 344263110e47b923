import { type Kysely, sql } from 'kysely';

// Staff survey anonymity in the database (issue 23). Kysely<any>, no app imports.
// - A wave keeps the minimum group size in force when it opened: lowering the setting later must not
//   reveal its small groups.
// - Invitations say whether they were used, never when: a use time matched the response it came with.
// - Invited responses wait in a buffer and are written to survey_responses in shuffled batches of at least
//   the minimum group size, so no row, timestamp or transaction id ties one response to one invitation.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('surveys')
    .addColumn('min_group_size', 'integer', (c) => c.check(sql`min_group_size between 2 and 1000`))
    .execute();
  await sql`
    update surveys s set min_group_size = coalesce(
      (select ss.min_group_size from survey_settings ss where ss.org_id = s.org_id), 5)
    where s.status <> 'draft'`.execute(db);

  await db.schema
    .alterTable('survey_invitations')
    .addColumn('used', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update survey_invitations set used = used_at is not null`.execute(db);
  await db.schema.alterTable('survey_invitations').dropColumn('used_at').execute();

  // Invited responses are written in numbered batches; null for a survey tool's responses (never batched:
  // the tool itself knows who answered).
  await db.schema.alterTable('survey_responses').addColumn('batch', 'integer').execute();

  // Accepted answers waiting for their batch. Committed with the invitation's claim, so an accepted answer
  // survives a crash; no timestamps, and rows leave as soon as their batch is written.
  await db.schema
    .createTable('survey_response_buffer')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('department_id', 'uuid', (c) => c.references('org_departments.id'))
    .addColumn('staff_role_id', 'uuid', (c) => c.references('org_staff_roles.id'))
    // [{ questionId, likert, dontKnow, objective }]
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('survey_response_buffer_survey_idx')
    .on('survey_response_buffer')
    .column('survey_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('survey_response_buffer').ifExists().execute();
  await db.schema.alterTable('survey_responses').dropColumn('batch').execute();
  await db.schema.alterTable('survey_invitations').addColumn('used_at', 'timestamptz').execute();
  await sql`update survey_invitations set used_at = now() where used`.execute(db);
  await db.schema.alterTable('survey_invitations').dropColumn('used').execute();
  await db.schema.alterTable('surveys').dropColumn('min_group_size').execute();
}
