import { type Kysely, type SqlBool, sql } from 'kysely';

// Triage: people and teams, per-organisation case rules and SLA policies, cases with their audit trail,
// notes and outbound messages (replies to customers, escalation notices). Imports no application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('teams_org_name_unique', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('members_org_email_unique', ['org_id', 'email'])
    .execute();

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'uuid', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'member_id'])
    .execute();
  await db.schema.createIndex('team_members_member_idx').on('team_members').column('member_id').execute();

  // A key may act for a person, so case actions name who did them.
  await db.schema
    .alterTable('api_keys')
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .execute();

  // Where replies to the customers of a source go, and the secret they are signed with (sealed).
  await db.schema
    .alterTable('sources')
    .addColumn('reply_url', 'text')
    .addColumn('reply_secret_ciphertext', 'text')
    .execute();

  // One row per organisation; an organisation without one gets the defaults of the triage rules module.
  await db.schema
    .createTable('triage_settings')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
    .addColumn('case_flags', sql`text[]`, (c) => c.notNull())
    .addColumn('min_severity', 'text', (c) =>
      c.notNull().check(sql`min_severity in ('low', 'medium', 'high', 'critical')`),
    )
    .addColumn('repeat_window_hours', 'integer', (c) => c.notNull().check(sql`repeat_window_hours >= 0`))
    .addColumn('default_team_id', 'uuid', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('escalation_url', 'text')
    .addColumn('escalation_secret_ciphertext', 'text')
    .addColumn('business_hours', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sla_policies')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('severity', 'text', (c) =>
      c.notNull().check(sql`severity in ('low', 'medium', 'high', 'critical')`),
    )
    .addColumn('first_response_minutes', 'integer', (c) => c.notNull().check(sql`first_response_minutes > 0`))
    .addColumn('resolution_minutes', 'integer', (c) => c.notNull().check(sql`resolution_minutes > 0`))
    .addPrimaryKeyConstraint('sla_policies_pk', ['org_id', 'severity'])
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    // The feedback that opened the case: one case per feedback, however often analysis is redelivered.
    .addColumn('feedback_id', 'uuid', (c) =>
      c.notNull().unique().references('feedback.id').onDelete('cascade'),
    )
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('customer_ref', 'text')
    .addColumn('severity', 'text', (c) =>
      c.notNull().check(sql`severity in ('low', 'medium', 'high', 'critical')`),
    )
    .addColumn('urgency', 'real', (c) => c.notNull())
    .addColumn('priority', 'smallint', (c) => c.notNull().check(sql`priority between 1 and 5`))
    .addColumn('flag_codes', sql`text[]`, (c) => c.notNull())
    .addColumn('topics', sql`text[]`, (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('new')
        .check(sql`status in ('new', 'acknowledged', 'in_progress', 'resolved', 'dismissed')`),
    )
    .addColumn('dismiss_reason', 'text')
    .addColumn('team_id', 'uuid', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('assignee_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('repeat_contacts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replies_delivered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('first_response_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolution_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acknowledged_at', 'timestamptz')
    // Set once, on the first claim or assignment to a person: "owned, whatever the later status".
    .addColumn('first_assigned_at', 'timestamptz')
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('first_response_breached_at', 'timestamptz')
    .addColumn('resolution_breached_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('cases_org_opened_idx').on('cases').columns(['org_id', 'opened_at']).execute();
  // Claim next: unassigned open cases of a team, most urgent first.
  await db.schema
    .createIndex('cases_claimable_idx')
    .on('cases')
    .columns(['org_id', 'team_id', 'priority desc', 'urgency desc', 'opened_at'])
    .where(sql.raw<SqlBool>(`assignee_id is null and status in ('new', 'acknowledged', 'in_progress')`))
    .execute();
  // Repeat contact: the open case of a customer.
  await db.schema
    .createIndex('cases_open_customer_idx')
    .on('cases')
    .columns(['org_id', 'customer_ref', 'opened_at'])
    .where(sql.raw<SqlBool>(`status in ('new', 'acknowledged', 'in_progress') and customer_ref is not null`))
    .execute();
  // The SLA sweep's scans: open cases by due time, only those not yet marked breached.
  await db.schema
    .createIndex('cases_first_response_due_idx')
    .on('cases')
    .column('first_response_due_at')
    .where(
      sql.raw<SqlBool>(
        `first_response_at is null and first_response_breached_at is null and status in ('new', 'acknowledged', 'in_progress')`,
      ),
    )
    .execute();
  await db.schema
    .createIndex('cases_resolution_due_idx')
    .on('cases')
    .column('resolution_due_at')
    .where(
      sql.raw<SqlBool>(`resolution_breached_at is null and status in ('new', 'acknowledged', 'in_progress')`),
    )
    .execute();

  // Every feedback a case covers: the one that opened it and repeat contacts linked later.
  await db.schema
    .createTable('case_feedback')
    .addColumn('feedback_id', 'uuid', (c) => c.primaryKey().references('feedback.id').onDelete('cascade'))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('relation', 'text', (c) => c.notNull().check(sql`relation in ('opened', 'repeat_contact')`))
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('case_feedback_case_idx').on('case_feedback').column('case_id').execute();

  await db.schema
    .createTable('case_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('author_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('author_api_key_id', 'uuid', (c) => c.references('api_keys.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('case_notes_case_idx').on('case_notes').column('case_id').execute();

  // Append-only audit trail: who did what to a case, when.
  await db.schema
    .createTable('case_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_member_id', 'uuid')
    .addColumn('actor_api_key_id', 'uuid')
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'id']).execute();
  // Rows are never changed; deleting is only allowed as the cascade of deleting the case or organisation
  // (a foreign-key action runs one trigger level deeper than a statement).
  await sql`
    create function case_events_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
        return old;
      end if;
      raise exception 'case_events is append-only' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger case_events_append_only before update or delete on case_events
    for each row execute function case_events_append_only()`.execute(db);

  // Messages cxloop sends out: replies to customers (through the source) and escalation notices.
  await db.schema
    .createTable('outbound_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('reply', 'escalation')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('author_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'delivered', 'dead')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('dead_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('outbound_messages_case_idx')
    .on('outbound_messages')
    .column('case_id')
    .execute();
  // The re-enqueue scan after a Redis flush: only messages still waiting.
  await db.schema
    .createIndex('outbound_messages_pending_idx')
    .on('outbound_messages')
    .column('created_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'outbound_messages',
    'case_events',
    'case_notes',
    'case_feedback',
    'cases',
    'sla_policies',
    'triage_settings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists case_events_append_only()`.execute(db);
  await db.schema
    .alterTable('sources')
    .dropColumn('reply_url')
    .dropColumn('reply_secret_ciphertext')
    .execute();
  await db.schema.alterTable('api_keys').dropColumn('member_id').execute();
  for (const table of ['team_members', 'members', 'teams']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
