import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * Where the suites that need services find PostgreSQL and Redis. The test-specific variables win, then the
 * ones every cxloop process reads (from the environment, else from `.env` in the working directory, as
 * `readEnv` does), then the same local defaults as the processes.
 */
const defaults = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cxloop',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

/**
 * Copies the service addresses from `.env` into the environment where the environment has none (only
 * these: the rest of `.env` configures a running cxloop, not the tests). Called once by vitest.config.ts,
 * so test workers and the processes tests start inherit the same addresses.
 */
export function loadServiceAddresses(file = '.env'): void {
  if (!existsSync(file)) return;
  const values = parseEnv(readFileSync(file, 'utf8'));
  for (const name of ['TEST_DATABASE_URL', 'TEST_REDIS_URL', 'DATABASE_URL', 'REDIS_URL']) {
    const value = values[name];
    if (value !== undefined && process.env[name] === undefined) process.env[name] = value;
  }
}

/** The PostgreSQL server test databases are created on (its path names a database to connect to first). */
export function testServerDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? defaults.DATABASE_URL;
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? defaults.REDIS_URL;
}
