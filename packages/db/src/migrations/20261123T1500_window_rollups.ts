import { type Kysely, sql } from 'kysely';

/**
 * Rollups for the last two recompute inputs that still grew with volume (DESIGN invariant 4):
 *
 * - Triage cases, per UTC day of opening and unit (`rollup_case_daily`, `rollup_case_response`), kept by a
 *   trigger on `cases`: every insert, update and delete subtracts the old row's contribution and adds the
 *   new one's in the same transaction, so no code path that changes a case can forget it.
 * - Returning customers (`rollup_customer_return`): each customer's visit days form a chain; a row counts
 *   the visits on `day` whose previous visit was `prev_day` (null: first visit), per unit and for the
 *   enterprise (unit_id null). "Customers of window W also seen in the window before" is then a sum over
 *   (day, prev_day) pairs, bounded by days², never by customers. A BEFORE INSERT trigger on
 *   `customer_days` links each new visit between its neighbours under a per-customer advisory lock.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id').onDelete('set null'))
    .execute();
  await sql`update cases c set unit_id = f.unit_id from feedback f where f.id = c.feedback_id`.execute(db);
  // What the closed-loop figures read live: open cases whose later deadline is still ahead (the recent
  // ones); the index carries the columns they count, so the heap can be skipped.
  await sql`create index cases_open_due_idx on cases (org_id, (greatest(first_response_due_at, resolution_due_at)))
    include (opened_at, unit_id, status, acknowledged_at, first_response_at, first_response_due_at, resolution_due_at)
    where closed_at is null`.execute(db);

  await sql`create table rollup_case_daily (
    org_id uuid not null references organisations(id) on delete cascade,
    day date not null,
    unit_id uuid references units(id) on delete cascade,
    opened integer not null default 0,
    acknowledged integer not null default 0,
    answered integer not null default 0,
    answered_in_time integer not null default 0,
    closed_with_reply integer not null default 0,
    owned integer not null default 0,
    constraint rollup_case_daily_key unique nulls not distinct (org_id, day, unit_id)
  )`.execute(db);
  await sql`create table rollup_case_response (
    org_id uuid not null references organisations(id) on delete cascade,
    day date not null,
    unit_id uuid references units(id) on delete cascade,
    bucket smallint not null,
    count integer not null default 0,
    constraint rollup_case_response_key unique nulls not distinct (org_id, day, unit_id, bucket)
  )`.execute(db);

  // Dismissed cases (not a real issue) count in no closed-loop figure. The response-time buckets are
  // hours (CASE_RESPONSE_BUCKETS in case-windows.ts), log-spaced like the analysis lag histogram.
  await sql`create function cxloop_count_case(c cases, sign integer) returns void language plpgsql as $$
    declare
      opened_day date := (c.opened_at at time zone 'UTC')::date;
      was_acknowledged boolean := c.acknowledged_at is not null or c.first_response_at is not null;
      response_hours float8;
    begin
      if c.status = 'dismissed' then return; end if;
      insert into rollup_case_daily as r (org_id, day, unit_id, opened, acknowledged, answered, answered_in_time,
          closed_with_reply, owned)
        values (c.org_id, opened_day, c.unit_id, sign, sign * was_acknowledged::int, sign * (c.first_response_at is not null)::int,
          sign * coalesce(c.first_response_at <= c.first_response_due_at, false)::int,
          sign * (c.status = 'resolved' and c.first_response_at is not null)::int,
          sign * (c.first_assigned_at is not null)::int)
        on conflict on constraint rollup_case_daily_key do update set
          opened = r.opened + excluded.opened, acknowledged = r.acknowledged + excluded.acknowledged,
          answered = r.answered + excluded.answered, answered_in_time = r.answered_in_time + excluded.answered_in_time,
          closed_with_reply = r.closed_with_reply + excluded.closed_with_reply,
          owned = r.owned + excluded.owned;
      if c.first_response_at is not null then
        response_hours := greatest(0, extract(epoch from c.first_response_at - c.opened_at) / 3600);
        insert into rollup_case_response as r (org_id, day, unit_id, bucket, count)
          values (c.org_id, opened_day, c.unit_id,
            (select count(*) from unnest(array[0.25, 0.5, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720]::float8[]) upper
              where upper < response_hours), sign)
          on conflict on constraint rollup_case_response_key do update set count = r.count + excluded.count;
      end if;
    end $$`.execute(db);
  await sql`create function cxloop_cases_into_rollups() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then perform cxloop_count_case(old, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform cxloop_count_case(new, 1); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger cases_into_rollups after insert or delete on cases
    for each row execute function cxloop_cases_into_rollups()`.execute(db);
  // Most case updates (notes' version bumps, priority, assignment) change no counted column: skip them.
  await sql`create trigger cases_into_rollups_on_update after update on cases for each row
    when ((old.status, old.opened_at, old.unit_id, old.acknowledged_at, old.first_response_at,
           old.first_response_due_at, old.closed_at, old.first_assigned_at)
      is distinct from (new.status, new.opened_at, new.unit_id, new.acknowledged_at, new.first_response_at,
           new.first_response_due_at, new.closed_at, new.first_assigned_at))
    execute function cxloop_cases_into_rollups()`.execute(db);
  await sql`select cxloop_count_case(c, 1) from cases c`.execute(db);

  await sql`create index customer_days_chain_idx on customer_days (org_id, customer_ref, day)`.execute(db);
  await sql`create table rollup_customer_return (
    org_id uuid not null references organisations(id) on delete cascade,
    unit_id uuid references units(id) on delete cascade,
    day date not null,
    prev_day date,
    count integer not null default 0,
    constraint rollup_customer_return_key unique nulls not distinct (org_id, unit_id, day, prev_day)
  )`.execute(db);
  await sql`create function cxloop_add_return(org uuid, unit uuid, visit date, previous date, n integer)
    returns void language sql as $$
      insert into rollup_customer_return as r (org_id, unit_id, day, prev_day, count) values (org, unit, visit, previous, n)
      on conflict on constraint rollup_customer_return_key do update set count = r.count + excluded.count
    $$`.execute(db);
  // Links a visit day into a customer's chain (one unit's, or the enterprise's when unit is null).
  await sql`create function cxloop_chain_visit(org uuid, unit uuid, customer text, visit date)
    returns void language plpgsql as $$
    declare previous date; following date;
    begin
      select max(day) into previous from customer_days
        where org_id = org and customer_ref = customer and day < visit and (unit is null or unit_id = unit);
      select min(day) into following from customer_days
        where org_id = org and customer_ref = customer and day > visit and (unit is null or unit_id = unit);
      perform cxloop_add_return(org, unit, visit, previous, 1);
      if following is not null then
        perform cxloop_add_return(org, unit, following, previous, -1);
        perform cxloop_add_return(org, unit, following, visit, 1);
      end if;
    end $$`.execute(db);
  // BEFORE INSERT fires for rows ON CONFLICT DO NOTHING will skip, so it checks for the row itself; the
  // advisory lock (the key triage uses for the customer) makes that check and the chain update atomic
  // across concurrent transactions, which then see each other's committed visits.
  await sql`create function cxloop_customer_day_into_returns() returns trigger language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(hashtextextended(new.org_id::text || ':' || new.customer_ref, 0));
      if exists (select 1 from customer_days where org_id = new.org_id and customer_ref = new.customer_ref
          and day = new.day and unit_id is not distinct from new.unit_id) then
        return new;
      end if;
      if new.unit_id is not null then
        perform cxloop_chain_visit(new.org_id, new.unit_id, new.customer_ref, new.day);
      end if;
      if not exists (select 1 from customer_days where org_id = new.org_id and customer_ref = new.customer_ref
          and day = new.day) then
        perform cxloop_chain_visit(new.org_id, null, new.customer_ref, new.day);
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger customer_days_into_returns before insert on customer_days
    for each row execute function cxloop_customer_day_into_returns()`.execute(db);
  // Rebuilds an organisation's chains from customer_days in one pass: the backfill here, and bulk loads
  // that insert customer_days with the trigger disabled.
  await sql`create function cxloop_rebuild_customer_returns(org uuid) returns void language sql as $$
    delete from rollup_customer_return where org_id = org;
    insert into rollup_customer_return (org_id, unit_id, day, prev_day, count)
    select org, unit_id, day, prev_day, count(*) from (
      select unit_id, day, lag(day) over (partition by unit_id, customer_ref order by day) as prev_day
        from customer_days where org_id = org and unit_id is not null
      union all
      select null, day, lag(day) over (partition by customer_ref order by day)
        from (select distinct customer_ref, day from customer_days where org_id = org) visits
    ) chained group by unit_id, day, prev_day
  $$`.execute(db);
  await sql`select cxloop_rebuild_customer_returns(id) from organisations`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger customer_days_into_returns on customer_days`.execute(db);
  await sql`drop function cxloop_rebuild_customer_returns(uuid), cxloop_customer_day_into_returns(),
    cxloop_chain_visit(uuid, uuid, text, date), cxloop_add_return(uuid, uuid, date, date, integer)`.execute(
    db,
  );
  await sql`drop table rollup_customer_return`.execute(db);
  await sql`drop index customer_days_chain_idx`.execute(db);
  await sql`drop trigger cases_into_rollups on cases`.execute(db);
  await sql`drop trigger cases_into_rollups_on_update on cases`.execute(db);
  await sql`drop function cxloop_cases_into_rollups(), cxloop_count_case(cases, integer)`.execute(db);
  await sql`drop table rollup_case_response, rollup_case_daily`.execute(db);
  await sql`drop index cases_open_due_idx`.execute(db);
  await db.schema.alterTable('cases').dropColumn('unit_id').execute();
}
