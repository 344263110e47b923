import { type Kysely, sql } from 'kysely';

/**
 * Improvement actions (issue 22): what a team plans to change, over which scope of the feedback, owned by
 * whom, aiming to move which metric, with a lifecycle and an audit trail. The effect is measured from the
 * rollups on read while the action runs; once it is closed and its after window is complete the measurement
 * is frozen into `frozen_effect`, so later backfills cannot rewrite a judged result.
 *
 * Scope is a conjunction of the rollup dimensions (unit, channel, touchpoint, topic); at least one is set, and
 * topic never with touchpoint (no rollup holds both). The owner is exactly one team or one member.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('action_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('scope_unit_id', 'uuid', (c) => c.references('units.id').onDelete('restrict'))
    .addColumn('scope_channel', 'text')
    .addColumn('scope_touchpoint', 'text')
    .addColumn('scope_topic', 'text')
    .addColumn('owner_team_id', 'uuid', (c) => c.references('teams.id').onDelete('restrict'))
    .addColumn('owner_member_id', 'uuid', (c) => c.references('members.id').onDelete('restrict'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('target_value', 'double precision', (c) => c.notNull())
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('measure_from', 'text', (c) => c.notNull().defaultTo('start'))
    .addColumn('effect_window_days', 'integer', (c) => c.notNull().defaultTo(28))
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('proposed'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('origin_rising_issue_id', 'uuid', (c) => c.references('rising_issues.id').onDelete('set null'))
    /** The ranked action's indicator or element, or the driver's topic. */
    .addColumn('origin_ref', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('planned_at', 'timestamptz')
    .addColumn('done_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('frozen_effect', 'jsonb')
    .addColumn('effect_frozen_at', 'timestamptz')
    .addCheckConstraint('action_items_due_after_start', sql`due_date >= start_date`)
    .addCheckConstraint(
      'action_items_scope_set',
      sql`num_nonnulls(scope_unit_id, scope_channel, scope_touchpoint, scope_topic) > 0
        and (scope_topic is null or scope_touchpoint is null)`,
    )
    .addCheckConstraint('action_items_one_owner', sql`num_nonnulls(owner_team_id, owner_member_id) = 1`)
    .addCheckConstraint(
      'action_items_metric',
      sql`metric in ('nps', 'csat', 'ces', 'sentiment', 'topic_share')`,
    )
    .addCheckConstraint('action_items_measure_from', sql`measure_from in ('start', 'done')`)
    .addCheckConstraint('action_items_window', sql`effect_window_days between 7 and 182`)
    .addCheckConstraint('action_items_priority', sql`priority in ('high', 'medium', 'low')`)
    .addCheckConstraint(
      'action_items_status',
      sql`status in ('proposed', 'planned', 'in_progress', 'done', 'abandoned')`,
    )
    .addCheckConstraint(
      'action_items_origin',
      sql`origin in ('ranked_action', 'rising_issue', 'driver', 'manual')`,
    )
    .execute();
  await db.schema
    .createIndex('action_items_org_status_idx')
    .on('action_items')
    .columns(['org_id', 'status', 'due_date'])
    .execute();
  await db.schema
    .createIndex('action_items_rising_issue_idx')
    .on('action_items')
    .column('origin_rising_issue_id')
    .where('origin_rising_issue_id', 'is not', null)
    .execute();

  await db.schema
    .createTable('action_comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('action_id', 'uuid', (c) => c.notNull().references('action_items.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('author_member_id', 'uuid')
    .addColumn('author_api_key_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('action_comments_action_idx')
    .on('action_comments')
    .columns(['action_id', 'created_at'])
    .execute();

  // The audit trail: who changed what, when. Append-only like case_events.
  await db.schema
    .createTable('action_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('action_id', 'uuid', (c) => c.notNull().references('action_items.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('actor_member_id', 'uuid')
    .addColumn('actor_api_key_id', 'uuid')
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('action_events_action_idx')
    .on('action_events')
    .columns(['action_id', 'id'])
    .execute();
  await sql`
    create function action_events_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
        return old;
      end if;
      raise exception 'action_events is append-only' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger action_events_append_only before update or delete on action_events
    for each row execute function action_events_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('action_events').execute();
  await sql`drop function action_events_append_only()`.execute(db);
  await db.schema.dropTable('action_comments').execute();
  await db.schema.dropTable('action_items').execute();
}
