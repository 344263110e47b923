import { type Kysely, sql } from 'kysely';

/**
 * First-time resolution for the response team's score (D4.2): `rollup_case_daily` gains `resolved` (cases
 * resolved at least once: resolved now, or reopened after closing) and `reopened` (reopened at least once),
 * per day of opening and unit. A trigger of their own keeps them, beside the one that keeps the other
 * columns, so the existing function stays as it was applied. Dismissed cases count in neither, as in the
 * other closed-loop figures.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rollup_case_daily
    add column resolved integer not null default 0,
    add column reopened integer not null default 0`.execute(db);
  await sql`create function cxloop_count_case_resolution(c cases, sign integer) returns void language plpgsql as $$
    begin
      if c.status = 'dismissed' or not (c.status = 'resolved' or c.reopen_count > 0) then return; end if;
      insert into rollup_case_daily as r (org_id, day, unit_id, resolved, reopened)
        values (c.org_id, (c.opened_at at time zone 'UTC')::date, c.unit_id, sign, sign * (c.reopen_count > 0)::int)
        on conflict on constraint rollup_case_daily_key do update set
          resolved = r.resolved + excluded.resolved, reopened = r.reopened + excluded.reopened;
    end $$`.execute(db);
  await sql`create function cxloop_case_resolution_into_rollups() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then perform cxloop_count_case_resolution(old, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform cxloop_count_case_resolution(new, 1); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger case_resolution_into_rollups after insert or delete on cases
    for each row execute function cxloop_case_resolution_into_rollups()`.execute(db);
  await sql`create trigger case_resolution_into_rollups_on_update after update on cases for each row
    when ((old.status, old.reopen_count, old.opened_at, old.unit_id)
      is distinct from (new.status, new.reopen_count, new.opened_at, new.unit_id))
    execute function cxloop_case_resolution_into_rollups()`.execute(db);
  await sql`select cxloop_count_case_resolution(c, 1) from cases c`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger case_resolution_into_rollups on cases`.execute(db);
  await sql`drop trigger case_resolution_into_rollups_on_update on cases`.execute(db);
  await sql`drop function cxloop_case_resolution_into_rollups(), cxloop_count_case_resolution(cases, integer)`.execute(
    db,
  );
  await sql`alter table rollup_case_daily drop column resolved, drop column reopened`.execute(db);
}
