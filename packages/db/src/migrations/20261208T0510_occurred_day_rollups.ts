import { type Kysely, sql } from 'kysely';

/**
 * Rollups by the day the customer gave the feedback (occurred_at, UTC), for what people read as a timeline:
 * the experience per channel and day, and topic mentions per day for rising issues. The other rollups stay
 * keyed by the day of receipt (score windows, settled days). A history import spread over 90 days then lands
 * on its 90 days here, where a chart and its click-through (which filters on occurred_at) agree.
 *
 * Topic mentions also count the share that arrived late (received more than LATE_ARRIVAL_HOURS after they
 * were given: an import, a delayed export), so the rising-issue check compares only live feedback against
 * the baseline, and history never "rises". Backfilled from feedback already counted, with the same rule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table rollup_occurred_channel_daily (
    org_id uuid not null references organisations(id) on delete cascade,
    day date not null,
    unit_id uuid references units(id) on delete cascade,
    channel text not null,
    feedback_count integer not null default 0,
    nps_count integer not null default 0,
    nps_promoters integer not null default 0,
    nps_detractors integer not null default 0,
    csat_count integer not null default 0,
    csat_satisfied integer not null default 0,
    ces_count integer not null default 0,
    ces_sum integer not null default 0,
    sentiment_count integer not null default 0,
    sentiment_sum double precision not null default 0,
    constraint rollup_occurred_channel_daily_key unique nulls not distinct (org_id, day, unit_id, channel)
  )`.execute(db);
  await sql`create index rollup_occurred_channel_daily_unit_idx
    on rollup_occurred_channel_daily (org_id, unit_id, day) where unit_id is not null`.execute(db);
  await sql`create table rollup_occurred_topic_daily (
    org_id uuid not null references organisations(id) on delete cascade,
    day date not null,
    unit_id uuid references units(id) on delete cascade,
    topic text not null,
    mentions integer not null default 0,
    negative_count integer not null default 0,
    late_mentions integer not null default 0,
    late_negative_count integer not null default 0,
    constraint rollup_occurred_topic_daily_key unique nulls not distinct (org_id, day, unit_id, topic)
  )`.execute(db);
  await sql`create index rollup_occurred_topic_daily_unit_idx
    on rollup_occurred_topic_daily (org_id, unit_id, day) where unit_id is not null`.execute(db);

  await sql`insert into rollup_occurred_channel_daily (org_id, day, unit_id, channel, feedback_count, nps_count,
      nps_promoters, nps_detractors, csat_count, csat_satisfied, ces_count, ces_sum, sentiment_count, sentiment_sum)
    select f.org_id, (f.occurred_at at time zone 'UTC')::date, f.unit_id, f.channel, count(*),
      count(f.nps), count(*) filter (where f.nps >= 9), count(*) filter (where f.nps <= 6),
      count(f.csat), count(*) filter (where f.csat >= 4), count(f.ces), coalesce(sum(f.ces), 0),
      count(a.sentiment_score),
      -- Summed as the values read back (real → numeric keeps its printed digits), as counting adds them.
      coalesce(sum(a.sentiment_score::numeric), 0)::float8
    from feedback f join feedback_analysis a on a.feedback_id = f.id and a.org_id = f.org_id
    where f.aggregated_at is not null
    group by 1, 2, 3, 4`.execute(db);
  // A topic named twice in one feedback is one mention, with the sentiment of its last naming (as counting
  // does: rollups.ts keeps the last of a feedback's topics by id).
  await sql`insert into rollup_occurred_topic_daily (org_id, day, unit_id, topic, mentions, negative_count,
      late_mentions, late_negative_count)
    select org_id, day, unit_id, topic, count(*), count(*) filter (where negative),
      count(*) filter (where late), count(*) filter (where late and negative)
    from (
      select f.org_id, (f.occurred_at at time zone 'UTC')::date as day, f.unit_id, t.value ->> 'id' as topic,
        (array_agg(t.value ->> 'sentimentLabel' order by t.position desc))[1] = 'negative' as negative,
        f.received_at - f.occurred_at > interval '72 hours' as late
      from feedback f
      join feedback_analysis a on a.feedback_id = f.id and a.org_id = f.org_id
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(a.details -> 'topics') = 'array' then a.details -> 'topics' else '[]' end
      ) with ordinality as t(value, position)
      where f.aggregated_at is not null and t.value ->> 'id' is not null
      group by f.id, f.org_id, f.occurred_at, f.received_at, f.unit_id, t.value ->> 'id'
    ) as mentions
    group by org_id, day, unit_id, topic`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table rollup_occurred_topic_daily`.execute(db);
  await sql`drop table rollup_occurred_channel_daily`.execute(db);
}
