import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';

// Customer outcomes: one customer identity per organisation (customer_ref), the outcome events received
// through the sources (idempotent by source + external id) and a summary per customer kept in the same
// transaction as each event, which is all the loyalty and value analyses read.
export async function up(db: Kysely<any>): Promise<void> {
  const orgColumn = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('organisations.id').onDelete('cascade');

  await db.schema
    .createTable('customers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('customer_ref', 'text', (c) => c.notNull())
    .addColumn('segment', 'text')
    .addColumn('region', 'text')
    .addColumn('plan', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('customers_ref_key', ['org_id', 'customer_ref'])
    .execute();

  await db.schema
    .createTable('outcome_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('purchase', 'refund', 'renewal', 'cancellation')`),
    )
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    // Money as numeric: the event is the record of what was paid; summaries keep doubles for statistics.
    .addColumn('amount', 'numeric(18, 4)')
    .addColumn('currency', 'char(3)')
    .addColumn('order_ref', 'text')
    .addColumn('channel', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('outcome_events_external_key', ['source_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('outcome_events_customer_idx')
    .on('outcome_events')
    .columns(['customer_id', 'occurred_at'])
    .execute();

  const counter = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);
  await db.schema
    .createTable('customer_summaries')
    .addColumn('customer_id', 'uuid', (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', orgColumn)
    .addColumn('currency', 'char(3)')
    .addColumn('first_purchase_at', 'timestamptz')
    .addColumn('first_purchase_amount', 'double precision', counter)
    .addColumn('last_purchase_at', 'timestamptz')
    .addColumn('purchase_count', 'integer', counter)
    .addColumn('purchase_spend', 'double precision', counter)
    .addColumn('refund_count', 'integer', counter)
    .addColumn('refund_amount', 'double precision', counter)
    .addColumn('renewal_count', 'integer', counter)
    .addColumn('contract_started_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('channels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('customer_summaries_org_idx')
    .on('customer_summaries')
    .column('org_id')
    .execute();

  await db.schema
    .createTable('outcome_analyses')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outcome_analyses').execute();
  await db.schema.dropTable('customer_summaries').execute();
  await db.schema.dropTable('outcome_events').execute();
  await db.schema.dropTable('customers').execute();
}
