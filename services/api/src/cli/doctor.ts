import { queueNames } from '@cxloop/contracts';
import { createDb, pendingMigrations } from '@cxloop/db';
import { ConfigError, closeQueue, redisOptions, withTimeout } from '@cxloop/runtime';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { loadApiConfig } from '../config.js';

/**
 * `pnpm cxloop doctor`: what an operator checks first. Each check reports ok, a warning or a problem with
 * a sentence saying what to do; any problem makes the exit code non-zero.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
}

const MIN_POSTGRES_MAJOR = 13; // gen_random_uuid() without an extension
const MIN_REDIS = [6, 2]; // what BullMQ 5 is supported on
const SWEEPER_STALE_SECONDS = 10 * 60;
/** Jobs waiting in one queue; `analyze` and `aggregate` jobs carry up to 100 feedback each. */
const BACKLOG_WARNING = 1_000;
const TIMEOUT_MS = 3_000;

function versionAtLeast(version: string, minimum: number[]): boolean {
  const parts = version.split('.').map(Number);
  for (const [index, wanted] of minimum.entries()) {
    const have = parts[index] ?? 0;
    if (have !== wanted) return have > wanted;
  }
  return true;
}

function failure(check: string, url: string, error: unknown): CheckResult {
  const reason = error instanceof Error ? error.message : String(error);
  return { check, status: 'fail', detail: `cannot reach ${new URL(url).host}: ${reason}` };
}

async function checkPostgres(databaseUrl: string): Promise<CheckResult[]> {
  const db = createDb(databaseUrl, { maxConnections: 1, applicationName: 'cxloop-doctor' });
  try {
    const { rows } = await withTimeout(
      sql<{ version: string }>`select current_setting('server_version') as version`.execute(db),
      TIMEOUT_MS,
      'postgres',
    );
    // e.g. "15.19 (Debian 15.19-0+deb12u1)"
    const version = rows[0]?.version.split(' ')[0] ?? '0';
    const results: CheckResult[] = [
      versionAtLeast(version, [MIN_POSTGRES_MAJOR])
        ? { check: 'postgres', status: 'ok', detail: `reachable, version ${version}` }
        : {
            check: 'postgres',
            status: 'fail',
            detail: `version ${version}; cxloop needs ${MIN_POSTGRES_MAJOR} or newer`,
          },
    ];
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      results.push({
        check: 'migrations',
        status: 'fail',
        detail: `pending: ${pending.join(', ')}; run \`pnpm db:migrate\``,
      });
      return results;
    }
    results.push({ check: 'migrations', status: 'ok', detail: 'all applied' });
    const sweeper = await db
      .selectFrom('maintenance_runs')
      .select(['last_run_at'])
      .where('task', '=', 'analysis-sweeper')
      .executeTakeFirst();
    const age = sweeper ? Math.round((Date.now() - sweeper.last_run_at.getTime()) / 1000) : undefined;
    results.push(
      age === undefined
        ? { check: 'sweeper', status: 'warn', detail: 'has never run; is the aggregation worker running?' }
        : age > SWEEPER_STALE_SECONDS
          ? {
              check: 'sweeper',
              status: 'fail',
              detail: `last ran ${age} s ago; start the aggregation worker`,
            }
          : { check: 'sweeper', status: 'ok', detail: `last ran ${age} s ago` },
    );
    return results;
  } catch (error) {
    return [failure('postgres', databaseUrl, error)];
  } finally {
    await db.destroy();
  }
}

async function checkRedis(redisUrl: string, prefix: string): Promise<CheckResult[]> {
  const connection = { ...redisOptions(redisUrl), lazyConnect: true, maxRetriesPerRequest: 1 };
  const redis = new Redis(connection);
  redis.on('error', () => {});
  try {
    await withTimeout(redis.connect(), TIMEOUT_MS, 'redis');
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '0';
    const results: CheckResult[] = [
      versionAtLeast(version, MIN_REDIS)
        ? { check: 'redis', status: 'ok', detail: `reachable, version ${version}` }
        : {
            check: 'redis',
            status: 'fail',
            detail: `version ${version}; BullMQ needs ${MIN_REDIS.join('.')} or newer`,
          },
    ];
    for (const name of Object.values(queueNames)) {
      const queue = new Queue(name, { connection, prefix });
      try {
        const counts = await withTimeout(
          queue.getJobCounts('waiting', 'delayed', 'failed'),
          TIMEOUT_MS,
          name,
        );
        const backlog = (counts.waiting ?? 0) + (counts.delayed ?? 0);
        const failed = counts.failed ?? 0;
        const detail = `${backlog} jobs waiting, ${failed} failed`;
        results.push({
          check: `queue ${name}`,
          status: backlog > BACKLOG_WARNING || failed > 0 ? 'warn' : 'ok',
          detail: failed > 0 ? `${detail}; inspect failed jobs on the queue board` : detail,
        });
      } finally {
        await closeQueue(queue);
      }
    }
    return results;
  } catch (error) {
    return [failure('redis', redisUrl, error)];
  } finally {
    redis.disconnect();
  }
}

export async function runDoctor(): Promise<CheckResult[]> {
  let config: ReturnType<typeof loadApiConfig>;
  try {
    config = loadApiConfig();
  } catch (error) {
    if (error instanceof ConfigError)
      return [{ check: 'configuration', status: 'fail', detail: error.message }];
    throw error;
  }
  return [
    { check: 'configuration', status: 'ok', detail: 'environment parses' },
    ...(await checkPostgres(config.DATABASE_URL)),
    ...(await checkRedis(config.REDIS_URL, config.REDIS_PREFIX)),
  ];
}

export function formatDoctorReport(results: readonly CheckResult[]): string {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  return results.map((r) => `${mark[r.status]}  ${r.check.padEnd(16)} ${r.detail}`).join('\n');
}
