import { type Kysely, sql } from 'kysely';

/** Tables whose rows belong to one feedback and are deleted with it. */
const FEEDBACK_CHILDREN = ['feedback_analysis', 'cases', 'case_feedback'] as const;

/** The feedback table's secondary indexes, the same before and after partitioning. */
async function createFeedbackIndexes(db: Kysely<any>): Promise<void> {
  await sql`create index feedback_org_occurred_idx on feedback (org_id, occurred_at)`.execute(db);
  await sql`create index feedback_awaiting_analysis_idx on feedback (received_at)
    where status = 'received'`.execute(db);
  await sql`create index feedback_awaiting_aggregation_idx on feedback (analysed_at)
    where status = 'analysed' and aggregated_at is null`.execute(db);
  await sql`create index feedback_not_analysed_idx on feedback (org_id, received_at)
    where status <> 'analysed'`.execute(db);
}

async function addFeedbackReferences(db: Kysely<any>): Promise<void> {
  await sql`alter table feedback
    add constraint feedback_org_id_fkey foreign key (org_id) references organisations(id) on delete cascade,
    add constraint feedback_unit_id_fkey foreign key (unit_id) references units(id) on delete set null,
    add constraint feedback_source_id_fkey foreign key (source_id) references sources(id) on delete cascade`.execute(
    db,
  );
}

