import { createDb, migrateToLatest } from '@cxloop/db';
import pg from 'pg';
import { testServerDatabaseUrl } from './service-addresses.js';

/**
 * Test databases are created beside the configured one, by the configured user (it needs CREATEDB), through
 * a connection to the server's maintenance database; TEST_ADMIN_DATABASE_URL names another connection.
 */
function adminUrl(): string {
  if (process.env.TEST_ADMIN_DATABASE_URL) return process.env.TEST_ADMIN_DATABASE_URL;
  const url = new URL(testServerDatabaseUrl());
  url.pathname = '/postgres';
  return url.toString();
}

function urlFor(name: string): string {
  const url = new URL(testServerDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and applies every migration to it. */
export async function createTestDatabase(name: string): Promise<{ name: string; url: string }> {
  await asAdmin((client) => client.query(`create database "${name}"`));
  const url = urlFor(name);
  const db = createDb(url, { maxConnections: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return { name, url };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await asAdmin((client) => client.query(`drop database if exists "${name}" with (force)`));
}

/** Names of the databases starting with `prefix`. */
export async function listTestDatabases(prefix: string): Promise<string[]> {
  const { rows } = await asAdmin((client) =>
    client.query<{ datname: string }>(
      `select datname from pg_database where starts_with(datname, $1) order by datname`,
      [prefix],
    ),
  );
  return rows.map((row) => row.datname);
}
