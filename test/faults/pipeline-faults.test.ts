import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createDb, createOrganisation, type Db } from '@cxloop/db';
import { SecretBox } from '@cxloop/runtime';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSignedSource, eventually } from '../support/fixtures.js';
import { entries, freePort, type RunningProcess, startProcess, waitForHttp } from '../support/processes.js';
import { acceptedIds, startSignedLoad } from './load.js';
import { faultsRedisUrl } from './redis-url.js';

/**
 * Under sustained signed-webhook load: kill -9 the analysis worker, wipe Redis, restart PostgreSQL and
 * Redis (when FAULTS_RESTART_SERVICES=1, as CI does; a shared developer machine only wipes this run's
 * keys), stop and restart the API. After each fault, while the load goes on, every event that got a 2xx
 * so far must be stored once, analysed, counted once in the rollups and reflected in the organisation's
 * score; after the last, with the load stopped, exactly so.
 */
const restartServices = process.env.FAULTS_RESTART_SERVICES === '1';

let db: Db;
let env: Record<string, string>;
let apiPort: number;
let sourceId: string;
let orgId: string;
let secret: string;
const processes: Record<string, RunningProcess> = {};

function start(name: keyof typeof entries) {
  processes[name] = startProcess(name, entries[name], env);
}

async function apiUp() {
  await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`).catch((error: unknown) => {
    throw new Error(`${String(error)}\napi output:\n${processes.api?.output()}`);
  });
}

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), { maxConnections: 2 });
  const secretKey = randomBytes(32).toString('hex');
  const org = await createOrganisation(db, 'Faults org');
  orgId = org.id;
  // The suite measures faults, not the per-source rate limit.
  ({ sourceId, secret } = await createSignedSource(db, new SecretBox(secretKey), org.id, {
    name: 'faults',
    rateLimitPerMinute: 1_000_000,
  }));
  apiPort = await freePort();
  env = {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: faultsRedisUrl,
    REDIS_PREFIX: `${inject('redisPrefix')}:faults`,
    CXLOOP_SECRET_KEY: secretKey,
    PORT: String(apiPort),
    SWEEP_INTERVAL_SECONDS: '1',
    SWEEP_GRACE_SECONDS: '3',
    ANALYSIS_CONCURRENCY: '4',
    METRICS_PORT: '0',
  };
  start('api');
  start('analysis');
  start('aggregation');
  await apiUp();
});

afterAll(async () => {
  await Promise.all(Object.values(processes).map((p) => p.stop('SIGKILL')));
  execSync(`redis-cli -u ${faultsRedisUrl} flushdb`);
  await db.destroy();
});

function restart(service: 'postgresql' | 'redis') {
  if (service === 'postgresql') {
    execSync(
      'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main restart',
    );
  } else {
    execSync('redis-cli -h 127.0.0.1 -p 6379 shutdown nosave || true');
    execSync('bash infra/local/ensure-services.sh');
  }
}

/** The metric whose sample size is every feedback of the last 90 days counted into the rollups. */
const COUNTED_METRIC = 'identified_feedback_share_90d';

interface PipelineState {
  rows: { external_id: string; status: string; aggregated_at: Date | null }[];
  /** Rows carrying the "counted" marker and the rollups' feedback total, read in one snapshot. */
  aggregated: number;
  counted: number;
  /** Feedback the enterprise score had counted when it was last computed (0 before the first). */
  scored: number;
}

const isFinished = (row: { status: string; aggregated_at: Date | null } | undefined) =>
  row?.status === 'analysed' && row.aggregated_at !== null;

async function pipelineState(): Promise<PipelineState> {
  const rows = await db
    .selectFrom('feedback')
    .select(['external_id', 'status', 'aggregated_at'])
    .where('source_id', '=', sourceId)
    .execute();
  // One statement, one snapshot: the marker and the increments are committed together, so under load the
  // two totals must match at every instant, not only once the pipeline is idle.
  const { rows: totals } = await sql<{ aggregated: string; counted: string; scored: number | null }>`
    select
      (select count(*) from feedback where source_id = ${sourceId} and aggregated_at is not null) as aggregated,
      (select coalesce(sum(feedback_count), 0) from rollup_daily where org_id = ${orgId}) as counted,
      (select (metric->>'sampleSize')::int from score_current, jsonb_array_elements(metrics) as metric
        where org_id = ${orgId} and scope = 'enterprise' and metric->>'metric' = ${COUNTED_METRIC}) as scored
  `.execute(db);
  const [total] = totals;
  return {
    rows,
    aggregated: Number(total?.aggregated ?? 0),
    counted: Number(total?.counted ?? 0),
    scored: total?.scored ?? 0,
  };
}

/**
 * Waits (while the load goes on) until every event accepted so far is stored, analysed, counted and
 * reflected in the score, then checks and prints it; `after` names the fault just survived.
 */
async function expectAcceptedSoFarSettled(after: string, accepted: readonly string[]) {
  const finishedIds = (state: PipelineState) =>
    new Set(state.rows.filter(isFinished).map((row) => row.external_id));
  const settled = (state: PipelineState) => {
    const finished = finishedIds(state);
    return accepted.every((externalId) => finished.has(externalId)) && state.scored >= accepted.length;
  };
  const started = Date.now();
  // A batch the killed worker held comes back when BullMQ finds it stalled (10 s, batchWorkerLocks); the
  // sweeper's copy of it has the same job id. Generous, as a slow shared machine can stretch that.
  const state = await eventually(async () => {
    const current = await pipelineState();
    return settled(current) ? current : undefined;
  }, 120_000).catch(pipelineState);
  const stored = new Set(state.rows.map((row) => row.external_id));
  const finished = finishedIds(state);
  console.log(
    `after ${after}: accepted so far ${accepted.length}, of them stored ${accepted.filter((id) => stored.has(id)).length}, ` +
      `analysed and counted ${accepted.filter((id) => finished.has(id)).length}; ` +
      `rollups ${state.counted} = marked ${state.aggregated}; score counted ${state.scored}; ` +
      `settled in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  expect(accepted.filter((externalId) => !finished.has(externalId))).toEqual([]);
  expect(state.rows.length).toBe(stored.size);
  expect(state.counted).toBe(state.aggregated);
  expect(state.scored).toBeGreaterThanOrEqual(accepted.length);
  expect(state.scored).toBeLessThanOrEqual(state.counted);
}

