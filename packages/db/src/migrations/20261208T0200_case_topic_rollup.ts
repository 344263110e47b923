import { type Kysely, sql } from 'kysely';

/**
 * Owning teams answering in time (D6.2.3): `rollup_case_topic_daily` counts triage cases per UTC day of
 * opening, unit, leading topic (the first the analysis lists) and the team holding the case, with those
 * answered by their first-response deadline. Which team owns which topic is configuration that can change,
 * so the rollup keeps the team and the recompute compares it with today's owners; one leading topic per case
 * keeps a case from counting twice. Kept by a trigger of its own like the other case rollups; dismissed cases
 * and cases without a topic count in none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table rollup_case_topic_daily (
    org_id uuid not null references organisations(id) on delete cascade,
    day date not null,
    unit_id uuid references units(id) on delete cascade,
    topic text not null,
    team_id uuid,
    opened integer not null default 0,
    answered_in_time integer not null default 0,
    constraint rollup_case_topic_daily_key unique nulls not distinct (org_id, day, unit_id, topic, team_id)
  )`.execute(db);
  await sql`create function cxloop_count_case_topic(c cases, sign integer) returns void language plpgsql as $$
    begin
      if c.status = 'dismissed' or coalesce(cardinality(c.topics), 0) = 0 then return; end if;
      insert into rollup_case_topic_daily as r (org_id, day, unit_id, topic, team_id, opened, answered_in_time)
        values (c.org_id, (c.opened_at at time zone 'UTC')::date, c.unit_id, c.topics[1], c.team_id, sign,
          sign * coalesce(c.first_response_at <= c.first_response_due_at, false)::int)
        on conflict on constraint rollup_case_topic_daily_key do update set
          opened = r.opened + excluded.opened, answered_in_time = r.answered_in_time + excluded.answered_in_time;
    end $$`.execute(db);
  await sql`create function cxloop_case_topic_into_rollups() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then perform cxloop_count_case_topic(old, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform cxloop_count_case_topic(new, 1); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger case_topic_into_rollups after insert or delete on cases
    for each row execute function cxloop_case_topic_into_rollups()`.execute(db);
  await sql`create trigger case_topic_into_rollups_on_update after update on cases for each row
    when ((old.status, old.topics, old.team_id, old.opened_at, old.unit_id, old.first_response_at,
           old.first_response_due_at)
      is distinct from (new.status, new.topics, new.team_id, new.opened_at, new.unit_id, new.first_response_at,
           new.first_response_due_at))
    execute function cxloop_case_topic_into_rollups()`.execute(db);
  await sql`select cxloop_count_case_topic(c, 1) from cases c`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger case_topic_into_rollups on cases`.execute(db);
  await sql`drop trigger case_topic_into_rollups_on_update on cases`.execute(db);
  await sql`drop function cxloop_case_topic_into_rollups(), cxloop_count_case_topic(cases, integer)`.execute(
    db,
  );
  await sql`drop table rollup_case_topic_daily`.execute(db);
}
