import { type Kysely, sql } from 'kysely';

/**
 * `rollup_topic_unit_daily`: the topic rollup without the channel. Rising issues (topic × day) and loyalty
 * drivers (topic totals) do not need the channel, and reading the channel rows cost a recompute about six
 * times the rows once every channel mentions every topic. Written in the same transaction as the channel
 * rows; backfilled from them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table rollup_topic_unit_daily (
    org_id uuid not null references organisations(id) on delete cascade,
    day date not null,
    unit_id uuid references units(id) on delete cascade,
    topic text not null,
    mentions integer not null default 0,
    sentiment_sum double precision not null default 0,
    negative_count integer not null default 0,
    nps_count integer not null default 0,
    nps_promoters integer not null default 0,
    nps_detractors integer not null default 0,
    csat_count integer not null default 0,
    csat_sum integer not null default 0,
    constraint rollup_topic_unit_daily_key unique nulls not distinct (org_id, day, unit_id, topic)
  )`.execute(db);
  await sql`create index rollup_topic_unit_daily_unit_idx on rollup_topic_unit_daily (org_id, unit_id, day)
    where unit_id is not null`.execute(db);
  await sql`insert into rollup_topic_unit_daily (org_id, day, unit_id, topic, mentions, sentiment_sum,
      negative_count, nps_count, nps_promoters, nps_detractors, csat_count, csat_sum)
    select org_id, day, unit_id, topic, sum(mentions), sum(sentiment_sum), sum(negative_count), sum(nps_count),
      sum(nps_promoters), sum(nps_detractors), sum(csat_count), sum(csat_sum)
    from rollup_topic_daily group by org_id, day, unit_id, topic`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table rollup_topic_unit_daily`.execute(db);
}
