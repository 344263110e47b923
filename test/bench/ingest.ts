import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createDb, createOrganisation, createSource } from '@cxloop/db';
import { generateSigningSecret, SecretBox } from '@cxloop/runtime';
import {
  entries,
  freePort,
  type ProcessOptions,
  type RunningProcess,
  startProcess,
  waitForHttp,
} from '../support/processes.js';
import { flushRedisPrefix } from '../support/redis.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { describeMachine, median } from './machine.js';
import { cpuDuring } from './process-cpu.js';

/**
 * `pnpm bench:ingest`: signed-webhook ingestion through the real API (signature check, validation, durable
 * commit, enqueue) against a bare Fastify route answering 202 on the same machine, same generator, same
 * run. Prints events/s and latency per scenario and the ratio to the ceiling; writes JSON.
 */
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * Concurrent connections of the generator, one scenario each. At 32 the API waits on PostgreSQL and Redis
 * round trips with CPU to spare, so throughput there is latency-bound; 256 brings the two cores close to
 * saturation (sampled once: API 75 %, PostgreSQL 50 %, generator 35 % of a core), which measures capacity.
 */
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '32,256').split(',').map(Number);
/**
 * Single events per second of the CPU-cost scenario: well below either server's capacity, so each process
 * gets the CPU it asks for and its CPU seconds per event are a cost, not a share of a contended machine.
 */
