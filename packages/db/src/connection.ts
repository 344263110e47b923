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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Db, pg.Pool>();

/** A statement worth preparing: run often, with a fixed text whatever its values. */
export interface PreparedStatement {
  /** Unique per text: a connection prepares each name once. */
  name: string;
  text: string;
}

/**
 * Runs a named prepared statement on `db`'s pool: each connection parses and plans it once and then only
 * binds values, which Kysely (unnamed statements, planned on every call) cannot do. Only for hot statements
 * (a feedback insert on every delivery), since every connection keeps the plans it prepared. A transaction
 * has no pool of its own: pass the Db that createDb returned.
 */
export async function queryPrepared<Row extends object>(
  db: Db,
  statement: PreparedStatement,
  values: unknown[],
): Promise<Row[]> {
  const pool = pools.get(db);
  if (!pool) throw new Error(`queryPrepared(${statement.name}) needs a Db made by createDb`);
  const result = await pool.query<Row>({ name: statement.name, text: statement.text, values });
  return result.rows;
}
