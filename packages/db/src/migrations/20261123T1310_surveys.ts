import { type Kysely, sql } from 'kysely';

// Staff surveys: the organisation's respondent lists, surveys with their question snapshot, single-use
// invitations, and anonymous responses. Kysely<any>, no app imports: this must keep working as the app changes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('survey_settings')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
    // Smallest group whose answers may be shown on their own (k-anonymity); 5 when the organisation has no row.
    .addColumn('min_group_size', 'integer', (c) =>
      c.notNull().defaultTo(5).check(sql`min_group_size between 2 and 1000`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Departments and staff roles a respondent picks from. Removed entries are archived, not deleted, so
  // earlier responses keep their attribute.
  for (const table of ['org_departments', 'org_staff_roles']) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('archived_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint(`${table}_org_key_unique`, ['org_id', 'key'])
      .execute();
  }

  await db.schema
    .createTable('surveys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    // null: the whole organisation; otherwise only staff of this unit answer.
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // Waves of one assessment share a series and are numbered 1, 2, … in the order they were created.
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('wave', 'integer', (c) => c.notNull().check(sql`wave >= 1`))
    // What the questions were generated from (framework selection or pulse), for people reading the survey.
    .addColumn('template', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('draft').check(sql`status in ('draft', 'open', 'closed')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('opened_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addUniqueConstraint('surveys_org_series_wave_unique', ['org_id', 'series', 'wave'])
    .execute();
  await db.schema.createIndex('surveys_org_idx').on('surveys').columns(['org_id', 'created_at']).execute();

  // The questions as they were when the survey was created: later framework edits do not change a survey.
  await db.schema
    .createTable('survey_questions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    // Stable within the survey: an indicator id, a pulse question id, or "objective:<element id>".
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('likert', 'objective')`))
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    // Indicator ids a Likert answer is evidence for; empty for objective questions.
    .addColumn('informs', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // The element whose statement of objective an objective question rates.
    .addColumn('element_id', 'text')
    .addCheckConstraint(
      'survey_questions_kind_target',
      sql`(kind = 'likert' and cardinality(informs) > 0 and element_id is null)
          or (kind = 'objective' and cardinality(informs) = 0 and element_id is not null)`,
    )
    .addUniqueConstraint('survey_questions_position_unique', ['survey_id', 'position'])
    .addUniqueConstraint('survey_questions_key_unique', ['survey_id', 'key'])
    .execute();

  await db.schema
    .createTable('survey_invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    // SHA-256 of the link's token (hex); the token itself is shown once and never stored.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('survey_invitations_survey_idx')
    .on('survey_invitations')
    .column('survey_id')
    .execute();

  // A response carries the respondent's unit, department and role, never who they are or which invitation
  // they used; the day (not the time) it arrived keeps it from being matched to an invitation's used_at.
  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('department_id', 'uuid', (c) => c.references('org_departments.id'))
    .addColumn('staff_role_id', 'uuid', (c) => c.references('org_staff_roles.id'))
    // 'invitation' for the respondent page; a connected survey tool's name otherwise.
    .addColumn('origin', 'text', (c) => c.notNull())
    // The survey tool's response id: a redelivered vendor response is stored once.
    .addColumn('external_id', 'text')
    .addColumn('submitted_on', 'date', (c) => c.notNull().defaultTo(sql`current_date`))
    .addUniqueConstraint('survey_responses_external_unique', ['survey_id', 'origin', 'external_id'])
    .execute();
  await db.schema
    .createIndex('survey_responses_survey_idx')
    .on('survey_responses')
    .column('survey_id')
    .execute();

  await db.schema
    .createTable('survey_answers')
    .addColumn('response_id', 'uuid', (c) =>
      c.notNull().references('survey_responses.id').onDelete('cascade'),
    )
    .addColumn('question_id', 'uuid', (c) =>
      c.notNull().references('survey_questions.id').onDelete('cascade'),
    )
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('likert', 'smallint', (c) => c.check(sql`likert between 1 and 5`))
    .addColumn('dont_know', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('objective', 'text', (c) => c.check(sql`objective in ('fully', 'partially', 'not_yet')`))
    // Exactly one of: a 1–5 answer, "don't know", an objective rating.
    .addCheckConstraint(
      'survey_answers_one_value',
      sql`(likert is not null)::int + dont_know::int + (objective is not null)::int = 1`,
    )
    .addPrimaryKeyConstraint('survey_answers_pk', ['response_id', 'question_id'])
    .execute();
  await db.schema
    .createIndex('survey_answers_question_idx')
    .on('survey_answers')
    .columns(['survey_id', 'question_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'survey_answers',
    'survey_responses',
    'survey_invitations',
    'survey_questions',
    'surveys',
    'org_staff_roles',
    'org_departments',
    'survey_settings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
