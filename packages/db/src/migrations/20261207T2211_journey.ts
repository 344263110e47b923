import { type Kysely, sql } from 'kysely';

/**
 * The organisation's customer journey as configured objects: its touchpoints (with the team that owns each
 * and the event `touchpoint` values that name it), the touchpoint feedback of a source falls to when the
 * event names none, and per topic the touchpoint it belongs to and the team that owns it.
 *
 * `rollup_source_touchpoint_daily` counts feedback per day, unit, source and event touchpoint value, so
 * touchpoint coverage resolves the configuration at read time over days × sources × values (never raw
 * feedback, DESIGN invariant 4), and a configuration change applies to history at once. Backfilled from the
 * feedback already counted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('touchpoints')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('owner_team_id', 'uuid', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('event_values', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addPrimaryKeyConstraint('touchpoints_pk', ['org_id', 'key'])
    .execute();

  await db.schema
    .createTable('touchpoint_sources')
    .addColumn('org_id', 'uuid', (c) => c.notNull())
    .addColumn('source_id', 'uuid', (c) => c.primaryKey().references('sources.id').onDelete('cascade'))
    .addColumn('touchpoint_key', 'text', (c) => c.notNull())
    .addForeignKeyConstraint(
      'touchpoint_sources_touchpoint_fk',
      ['org_id', 'touchpoint_key'],
      'touchpoints',
      ['org_id', 'key'],
      (fk) => fk.onDelete('cascade').onUpdate('cascade'),
    )
    .execute();

  await db.schema
    .createTable('topic_settings')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('touchpoint_key', 'text')
    .addColumn('owner_team_id', 'uuid', (c) => c.references('teams.id').onDelete('set null'))
    .addPrimaryKeyConstraint('topic_settings_pk', ['org_id', 'topic'])
    .addForeignKeyConstraint('topic_settings_touchpoint_fk', ['org_id', 'touchpoint_key'], 'touchpoints', [
      'org_id',
      'key',
    ])
    .execute();

  await sql`create table rollup_source_touchpoint_daily (
    org_id uuid not null references organisations(id) on delete cascade,
    day date not null,
    unit_id uuid references units(id) on delete cascade,
    source_id uuid not null references sources(id) on delete cascade,
    touchpoint text,
    feedback_count integer not null default 0,
    constraint rollup_source_touchpoint_daily_key unique nulls not distinct (org_id, day, unit_id, source_id, touchpoint)
  )`.execute(db);
  await sql`insert into rollup_source_touchpoint_daily (org_id, day, unit_id, source_id, touchpoint, feedback_count)
    select org_id, (received_at at time zone 'UTC')::date, unit_id, source_id, touchpoint, count(*)
    from feedback where aggregated_at is not null
    group by 1, 2, 3, 4, 5`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'rollup_source_touchpoint_daily',
    'topic_settings',
    'touchpoint_sources',
    'touchpoints',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