/**
 * `feedback` partitioned by UTC month of receipt (docs/operations.md, "Feedback partitioned by month"):
 * old months can be detached whole, and the hot month's indexes stay small.
 *
 * - received_at is kept to the millisecond (timestamptz(3)), so the value a JavaScript client reads back is
 *   the stored one, and references written from it match.
 * - The primary key becomes (id, received_at): PostgreSQL enforces uniqueness on a partitioned table only
 *   with the partition key in it. Ids stay as they were (they have been handed to senders).
 * - The idempotency key (source, external id) moves to `feedback_keys`, filled by a BEFORE INSERT trigger
 *   that skips the row when its key exists: a plain INSERT then behaves like the former ON CONFLICT DO
 *   NOTHING (RETURNING lists only the rows stored, concurrent inserts of one key wait for each other).
 * - Analyses, cases and case links carry `feedback_received_at` and reference (id, received_at); a trigger
 *   fills it from the feedback row when the writer leaves it out.
 * - `cxloop_ensure_feedback_partitions(months_ahead)` creates this month's and the next months' partitions;
 *   the aggregation worker calls it with every sweep. Rows outside every month partition (a bulk load of
 *   old history) land in `feedback_default`, so an insert never fails for want of a partition.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table feedback_keys (
    source_id uuid not null references sources(id) on delete cascade,
    external_id text not null,
    feedback_id uuid not null,
    received_at timestamptz(3) not null,
    primary key (source_id, external_id)
  )`.execute(db);

  await sql`alter table feedback rename to feedback_unpartitioned`.execute(db);
  // Milliseconds, as JavaScript dates hold them: the analysis worker and case opening write the
  // received_at they read back into the references, which must equal the stored value exactly.
  await sql`alter table feedback_unpartitioned alter column received_at type timestamptz(3)`.execute(db);
  await sql`create table feedback (like feedback_unpartitioned including defaults including constraints)
    partition by range (received_at)`.execute(db);
  await sql`create table feedback_default partition of feedback default`.execute(db);
  await sql`create function cxloop_create_feedback_month(month date) returns boolean language plpgsql as $$
    declare
      name text := 'feedback_' || to_char(month, 'YYYY_MM');
      starts timestamptz := (date_trunc('month', month)::timestamp at time zone 'UTC');
      ends timestamptz := ((date_trunc('month', month) + interval '1 month')::timestamp at time zone 'UTC');
    begin
      if to_regclass(name) is not null then return false; end if;
      -- A month whose rows already sit in the default partition stays there: attaching it would fail.
      if exists (select 1 from feedback_default where received_at >= starts and received_at < ends) then
        return false;
      end if;
      execute format('create table %I partition of feedback for values from (%L) to (%L)', name, starts, ends);
      return true;
    end $$`.execute(db);
  await sql`create function cxloop_ensure_feedback_partitions(months_ahead int) returns int language sql as $$
    select count(*) filter (where cxloop_create_feedback_month(month::date))::int
    from generate_series(date_trunc('month', now() at time zone 'UTC'),
      date_trunc('month', now() at time zone 'UTC') + make_interval(months => months_ahead),
      interval '1 month') as month
  $$`.execute(db);
  // The months already holding feedback, then this one and the next two.
  await sql`select cxloop_create_feedback_month(month::date)
    from generate_series(
      (select date_trunc('month', min(received_at) at time zone 'UTC') from feedback_unpartitioned),
      date_trunc('month', now() at time zone 'UTC'), interval '1 month') as month`.execute(db);
  await sql`select cxloop_ensure_feedback_partitions(2)`.execute(db);

  await sql`insert into feedback select * from feedback_unpartitioned`.execute(db);
  await sql`insert into feedback_keys (source_id, external_id, feedback_id, received_at)
    select source_id, external_id, id, received_at from feedback_unpartitioned`.execute(db);
  for (const child of FEEDBACK_CHILDREN) {
    await sql`alter table ${sql.table(child)} add column feedback_received_at timestamptz(3)`.execute(db);
    await sql`update ${sql.table(child)} c set feedback_received_at = f.received_at
      from feedback_unpartitioned f where f.id = c.feedback_id`.execute(db);
    await sql`alter table ${sql.table(child)} alter column feedback_received_at set not null,
      drop constraint ${sql.raw(`${child}_feedback_id_fkey`)}`.execute(db);
  }
  await sql`drop table feedback_unpartitioned`.execute(db);

  await sql`alter table feedback add primary key (id, received_at)`.execute(db);
  await addFeedbackReferences(db);
  await createFeedbackIndexes(db);
  await sql`create function cxloop_feedback_received_at() returns trigger language plpgsql as $$
    begin
      select received_at into new.feedback_received_at from feedback where id = new.feedback_id;
      return new;
    end $$`.execute(db);
  for (const child of FEEDBACK_CHILDREN) {
    await sql`alter table ${sql.table(child)} add constraint ${sql.raw(`${child}_feedback_fkey`)}
      foreign key (feedback_id, feedback_received_at) references feedback (id, received_at)
      on update cascade on delete cascade`.execute(db);
    await sql`create trigger ${sql.raw(`${child}_feedback_received_at`)} before insert on ${sql.table(child)}
      for each row when (new.feedback_received_at is null)
      execute function cxloop_feedback_received_at()`.execute(db);
  }

  // A row whose received_at is corrected moves partition: PostgreSQL deletes it from one and inserts it
  // into the other, firing these triggers. The key it already owns lets it in (and follows its
  // received_at), and is released only when no row with the feedback's id is left.
  await sql`create function cxloop_claim_feedback_key() returns trigger language plpgsql as $$
    begin
      insert into feedback_keys (source_id, external_id, feedback_id, received_at)
      values (new.source_id, new.external_id, new.id, new.received_at)
      on conflict do nothing;
      if found then
        return new;
      end if;
      update feedback_keys set received_at = new.received_at
      where source_id = new.source_id and external_id = new.external_id and feedback_id = new.id;
      if found then
        return new;
      end if;
      return null; -- a redelivery (or a repeat within the statement): the stored row stands
    end $$`.execute(db);
  await sql`create trigger feedback_claim_key before insert on feedback
    for each row execute function cxloop_claim_feedback_key()`.execute(db);
  await sql`create function cxloop_release_feedback_key() returns trigger language plpgsql as $$
    begin
      delete from feedback_keys where source_id = old.source_id and external_id = old.external_id
        and feedback_id = old.id and not exists (select 1 from feedback where id = old.id);
      return null;
    end $$`.execute(db);
  await sql`create trigger feedback_release_key after delete on feedback
    for each row execute function cxloop_release_feedback_key()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create table feedback_flat (like feedback including defaults including constraints)`.execute(db);
  await sql`insert into feedback_flat select * from feedback`.execute(db);
  for (const child of FEEDBACK_CHILDREN) {
    await sql`drop trigger ${sql.raw(`${child}_feedback_received_at`)} on ${sql.table(child)}`.execute(db);
    await sql`alter table ${sql.table(child)} drop constraint ${sql.raw(`${child}_feedback_fkey`)},
      drop column feedback_received_at`.execute(db);
  }
  await sql`drop table feedback`.execute(db);
  await sql`alter table feedback_flat rename to feedback`.execute(db);
  await sql`alter table feedback add primary key (id),
    add constraint feedback_source_external_unique unique (source_id, external_id)`.execute(db);
  await addFeedbackReferences(db);
  await createFeedbackIndexes(db);
  for (const child of FEEDBACK_CHILDREN) {
    await sql`alter table ${sql.table(child)} add constraint ${sql.raw(`${child}_feedback_id_fkey`)}
      foreign key (feedback_id) references feedback (id) on delete cascade`.execute(db);
  }
  await sql`drop table feedback_keys`.execute(db);
  await sql`drop function cxloop_claim_feedback_key, cxloop_release_feedback_key, cxloop_feedback_received_at,
    cxloop_ensure_feedback_partitions, cxloop_create_feedback_month`.execute(db);
}
