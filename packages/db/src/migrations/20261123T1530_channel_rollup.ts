import { type Kysely, sql } from 'kysely';

/**
 * `rollup_channel_daily`: `rollup_daily` without the touchpoint. The channel metrics, days with feedback and
 * unit attribution read per channel; the touchpoint rows multiplied what they scanned by the touchpoints
 * of each channel. Same counters (copied with LIKE), written in the same batch transaction, backfilled.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table rollup_channel_daily (like rollup_daily including defaults)`.execute(db);
  await sql`alter table rollup_channel_daily drop column touchpoint,
    add foreign key (org_id) references organisations(id) on delete cascade,
    add foreign key (unit_id) references units(id) on delete cascade,
    add constraint rollup_channel_daily_key unique nulls not distinct (org_id, day, unit_id, channel)`.execute(
    db,
  );
  await sql`create index rollup_channel_daily_unit_idx on rollup_channel_daily (org_id, unit_id, day)
    where unit_id is not null`.execute(db);
  const counters = await sql<{ column_name: string }>`select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = 'rollup_channel_daily'
      and column_name not in ('org_id', 'day', 'unit_id', 'channel')
    order by ordinal_position`.execute(db);
  const columns = counters.rows.map((row) => row.column_name);
  await sql`insert into rollup_channel_daily (org_id, day, unit_id, channel, ${sql.join(columns.map((c) => sql.ref(c)))})
    select org_id, day, unit_id, channel, ${sql.join(columns.map((c) => sql`sum(${sql.ref(c)})`))}
    from rollup_daily group by org_id, day, unit_id, channel`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table rollup_channel_daily`.execute(db);
}
