import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DbOptions {
  /** Pool size; an API process and a worker each hold their own pool. */
  maxConnections?: number;
  applicationName?: string;
}

/**
 * Opens a pooled connection to PostgreSQL.
 *
 * @example
 * const db = createDb('postgres://postgres@127.0.0.1:5432/cxloop');
 * await db.selectFrom('organisations').selectAll().execute();
 * await db.destroy();
 */
export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'cxloop',
    connectionTimeoutMillis: 5_000,
  });
  // A client losing its connection (PostgreSQL restarting: "terminating connection due to administrator
  // command") must not crash the process. The pool reports it for idle clients; a checked-out client emits
  // it on itself, where nobody listens, and its pending query fails on its own. Either way the pool
  // replaces the client.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