describe('faults under load', () => {
  it('loses nothing that was accepted and duplicates nothing', async () => {
    const load = startSignedLoad({
      url: () => `http://127.0.0.1:${apiPort}/v1/sources/${sourceId}/events`,
      secret,
      concurrency: 8,
      maxSeconds: 480,
    });
    await load.untilMore(1_000, 202);

    // 1. The analysis worker dies mid-batch, then comes back.
    processes.analysis!.child.kill('SIGKILL');
    await load.untilMore(500, 202); // accepted while no worker analyses
    start('analysis');
    await load.untilMore(1_000, 202);
    await expectAcceptedSoFarSettled('kill -9 of the analysis worker', acceptedIds(load.outcomes));

    // 2. Redis loses everything (jobs included).
    if (restartServices) {
      execSync('redis-cli -h 127.0.0.1 -p 6379 flushall');
      restart('redis');
    } else {
      execSync(`redis-cli -u ${faultsRedisUrl} flushdb`);
    }
    await load.untilMore(1_500, 202);
    await expectAcceptedSoFarSettled(
      restartServices ? 'FLUSHALL and a Redis restart' : "a wipe of the suite's Redis database",
      acceptedIds(load.outcomes),
    );

    // 3. PostgreSQL restarts: the API must answer 503, never 2xx for what it could not commit.
    if (restartServices) {
      restart('postgresql');
      await load.untilMore(1_500, 202);
      await expectAcceptedSoFarSettled('a PostgreSQL restart', acceptedIds(load.outcomes));
    }

    // 4. The API stops gracefully and starts again.
    await processes.api!.stop('SIGTERM');
    await load.untilMore(50, 'network-error'); // deliveries meet the stopped API
    start('api');
    await apiUp();
    await load.untilMore(1_000, 202);

    const outcomes = await load.stop();
    const accepted = acceptedIds(outcomes);
    const rejected = [...outcomes].filter(([, outcome]) => outcome !== 202);

    // With the load stopped, everything stored must finish, and the score must count exactly that.
    const settled = await eventually(async () => {
      const state = await pipelineState();
      return state.rows.length >= accepted.length &&
        state.rows.every(isFinished) &&
        state.scored === state.rows.length
        ? state
        : undefined;
    }, 90_000).catch(pipelineState);

    const storedIds = new Set(settled.rows.map((row) => row.external_id));
    const analysed = settled.rows.filter((row) => row.status === 'analysed').length;
    const aggregated = settled.rows.filter((row) => row.aggregated_at !== null).length;
    const rejectedButStored = rejected.filter(([externalId]) => storedIds.has(externalId));
    const reasons = [...new Set(rejected.map(([, outcome]) => outcome))].join(', ') || 'none';
    console.log(
      `faults: sent ${outcomes.size}, accepted ${accepted.length}, rejected ${rejected.length} (${reasons}), ` +
        `stored ${settled.rows.length}, analysed ${analysed}, aggregated ${aggregated}, counted in rollups ${settled.counted}, ` +
        `counted by the score ${settled.scored}, ` +
        `rejected but stored (commit outcome unknown to the sender) ${rejectedButStored.length}` +
        (restartServices ? '' : ' [PostgreSQL/Redis restarts skipped: set FAULTS_RESTART_SERVICES=1]'),
    );
    for (const running of Object.values(processes)) {
      const { exitCode, signalCode } = running.child;
      if (exitCode !== null || signalCode !== null) {
        console.log(`${running.name} exited (${exitCode ?? signalCode}):\n${running.output()}`);
      }
    }

    expect(accepted.length).toBeGreaterThan(100);
    expect(accepted.filter((externalId) => !storedIds.has(externalId))).toEqual([]);
    expect(settled.rows.length).toBe(storedIds.size);
    expect(analysed).toBe(settled.rows.length);
    // Counted exactly once: every row carries the marker and the rollups hold exactly that many.
    expect(aggregated).toBe(settled.rows.length);
    expect(settled.counted).toBe(settled.rows.length);
    // Reflected in the score: its last recompute counted every stored feedback, no more.
    expect(settled.scored).toBe(settled.rows.length);
    // A 2xx was never sent for an uncommitted row; the only stored rejections are network errors, where the
    // sender cannot know whether the commit happened (it retries with the same external id, harmlessly).
    expect(rejectedButStored.every(([, outcome]) => outcome === 'network-error' || outcome === 503)).toBe(
      true,
    );

    // 5. Redis is lost at a quiet moment with the score not yet recomputed for the counted feedback (the
    // score is removed, as if its recompute request had been lost): with no new feedback to ask again, the
    // sweep's score refresh must have it recomputed.
    await db.deleteFrom('score_current').where('org_id', '=', orgId).execute();
    execSync(`redis-cli -u ${faultsRedisUrl} flushdb`);
    const rescored = await eventually(async () => {
      const state = await pipelineState();
      return state.scored === settled.rows.length ? state : undefined;
    }, 30_000).catch(pipelineState);
    console.log(`after a lost recompute request: score counted ${rescored.scored} of ${settled.rows.length}`);
    expect(rescored.scored).toBe(settled.rows.length);
  });
});
