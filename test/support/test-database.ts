import { createDb, migrateToLatest } from '@cxloop/db';
import pg from 'pg';

/** The server-level database the machine provides; test databases are created beside it. */
const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function urlFor(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function asAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and applies every migration to it. */
export async function createTestDatabase(name: string): Promise<{ name: string; url: string }> {
  await asAdmin(`create database "${name}"`);
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
  await asAdmin(`drop database if exists "${name}" with (force)`);
}
