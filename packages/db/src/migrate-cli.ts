import { readEnv, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';
import { createDb } from './connection.js';
import { migrateDown, migrateToLatest } from './migrate.js';

// `pnpm db:migrate` / `pnpm db:rollback`: the only entry points that change the schema.
const env = readEnv(z.object({ DATABASE_URL: sharedEnvShape.DATABASE_URL }));
const direction = process.argv[2] === 'down' ? 'down' : 'up';
const db = createDb(env.DATABASE_URL, { maxConnections: 1, applicationName: 'cxloop-migrate' });
try {
  const names = direction === 'up' ? await migrateToLatest(db) : await migrateDown(db);
  process.stdout.write(
    names.length === 0 ? 'migrations: nothing to do\n' : `migrations ${direction}: ${names.join(', ')}\n`,
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
