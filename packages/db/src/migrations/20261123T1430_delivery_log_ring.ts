import { type Kysely, sql } from 'kysely';

// The delivery log as a fixed ring per source: each delivery takes the next sequence number of its source
// and overwrites slot `seq % 200`, so the log holds exactly the last 200 deliveries without any delete.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sources')
    .addColumn('delivery_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // Entries written before the ring keep their order: their id becomes their sequence number.
  await db.schema
    .alterTable('source_deliveries')
    .addColumn('seq', 'bigint')
    .addColumn('slot', 'smallint')
    .execute();
  await sql`
    with numbered as (
      select id, row_number() over (partition by source_id order by id) as n from source_deliveries
    )
    update source_deliveries d set seq = numbered.n, slot = (numbered.n % 200)::smallint
    from numbered where numbered.id = d.id`.execute(db);
  await sql`delete from source_deliveries d where exists (
    select 1 from source_deliveries newer where newer.source_id = d.source_id and newer.seq >= d.seq + 200)`.execute(
    db,
  );
  await sql`update sources s set delivery_seq = coalesce(
    (select max(seq) from source_deliveries d where d.source_id = s.id), 0)`.execute(db);
  await db.schema
    .alterTable('source_deliveries')
    .alterColumn('seq', (c) => c.setNotNull())
    .alterColumn('slot', (c) => c.setNotNull())
    .execute();
  await db.schema.dropIndex('source_deliveries_source_idx').execute();
  await db.schema
    .alterTable('source_deliveries')
    .addUniqueConstraint('source_deliveries_ring', ['source_id', 'slot'])
    .execute();
  await db.schema
    .createIndex('source_deliveries_latest_idx')
    .on('source_deliveries')
    .columns(['source_id', 'seq desc'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('source_deliveries_latest_idx').execute();
  await db.schema.alterTable('source_deliveries').dropConstraint('source_deliveries_ring').execute();
  await db.schema
    .createIndex('source_deliveries_source_idx')
    .on('source_deliveries')
    .columns(['source_id', 'id desc'])
    .execute();
  await db.schema.alterTable('source_deliveries').dropColumn('seq').dropColumn('slot').execute();
  await db.schema.alterTable('sources').dropColumn('delivery_seq').execute();
}
