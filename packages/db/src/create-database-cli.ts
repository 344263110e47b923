import { readEnv, sharedEnvShape } from '@cxloop/runtime';
import pg from 'pg';
import { z } from 'zod';

// `pnpm db:create`: creates the database DATABASE_URL names if it does not exist yet, connecting to the
// server's maintenance database to do so.
const env = readEnv(z.object({ DATABASE_URL: sharedEnvShape.DATABASE_URL }));
const target = new URL(env.DATABASE_URL);
const name = decodeURIComponent(target.pathname.slice(1));
const maintenance = new URL(env.DATABASE_URL);
maintenance.pathname = '/postgres';

const client = new pg.Client({ connectionString: maintenance.toString() });
try {
  await client.connect();
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (rowCount === 0) {
    await client.query(`create database "${name.replaceAll('"', '""')}"`);
    process.stdout.write(`created database ${name}\n`);
  }
} catch (error) {
  process.stderr.write(
    `could not create database ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  await client.end();
}
