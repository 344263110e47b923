import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export type VendorFetchStatus = 'pending' | 'done' | 'failed';

/** A vendor object a webhook named, to be fetched in the background (SurveyMonkey's response details). */
export interface VendorFetchTable {
  id: Generated<string>;
  org_id: string;
  source_id: string;
  /** The vendor's id of the event that named the object: unique per source. */
  key: string;
  payload: JSONColumnType<Record<string, unknown>>;
  status: Generated<VendorFetchStatus>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface VendorFetchTables {
  vendor_fetches: VendorFetchTable;
}