const CPU_RATE = Number(process.env.BENCH_CPU_RATE ?? 2_000);
/** Events per request, one scenario each: single webhooks, and batches as an importer would send them. */
const EVENTS_PER_REQUEST = (process.env.BENCH_EVENTS_PER_REQUEST ?? '1,50').split(',').map(Number);
/**
 * Rounds per scenario, each a window of the bare route and one of the API, in alternating order. Neighbours on
 * the shared machine come and go within minutes (one window's ratio moved from 27 % to 37 % within an hour
 * on the same code), so a scenario reports the round whose ratio is the median, and every round's ratio.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const children: RunningProcess[] = [];

function start(name: string, entry: string, env: Record<string, string>, options: ProcessOptions = {}) {
  const running = startProcess(name, entry, { LOG_LEVEL: 'warn', ...env }, options);
  children.push(running);
  return running;
}

interface LoadResult {
  accepted: number;
  non2xx: number;
  errors: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number };
}

let apiAcceptedEvents = 0;

async function load(
  url: string,
  secret: string,
  eventsPerRequest: number,
  connections: number,
  seconds = DURATION_SECONDS,
  requestsPerSecond?: number,
) {
  const args = [url, secret, String(seconds), String(connections), String(eventsPerRequest)];
  const generator = start(
    'load',
    'test/bench/load.ts',
    {},
    { args: [...args, ...(requestsPerSecond ? [String(requestsPerSecond)] : [])] },
  );
  const code = await generator.exited;
  if (code !== 0) throw new Error(`load generator exited with ${code}: ${generator.output()}`);
  const result = JSON.parse(generator.output().trim().split('\n').at(-1)!) as LoadResult;
  if (url.includes(`:${apiPort}/`)) apiAcceptedEvents += result.accepted * eventsPerRequest;
  return result;
}

const barePort = await freePort();
const apiPort = await freePort();
const secretKey = randomBytes(32).toString('hex');
const database = await createTestDatabase(`cxloop_bench_${runId}`);
const redisPrefix = `cxbench:${runId}`;
const db = createDb(database.url, { maxConnections: 2 });
try {
  const machine = await describeMachine(db);
  const org = await createOrganisation(db, 'Bench org');
  const secretBox = new SecretBox(secretKey);
  const signedSource = async (name: string) => {
    const secret = generateSigningSecret();
    const source = await createSource(db, {
      orgId: org.id,
      name,
      channel: 'web',
      adapter: 'generic',
      secretCiphertext: secretBox.seal(secret),
      // The per-source limit (600/min by default) guards against one noisy sender; measuring the ingestion
      // path means being that sender, so the limit must not be what is measured.
      rateLimitPerMinute: 1_000_000,
    });
    return { source, secret };
  };
  const { source, secret } = await signedSource('bench');
  // The durable-commit ceiling writes through a source of its own, so the API's rows can be counted alone.
  const { source: ceilingSource } = await signedSource('bench commit ceiling');

  const bare = start('bare', 'test/bench/bare-server.ts', {}, { args: [String(barePort)] });
  const api = start(
    'api',
    entries.api,
    {
      DATABASE_URL: database.url,
      REDIS_PREFIX: redisPrefix,
      PORT: String(apiPort),
      CXLOOP_SECRET_KEY: secretKey,
    },
    // BENCH_PROFILE=1 writes the API's CPU profile to /tmp/prof, to see where its time goes.
    process.env.BENCH_PROFILE ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] } : {},
  );
  await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`);
  const bareUrl = `http://127.0.0.1:${barePort}/v1/sources/${source.id}/events`;
  const apiUrl = `http://127.0.0.1:${apiPort}/v1/sources/${source.id}/events`;
  await waitForHttp(`http://127.0.0.1:${barePort}/healthz`);

  // Warm both servers (JIT, pools) so the measured windows compare steady states.
  await load(bareUrl, secret, 1, CONNECTIONS[0]!, 2);
  await load(apiUrl, secret, 1, CONNECTIONS[0]!, 2);

  /** Runs `measure` for the bare route and the API in alternating order, round by round. */
  const alternate = async <T>(measure: (url: string) => Promise<T>) => {
    const rounds: { ceiling: T; cxloop: T }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        const ceiling = await measure(bareUrl);
        rounds.push({ ceiling, cxloop: await measure(apiUrl) });
      } else {
        const cxloop = await measure(apiUrl);
        rounds.push({ ceiling: await measure(bareUrl), cxloop });
      }
    }
    return rounds;
  };
  /** The round whose `figure` is the median (the upper middle for an even number of rounds). */
  const medianRound = <T>(rounds: T[], figure: (round: T) => number) =>
    [...rounds].sort((a, b) => figure(a) - figure(b))[Math.floor(rounds.length / 2)]!;

  /**
   * PostgreSQL alone: the API's commit path without HTTP (commit-ceiling.ts), one window per scenario. The
   * API cannot exceed it; set beside the bare route it says how much of the goal the commit alone leaves.
   */
  const commitCeiling = async (eventsPerRequest: number, connections: number) => {
    const writer = start(
      'commit-ceiling',
      'test/bench/commit-ceiling.ts',
      {},
      {
        args: [
          database.url,
          ceilingSource.id,
          String(DURATION_SECONDS),
          String(connections),
          String(eventsPerRequest),
        ],
      },
    );
    const code = await writer.exited;
    if (code !== 0) throw new Error(`commit ceiling exited with ${code}: ${writer.output()}`);
    return JSON.parse(writer.output().trim().split('\n').at(-1)!) as {
      committed: number;
      eventsPerSecond: number;
      latencyMs: { p50: number; p99: number };
    };
  };

  const scenarios = [];
  for (const eventsPerRequest of EVENTS_PER_REQUEST) {
    for (const connections of CONNECTIONS) {
      const rounds = (await alternate((url) => load(url, secret, eventsPerRequest, connections))).map(
        (round) => ({
          ...round,
          ratioToCeiling: round.cxloop.eventsPerSecond / round.ceiling.eventsPerSecond,
        }),
      );
      const commitAlone = await commitCeiling(eventsPerRequest, connections);
      scenarios.push({
        eventsPerRequest,
        connections,
        ...medianRound(rounds, (round) => round.ratioToCeiling),
        roundRatios: rounds.map((round) => round.ratioToCeiling),
        commitAlone: {
          ...commitAlone,
          ratioToCeiling:
            commitAlone.eventsPerSecond / median(rounds.map((round) => round.ceiling.eventsPerSecond)),
        },
      });
    }
  }
  // CPU seconds per event at a fixed rate: throughput on a shared two-core machine depends on what else
  // runs, CPU per event much less. The API's cost includes what it makes PostgreSQL and Redis do.
  const cpuCost = async (url: string, groups: Record<string, number[] | string>) => {
    const { result, cpuSeconds } = await cpuDuring(groups, () =>
      load(url, secret, 1, CONNECTIONS[0]!, DURATION_SECONDS, CPU_RATE),
    );
    const events = result.accepted;
    const microsPerEvent = Object.fromEntries(
      Object.entries(cpuSeconds).map(([name, seconds]) => [name, (seconds * 1e6) / events]),
    );
    return { eventsPerSecond: result.eventsPerSecond, events, microsPerEvent };
  };
  const totalMicros = (cost: { microsPerEvent: Record<string, number> }) =>
    Object.values(cost.microsPerEvent).reduce((sum, micros) => sum + micros, 0);
  const cpuRounds = await alternate((url) =>
    url === bareUrl
      ? cpuCost(url, { server: [bare.child.pid!] })
      : cpuCost(url, { api: [api.child.pid!], postgres: 'postgres', redis: 'redis-server' }),
  );
  const cpu = {
    requestsPerSecond: CPU_RATE,
    connections: CONNECTIONS[0]!,
    bare: medianRound(cpuRounds, (round) => totalMicros(round.ceiling)).ceiling,
    cxloop: medianRound(cpuRounds, (round) => totalMicros(round.cxloop)).cxloop,
    roundMicrosPerEvent: cpuRounds.map((round) => ({
      bare: totalMicros(round.ceiling),
      cxloop: totalMicros(round.cxloop),
    })),
  };
  const cxloopMicros = totalMicros(cpu.cxloop);

  const stored = await db
    .selectFrom('feedback')
    .where('source_id', '=', source.id)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();

  const report = {
    benchmark: 'ingest',
    at: new Date().toISOString(),
    machine,
    tool: 'autocannon',
    durationSeconds: DURATION_SECONDS,
    rounds: ROUNDS,
    scenarios,
    cpu: { ...cpu, cxloopMicrosPerEvent: cxloopMicros },
    // Every 2xx must be a committed row: accepted events across the measured and warm-up runs.
    acceptedEvents: apiAcceptedEvents,
    storedRows: Number(stored.n),
  };
  for (const s of scenarios) {
    console.log(
      `${s.eventsPerRequest === 1 ? 'single event' : `batch of ${s.eventsPerRequest}`}, ${s.connections} connections: ` +
        `cxloop ${s.cxloop.eventsPerSecond.toFixed(0)} events/s (p50 ${s.cxloop.latencyMs.p50} ms, p99 ${s.cxloop.latencyMs.p99} ms, non-2xx ${s.cxloop.non2xx}) | ` +
        `bare route ${s.ceiling.eventsPerSecond.toFixed(0)} events/s (p50 ${s.ceiling.latencyMs.p50} ms, p99 ${s.ceiling.latencyMs.p99} ms) | ` +
        `ratio ${(s.ratioToCeiling * 100).toFixed(1)} % (median round; rounds ${s.roundRatios.map((r) => (r * 100).toFixed(1)).join(' / ')} %) | ` +
        `PostgreSQL alone ${s.commitAlone.eventsPerSecond.toFixed(0)} events/s (${(s.commitAlone.ratioToCeiling * 100).toFixed(1)} % of the median bare route)`,
    );
  }
  const micros = (figures: Record<string, number>) =>
    Object.entries(figures)
      .map(([name, value]) => `${name} ${value.toFixed(0)} µs`)
      .join(', ');
  console.log(
    `CPU per event at ${CPU_RATE} events/s: cxloop ${cxloopMicros.toFixed(0)} µs (${micros(cpu.cxloop.microsPerEvent)}) | ` +
      `bare route ${micros(cpu.bare.microsPerEvent)} (median rounds; cxloop rounds ` +
      `${cpu.roundMicrosPerEvent.map((round) => round.cxloop.toFixed(0)).join(' / ')} µs)`,
  );
  console.log(`events accepted by the API: ${report.acceptedEvents}, rows stored: ${report.storedRows}`);
  mkdirSync('test/bench/results', { recursive: true });
  writeFileSync('test/bench/results/ingest.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote test/bench/results/ingest.json');
} finally {
  await Promise.all(children.map((child) => child.stop('SIGTERM')));
  await db.destroy();
  await dropTestDatabase(database.name);
  await flushRedisPrefix(redisPrefix);
}
