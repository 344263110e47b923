import { type Kysely, sql } from 'kysely';

// Assessors: a fourth key role; their objective ratings and indicator overrides, targets per element and
// scope, the audit of every manual change, and frozen (signed-off) assessments. Imports no application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table api_keys drop constraint api_keys_role_check,
    add constraint api_keys_role_check check (role in ('admin', 'manager', 'responder', 'assessor'))`.execute(
    db,
  );

  await db.schema
    .createTable('objective_ratings')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('fully', 'partially', 'not_yet')`))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) > 0`))
    .addColumn('evidence_links', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('rated_by', 'text', (c) => c.notNull())
    .addColumn('rated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('objective_ratings_pk', ['org_id', 'element_id'])
    .execute();

  await db.schema
    .createTable('indicator_overrides')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('attainment', 'double precision', (c) =>
      c.notNull().check(sql`attainment >= 0 and attainment <= 1`),
    )
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) > 0`))
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('indicator_overrides_pk', ['org_id', 'indicator_id'])
    .execute();

  // scope: 'enterprise' or a unit id, as in score_current.
  await db.schema
    .createTable('element_targets')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('target_points', 'double precision', (c) => c.check(sql`target_points >= 0`))
    .addColumn('target_stage', 'text')
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) > 0`))
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('element_targets_pk', ['org_id', 'scope', 'element_id'])
    .addCheckConstraint('element_targets_one_goal', sql`(target_points is null) <> (target_stage is null)`)
    .execute();

  await db.schema
    .createTable('assessment_audit')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(sql`kind in ('objective_rating', 'indicator_override', 'element_target', 'assessment')`),
    )
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('old_value', 'jsonb')
    .addColumn('new_value', 'jsonb')
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await sql`create index assessment_audit_subject_idx on assessment_audit (org_id, subject, at desc)`.execute(
    db,
  );
  await sql`create index assessment_audit_at_idx on assessment_audit (org_id, at desc, id desc)`.execute(db);

  await db.schema
    .createTable('assessments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('signed_off_by', 'text', (c) => c.notNull())
    .addColumn('frozen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('score_computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`create index assessments_org_idx on assessments (org_id, frozen_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'assessments',
    'assessment_audit',
    'element_targets',
    'indicator_overrides',
    'objective_ratings',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`delete from api_keys where role = 'assessor'`.execute(db);
  await sql`alter table api_keys drop constraint api_keys_role_check,
    add constraint api_keys_role_check check (role in ('admin', 'manager', 'responder'))`.execute(db);
}
