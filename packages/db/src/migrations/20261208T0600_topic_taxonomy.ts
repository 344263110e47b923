import { type Kysely, sql } from 'kysely';

// Organisation topics as a versioned taxonomy. `text_settings.topics` keeps the organisation's own entries (with
// parent, status, merge target); `analysis_topics` the analyser's view of them, widened with the organisation's
// feedback when the version was saved, so live analysis and re-analysis of history use the same terms.
// `topic_taxonomy_versions` keeps every version with what changed. `feedback_analysis.taxonomy_version` says
// which version an analysis's topics come from: re-analysis claims a row by moving it forward, once.
// `topic_reanalysis_runs` is the progress of bringing history to a version.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('text_settings')
    .addColumn('analysis_topics', 'jsonb', (col) =>
      col.notNull().defaultTo(sql`'{"customTopics":[],"retiredDefaultTopics":[]}'::jsonb`),
    )
    .execute();
  // Settings saved before this migration had only active topics without parents.
  await sql`update text_settings set topics = (
      select coalesce(jsonb_agg(topic || '{"parentId":null,"status":"active","mergedInto":null}'::jsonb), '[]'::jsonb)
      from jsonb_array_elements(topics) as topic),
    analysis_topics = jsonb_build_object('customTopics', topics, 'retiredDefaultTopics', '[]'::jsonb)`.execute(
    db,
  );

  await db.schema
    .createTable('topic_taxonomy_versions')
    .addColumn('org_id', 'uuid', (col) => col.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('topics', 'jsonb', (col) => col.notNull())
    .addColumn('change', 'jsonb', (col) => col.notNull())
    .addColumn('changes_detection', 'boolean', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('topic_taxonomy_versions_pkey', ['org_id', 'version'])
    .execute();

  await db.schema
    .alterTable('feedback_analysis')
    .addColumn('taxonomy_version', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('topic_reanalysis_runs')
    .addColumn('org_id', 'uuid', (col) => col.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('taxonomy_version', 'integer', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('queued'))
    .addColumn('total', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('done', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('revised', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('topic_reanalysis_runs_pkey', ['org_id', 'taxonomy_version'])
    .addCheckConstraint(
      'topic_reanalysis_runs_status',
      sql`status in ('queued', 'running', 'done', 'superseded')`,
    )
    .execute();
  // Re-analysis pages through an organisation's analyses behind the version it is bringing them to.
  await sql`create index feedback_analysis_taxonomy_idx on feedback_analysis (org_id, taxonomy_version, feedback_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index feedback_analysis_taxonomy_idx`.execute(db);
  await db.schema.dropTable('topic_reanalysis_runs').execute();
  await db.schema.alterTable('feedback_analysis').dropColumn('taxonomy_version').execute();
  await db.schema.dropTable('topic_taxonomy_versions').execute();
  await db.schema.alterTable('text_settings').dropColumn('analysis_topics').execute();
}
