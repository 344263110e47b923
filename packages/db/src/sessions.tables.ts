import type { ColumnType } from 'kysely';

/** A dashboard session derived from an API key; the token itself is only ever held by the browser. */
export interface SessionTable {
  token_hash: string;
  org_id: string;
  api_key_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface SessionTables {
  sessions: SessionTable;
}
