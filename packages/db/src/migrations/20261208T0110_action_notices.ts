import { type Kysely, sql } from 'kysely';

/**
 * "You said, we did" (issue 22): when an action is done, its owner may tell the customers whose feedback
 * fell in its scope during the before window what changed, through the source's reply target. The notice
 * is an outbound message like a case reply (same signing, retries, dead letters), tied to the action and
 * the source instead of a case. `action_notices` holds one row per customer and action, so nobody is told
 * twice; `contact_opt_outs` lists customers who asked not to be contacted, whom no notice reaches.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbound_messages
    alter column case_id drop not null,
    add column action_id uuid references action_items(id) on delete cascade,
    add column source_id uuid references sources(id) on delete cascade,
    drop constraint outbound_messages_kind_check,
    add constraint outbound_messages_kind_check check (kind in ('reply', 'escalation', 'action_update')),
    add constraint outbound_messages_subject check (
      (kind = 'action_update') = (case_id is null)
      and (kind <> 'action_update' or (action_id is not null and source_id is not null)))`.execute(db);

  await db.schema
    .createTable('action_notices')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('action_id', 'uuid', (c) => c.notNull().references('action_items.id').onDelete('cascade'))
    .addColumn('customer_ref', 'text', (c) => c.notNull())
    .addColumn('feedback_id', 'uuid', (c) => c.notNull())
    .addColumn('outbound_message_id', 'uuid', (c) =>
      c.notNull().references('outbound_messages.id').onDelete('cascade'),
    )
    .addColumn('notified_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('action_notices_pk', ['action_id', 'customer_ref'])
    .execute();

  await db.schema
    .createTable('contact_opt_outs')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('customer_ref', 'text', (c) => c.notNull())
    .addColumn('opted_out_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_opt_outs_pk', ['org_id', 'customer_ref'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('contact_opt_outs').execute();
  await db.schema.dropTable('action_notices').execute();
  await sql`delete from outbound_messages where kind = 'action_update'`.execute(db);
  await sql`alter table outbound_messages
    drop constraint outbound_messages_subject,
    drop constraint outbound_messages_kind_check,
    add constraint outbound_messages_kind_check check (kind in ('reply', 'escalation')),
    drop column source_id,
    drop column action_id,
    alter column case_id set not null`.execute(db);
}
