import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';

// Rollups, scores and insights. Migrations take Kysely<any> and import no application code.
//
// Rollup keys contain nullable parts (no unit, no touchpoint); their unique constraints are NULLS NOT
// DISTINCT so "no unit" is one bucket and the increment upsert can target it with ON CONFLICT.
export async function up(db: Kysely<any>): Promise<void> {
  // The exactly-once marker of rollups: set in the same transaction as the increments.
  await db.schema.alterTable('feedback').addColumn('aggregated_at', 'timestamptz').execute();
  // Analysed feedback not yet counted: what the aggregation sweeper re-offers after a Redis loss.
  await db.schema
    .createIndex('feedback_awaiting_aggregation_idx')
    .on('feedback')
    .column('analysed_at')
    .where(sql<boolean>`status = 'analysed' and aggregated_at is null`)
    .execute();
  // Analysis coverage counts the received-but-not-analysed backlog of a window without scanning the rest.
  await db.schema
    .createIndex('feedback_not_analysed_idx')
    .on('feedback')
    .columns(['org_id', 'received_at'])
    .where(sql.ref('status'), '<>', 'analysed')
    .execute();

  const orgColumn = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('organisations.id').onDelete('cascade');
  const unitColumn = (c: ColumnDefinitionBuilder) => c.references('units.id').onDelete('cascade');
  const counter = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

  await db.schema
    .createTable('rollup_daily')
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('unit_id', 'uuid', unitColumn)
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('touchpoint', 'text')
    .addColumn('feedback_count', 'integer', counter)
    .addColumn('identified_count', 'integer', counter)
    .addColumn('valued_count', 'integer', counter)
    .addColumn('flagged_count', 'integer', counter)
    .addColumn('sentiment_count', 'integer', counter)
    .addColumn('sentiment_sum', 'double precision', counter)
    .addColumn('sentiment_sum_sq', 'double precision', counter)
    .addColumn('negative_count', 'integer', counter)
    .addColumn('nps_count', 'integer', counter)
    .addColumn('nps_promoters', 'integer', counter)
    .addColumn('nps_passives', 'integer', counter)
    .addColumn('nps_detractors', 'integer', counter)
    .addColumn('csat_count', 'integer', counter)
    .addColumn('csat_sum', 'integer', counter)
    .addColumn('csat_satisfied', 'integer', counter)
    .addColumn('ces_count', 'integer', counter)
    .addColumn('ces_sum', 'integer', counter)
    .addColumn('rated_count', 'integer', counter)
    .addColumn('rated_with_topic_count', 'integer', counter)
    .execute();
  await sql`alter table rollup_daily add constraint rollup_daily_key
    unique nulls not distinct (org_id, day, unit_id, channel, touchpoint)`.execute(db);

  await db.schema
    .createTable('rollup_topic_daily')
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('unit_id', 'uuid', unitColumn)
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('mentions', 'integer', counter)
    .addColumn('sentiment_sum', 'double precision', counter)
    .addColumn('negative_count', 'integer', counter)
    .addColumn('nps_count', 'integer', counter)
    .addColumn('nps_promoters', 'integer', counter)
    .addColumn('nps_detractors', 'integer', counter)
    .addColumn('csat_count', 'integer', counter)
    .addColumn('csat_sum', 'integer', counter)
    .execute();
  await sql`alter table rollup_topic_daily add constraint rollup_topic_daily_key
    unique nulls not distinct (org_id, day, unit_id, channel, topic)`.execute(db);

  await db.schema
    .createTable('rollup_analysis_lag')
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('unit_id', 'uuid', unitColumn)
    .addColumn('bucket', 'smallint', (c) => c.notNull())
    .addColumn('count', 'integer', counter)
    .execute();
  await sql`alter table rollup_analysis_lag add constraint rollup_analysis_lag_key
    unique nulls not distinct (org_id, day, unit_id, bucket)`.execute(db);

  await db.schema
    .createTable('customer_days')
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('customer_ref', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('unit_id', 'uuid', unitColumn)
    .execute();
  await sql`alter table customer_days add constraint customer_days_key
    unique nulls not distinct (org_id, day, customer_ref, unit_id)`.execute(db);

  await db.schema
    .createTable('score_current')
    .addColumn('org_id', 'uuid', orgColumn)
    // 'enterprise' or the unit id: a text key so the primary key needs no nullable column.
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'uuid', unitColumn)
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('score', 'jsonb', (c) => c.notNull())
    .addColumn('metrics', 'jsonb', (c) => c.notNull())
    .addColumn('insights', 'jsonb', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('score_current_pk', ['org_id', 'scope'])
    .execute();

  await db.schema
    .createTable('element_scores')
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('points', 'double precision', (c) => c.notNull())
    .addColumn('max', 'double precision', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('missing', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('element_scores_pk', ['org_id', 'scope', 'element_id'])
    .execute();

  await db.schema
    .createTable('score_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    // Element id → points, enough to chart every element over time.
    .addColumn('elements', 'jsonb', (c) => c.notNull())
    // diffScores against the previous entry: which elements moved and because of which evidence.
    .addColumn('diff', 'jsonb')
    .execute();
  await db.schema
    .createIndex('score_history_scope_idx')
    .on('score_history')
    .columns(['org_id', 'scope', 'recorded_at'])
    .execute();

  await db.schema
    .createTable('rising_issues')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('unit_id', 'uuid', unitColumn)
    .addColumn('topic', 'text', (c) => c.notNull())
    // First day of the 7-day window that rose; one issue per topic and window.
    .addColumn('window_start', 'date', (c) => c.notNull())
    .addColumn('mentions', 'integer', (c) => c.notNull())
    .addColumn('baseline_weekly_mean', 'double precision', (c) => c.notNull())
    .addColumn('detected_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acknowledged_at', 'timestamptz')
    .execute();
  await sql`alter table rising_issues add constraint rising_issues_key
    unique nulls not distinct (org_id, unit_id, topic, window_start)`.execute(db);
  await db.schema
    .createIndex('rising_issues_org_detected_idx')
    .on('rising_issues')
    .columns(['org_id', 'detected_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'rising_issues',
    'score_history',
    'element_scores',
    'score_current',
    'customer_days',
    'rollup_analysis_lag',
    'rollup_topic_daily',
    'rollup_daily',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.dropIndex('feedback_not_analysed_idx').ifExists().execute();
  await db.schema.dropIndex('feedback_awaiting_aggregation_idx').ifExists().execute();
  await db.schema.alterTable('feedback').dropColumn('aggregated_at').execute();
}
