import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { VendorFetchStatus } from './vendor-fetches.tables.js';

export interface VendorFetchToRecord {
  orgId: string;
  sourceId: string;
  key: string;
  payload: Record<string, unknown>;
}

/** A fetch as the fetcher and an admin see it. */
export interface VendorFetch {
  id: string;
  org_id: string;
  source_id: string;
  key: string;
  payload: Record<string, unknown>;
  status: VendorFetchStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/**
 * Records that a delivery named something to fetch; committed before the delivery is answered. A
 * redelivery of the same event (same key) records nothing and says so.
 */
export async function recordVendorFetch(db: Db, fetch: VendorFetchToRecord): Promise<{ created: boolean }> {
  const inserted = await db
    .insertInto('vendor_fetches')
    .values({
      org_id: fetch.orgId,
      source_id: fetch.sourceId,
      key: fetch.key,
      payload: JSON.stringify(fetch.payload),
      last_error: null,
    })
    .onConflict((conflict) => conflict.columns(['source_id', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return { created: inserted !== undefined };
}

/**
 * Claims up to `limit` due fetches for `leaseSeconds`: their next attempt moves past the lease, so another
 * API replica (or this one after a crash) takes a fetch again only when the lease ran out without an answer.
 * Claiming commits at once; no row lock is held while the vendor is asked.
 */
export async function claimDueVendorFetches(
  db: Db,
  now: Date,
  leaseSeconds: number,
  limit: number,
): Promise<VendorFetch[]> {
  const claimed = await sql<VendorFetch>`
    update vendor_fetches set next_attempt_at = ${now}::timestamptz + make_interval(secs => ${leaseSeconds}),
      attempts = attempts + 1
    where id in (
      select id from vendor_fetches where status = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at limit ${limit} for update skip locked)
    returning *`.execute(db);
  return claimed.rows;
}

/** A fetch whose object was fetched and stored. */
export async function finishVendorFetch(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('vendor_fetches')
    .set({ status: 'done', finished_at: now, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** A failed attempt: tried again at `retryAt`, or given up (`failed`, kept for an admin's retry) when null. */
export async function failVendorFetch(
  db: Db,
  id: string,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db
    .updateTable('vendor_fetches')
    .set(
      retryAt
        ? { last_error: error.slice(0, 1_000), next_attempt_at: retryAt }
        : { last_error: error.slice(0, 1_000), status: 'failed' },
    )
    .where('id', '=', id)
    .execute();
}

/** An admin's retry of a fetch that was given up: due now, with a fresh count of attempts. */
export async function retryVendorFetch(
  db: Db,
  orgId: string,
  sourceId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const updated = await db
    .updateTable('vendor_fetches')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now })
    .where('org_id', '=', orgId)
    .where('source_id', '=', sourceId)
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** A source's fetches not done yet (pending or given up), oldest first. */
export async function listOpenVendorFetches(
  db: Db,
  orgId: string,
  sourceId: string,
  limit: number,
): Promise<VendorFetch[]> {
  const rows = await db
    .selectFrom('vendor_fetches')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('source_id', '=', sourceId)
    .where('status', '!=', 'done')
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows as VendorFetch[];
}
