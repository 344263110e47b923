import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { issueApiKey } from '@cxloop/api';
import type { ScoreChangeEvent } from '@cxloop/contracts';
import { createApiKey, createOrganisation, createSource, type Db } from '@cxloop/db';
import { generateSigningSecret, SecretBox } from '@cxloop/runtime';
import { sql } from 'kysely';
import { entries, freePort, type RunningProcess, startProcess, waitForHttp } from '../support/processes.js';
import { flushRedisPrefix } from '../support/redis.js';
import { dropTestDatabase } from '../support/test-database.js';
import { pause, startBenchRun, wallClock } from './bench-run.js';
import type { SentEvent } from './freshness-load.js';
import { describeMachine, type Machine, median, percentile } from './machine.js';
import { costPerEvent, pipelineCostDuring } from './pipeline-cost.js';

/**
 * One freshness run: signed webhooks at a fixed rate on loopback against real API, analysis and
 * aggregation processes started for the run (in a database and Redis prefix of their own); for each
 * accepted event, the time from its 202 to the SSE `score` event that reflects it, and what the pipeline
 * spent per event. See DEFINITION for what "reflects" means, given that recomputes are debounced per
 * organisation and an event is published only when a score moves. Used by `pnpm bench:freshness` (one
 * rate) and `pnpm bench:capacity` (a search over rates).
 */
export const GOAL_P95_MS = 2_000;
/** The metric whose sample size is "feedback counted into the rollups" (all of this run's feedback is recent). */
const COUNTED_METRIC = 'identified_feedback_share_90d';

export const DEFINITION =
  'Freshness of an accepted event = wall-clock time from its 202 (as the sender received it) to the arrival, ' +
  'at a client of GET /v1/orgs/:org/scores/stream, of the first `score` event whose recompute had counted it. ' +
  `A recompute had counted it when the feedback total it read from the rollups (the sample size of ${COUNTED_METRIC} ` +
  "in the event's evidence) is at least the event's position in the order the aggregate job counted feedback " +
  '(feedback.aggregated_at). Every event carries an NPS answer and about 40 % a customer reference, so the ' +
  'identified share, and with it a score element, moves at nearly every recompute; a recompute that moves ' +
  'nothing publishes nothing, and its feedback is then reflected by the next event that is published.';

interface ReceivedScoreEvent {
  id: string;
  arrivedAt: number;
  scope: string;
  /** Feedback the recompute had counted, when its evidence says so. */
  counted: number | undefined;
}

export interface FreshnessOptions {
  /** Events per second the sender aims at. */
  rate: number;
  /** How long the measured load lasts. */
  seconds: number;
  /** Write each process's CPU profile to this directory (`node --cpu-prof`). */
  profileDir?: string | undefined;
}

export type Percentiles = { p50: number; p95: number; p99: number; max: number } | null;

export interface FreshnessReport {
  benchmark: 'freshness';
  at: string;
  machine: Machine;
  loadAverageAtEnd: number;
  definition: string;
  processes: string;
  targetRatePerSecond: number;
  durationSeconds: number;
  sender: { scheduled: number; sent: number; skipped: number; elapsed: number };
  accepted: number;
  rejected: number;
  achievedAcceptedPerSecond: number;
  acceptLatencyMs: { p50: number; p99: number };
  drainedAllWithinSeconds: number | null;
  scoreEvents: number;
  scoreEventsWithoutCount: number;
  scoreHistoryRows: number;
  reflected: number;
  neverReflected: number;
  freshnessMs: Percentiles;
  /** The same for the events sent in the run's last quarter: a backlog that grows shows here first. */
  lastQuarterFreshnessMs: Percentiles;
  acceptedToAnalysedMs: Percentiles;
  acceptedToCountedMs: Percentiles;
  /** CPU per accepted event of each process from the first event sent until all were reflected. */
  cost: ReturnType<typeof costPerEvent>;
  goalP95Ms: number;
  /** p95 under the goal over the run and over its last quarter, nothing left unreflected, nothing refused. */
  sustained: boolean;
}

/** Waits until `probe` holds, up to `timeoutMs`; returns whether it did. */
async function until(probe: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await pause(200);
  }
  return false;
}

function countedBy(event: ScoreChangeEvent): number | undefined {
  for (const element of event.elements) {
    for (const cause of element.why) {
      if (cause.kind !== 'indicator') continue;
      const evidence = cause.evidence?.find((change) => change.source === COUNTED_METRIC);
      if (evidence?.after) return evidence.after.sampleSize;
    }
  }
  return undefined;
}

/** Follows the SSE stream, recording each `score` event with its arrival time; resolves with the request. */
function followScores(url: string, apiKey: string, received: ReceivedScoreEvent[]) {
  return new Promise<ReturnType<typeof get>>((resolve, reject) => {
    const request = get(
      url,
      { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`score stream answered ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          const arrivedAt = wallClock();
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            const lines = block.split('\n');
            const field = (name: string) =>
              lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
            if (field('event') === 'score') {
              const event = JSON.parse(field('data')!) as ScoreChangeEvent;
              received.push({ id: field('id')!, arrivedAt, scope: event.scope, counted: countedBy(event) });
            }
          }
        });
        resolve(request);
      },
    );
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
  });
}

function runLoad(
  workDir: string,
  url: string,
  secret: string,
  rate: number,
  seconds: number,
  prefix: string,
) {
  const out = join(workDir, `${prefix}.json`);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/bench/freshness-load.ts',
      url,
      secret,
      String(rate),
      String(seconds),
      out,
      prefix,
    ],
    { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise<{ summary: FreshnessReport['sender']; events: SentEvent[] }>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve({
            summary: JSON.parse(output.trim().split('\n').at(-1)!),
            events: JSON.parse(readFileSync(out, 'utf8')) as SentEvent[],
          })
        : reject(new Error(`load generator exited with ${code}`)),
    ),
  );
}

const summarise = (values: number[]): Percentiles =>
  values.length === 0
    ? null
    : {
        p50: Math.round(percentile(values, 50)),
        p95: Math.round(percentile(values, 95)),
        p99: Math.round(percentile(values, 99)),
        max: Math.round(Math.max(...values)),
      };

/** A pipeline started for one benchmark run, warmed up, in a database and Redis prefix of its own. */
export interface BenchPipeline {
  db: Db;
  machine: Machine;
  orgId: string;
  sourceId: string;
  redisPrefix: string;
  processes: RunningProcess[];
  /** Score events seen on the organisation's stream so far. */
  received: ReceivedScoreEvent[];
  /** Feedback accepted during the warm-up. */
  warmAccepted: number;
  /** Sends signed single-event webhooks at `rate` for `seconds` from a process of its own. */
  load(rate: number, seconds: number, prefix: string): ReturnType<typeof runLoad>;
  /** Feedback of the organisation counted into the rollups. */
  countedFeedback(): Promise<number>;
}

/**
 * Starts an API, an analysis worker and an aggregation worker against a new database, follows the score
 * stream, warms them up, runs `work`, and removes everything again.
 */
export async function withBenchPipeline<T>(
  profileDir: string | undefined,
  work: (pipeline: BenchPipeline) => Promise<T>,
): Promise<T> {
  const { runId, redisPrefix, database, db } = await startBenchRun({
    maxConnections: 2,
    applicationName: 'bench-observer',
  });
  const processes: RunningProcess[] = [];
  let sseRequest: ReturnType<typeof get> | undefined;
  const workDir = join(tmpdir(), `cxloop-freshness-${runId}`);
  mkdirSync(workDir, { recursive: true });
  try {
    const machine = await describeMachine(db);
    const secretKey = randomBytes(32).toString('hex');
    const org = await createOrganisation(db, 'Freshness bench org');
    const secret = generateSigningSecret();
    const source = await createSource(db, {
      orgId: org.id,
      name: 'web survey',
      channel: 'web',
      adapter: 'generic',
      secretCiphertext: new SecretBox(secretKey).seal(secret),
      // The per-source limit protects against one noisy sender; this benchmark is that sender on purpose.
      rateLimitPerMinute: 1_000_000,
    });
    const key = issueApiKey();
    await createApiKey(db, {
      orgId: org.id,
      role: 'manager',
      name: 'freshness bench',
      lookup: key.lookup,
      secretHash: key.secretHash,
    });
    const countedFeedback = async () => {
      const row = await db
        .selectFrom('feedback')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('org_id', '=', org.id)
        .where('aggregated_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };

    const apiPort = await freePort();
    const env = {
      DATABASE_URL: database.url,
      REDIS_PREFIX: redisPrefix,
      CXLOOP_SECRET_KEY: secretKey,
      PORT: String(apiPort),
      LOG_LEVEL: 'warn',
    };
    const profiling = profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {};
    for (const name of ['api', 'analysis', 'aggregation'] as const) {
      processes.push(startProcess(name, entries[name], env, profiling));
    }
    const base = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${base}/healthz`);
    const webhook = `${base}/v1/sources/${source.id}/events`;
    const received: ReceivedScoreEvent[] = [];
    sseRequest = await followScores(`${base}/v1/orgs/${org.id}/scores/stream`, key.plaintext, received);
    const load = (rate: number, seconds: number, prefix: string) =>
      runLoad(workDir, webhook, secret, rate, seconds, prefix);

    // Warm-up: JIT, pools, and a first score (whose event has no "before" to explain) before measuring.
    const warm = await load(50, 4, 'warm');
    const warmAccepted = warm.events.filter((e) => e.status === 202).length;
    await until(async () => (await countedFeedback()) >= warmAccepted, 60_000);
    await until(() => received.length > 0, 30_000);
    await pause(3_000);
    return await work({
      db,
      machine,
      orgId: org.id,
      sourceId: source.id,
      redisPrefix,
      processes,
      received,
      warmAccepted,
      load,
      countedFeedback,
    });
  } finally {
    sseRequest?.destroy();
    // A worker still draining gets 10 s to shut down gracefully, then is killed.
    await Promise.all(
      processes.map((p) => Promise.race([p.stop('SIGTERM'), pause(10_000).then(() => p.stop('SIGKILL'))])),
    );
    await db.destroy();
    await dropTestDatabase(database.name);
    await flushRedisPrefix(redisPrefix);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Runs the pipeline at `options.rate` for `options.seconds` in a database of its own and measures it. */
export function measureFreshness(options: FreshnessOptions): Promise<FreshnessReport> {
  const { rate, seconds } = options;
  return withBenchPipeline(options.profileDir, async (pipeline) => {
    const { db, machine, received, processes, warmAccepted, countedFeedback } = pipeline;
    const org = { id: pipeline.orgId };
    console.log(`sending ${rate} signed events/s for ${seconds} s…`);
    const scoreEventsBefore = received.length;
    const pids = Object.fromEntries(processes.map((p) => [p.name, [p.child.pid!]]));
    const { result: run, cost } = await pipelineCostDuring(db, pids, async () => {
      const measured = await pipeline.load(rate, seconds, 'fresh');
      const accepted = measured.events.filter((e) => e.status === 202);
      const expected = warmAccepted + accepted.length;
      const drainStarted = performance.now();
      const drained = await until(async () => (await countedFeedback()) >= expected, 180_000);
      const reflectedAll = await until(
        () => received.some((event) => event.scope === 'enterprise' && (event.counted ?? 0) >= expected),
        60_000,
      );
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      return { measured, accepted, drainSeconds: drained && reflectedAll ? drainSeconds : null };
    });
    const { measured, accepted } = run;

    // Position of each feedback in the order the aggregate job counted it.
    const counted = await sql<{ external_id: string; aggregated_at: Date; analysed_at: Date }>`
      select external_id, aggregated_at, analysed_at from feedback
      where org_id = ${org.id} and aggregated_at is not null order by aggregated_at, id`.execute(db);
    const position = new Map(counted.rows.map((row, index) => [row.external_id, index + 1]));
    const aggregatedAt = new Map(counted.rows.map((row) => [row.external_id, row.aggregated_at.getTime()]));
    const analysedAt = new Map(counted.rows.map((row) => [row.external_id, row.analysed_at.getTime()]));

    // Enterprise events in arrival order with the running maximum of what they had counted.
    const informative = received.filter(
      (event) => event.scope === 'enterprise' && event.counted !== undefined,
    );
    let runningMax = 0;
    const reach = informative.map((event) => {
      runningMax = Math.max(runningMax, event.counted!);
      return { arrivedAt: event.arrivedAt, counted: runningMax };
    });
    const lastQuarterFrom = Math.min(...accepted.map((e) => e.sentAt)) + measured.summary.elapsed * 750;
    const freshnessMs: number[] = [];
    const lastQuarterMs: number[] = [];
    const toCountedMs: number[] = [];
    const toAnalysedMs: number[] = [];
    let neverReflected = 0;
    for (const event of accepted) {
      const rank = position.get(event.externalId);
      let low = 0;
      let high = reach.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (reach[middle]!.counted >= (rank ?? Number.POSITIVE_INFINITY)) high = middle;
        else low = middle + 1;
      }
      if (rank === undefined || low === reach.length) {
        neverReflected += 1;
        continue;
      }
      const freshness = reach[low]!.arrivedAt - event.answeredAt;
      freshnessMs.push(freshness);
      if (event.sentAt >= lastQuarterFrom) lastQuarterMs.push(freshness);
      toCountedMs.push(aggregatedAt.get(event.externalId)! - event.answeredAt);
      toAnalysedMs.push(analysedAt.get(event.externalId)! - event.answeredAt);
    }
    const history = await db
      .selectFrom('score_history')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_id', '=', org.id)
      .executeTakeFirstOrThrow();
    const acceptLatency = accepted.map((e) => e.answeredAt - e.sentAt);
    const freshness = summarise(freshnessMs);
    const lastQuarter = summarise(lastQuarterMs);
    const rejected = measured.events.length - accepted.length;
    return {
      benchmark: 'freshness',
      at: new Date().toISOString(),
      machine,
      loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)),
      definition: DEFINITION,
      processes: 'one API, one analysis worker, one aggregation worker (default concurrency), loopback',
      targetRatePerSecond: rate,
      durationSeconds: seconds,
      sender: measured.summary,
      accepted: accepted.length,
      rejected,
      achievedAcceptedPerSecond: accepted.length / measured.summary.elapsed,
      acceptLatencyMs: {
        p50: Math.round(median(acceptLatency)),
        p99: Math.round(percentile(acceptLatency, 99)),
      },
      drainedAllWithinSeconds: run.drainSeconds === null ? null : Number(run.drainSeconds.toFixed(1)),
      scoreEvents: received.length - scoreEventsBefore,
      scoreEventsWithoutCount: received.slice(scoreEventsBefore).filter((e) => e.counted === undefined)
        .length,
      scoreHistoryRows: Number(history.n),
      reflected: freshnessMs.length,
      neverReflected,
      freshnessMs: freshness,
      lastQuarterFreshnessMs: lastQuarter,
      acceptedToAnalysedMs: summarise(toAnalysedMs),
      acceptedToCountedMs: summarise(toCountedMs),
      cost: costPerEvent(cost, Math.max(1, accepted.length)),
      goalP95Ms: GOAL_P95_MS,
      sustained:
        freshness !== null &&
        lastQuarter !== null &&
        freshness.p95 < GOAL_P95_MS &&
        lastQuarter.p95 < GOAL_P95_MS &&
        neverReflected === 0 &&
        rejected === 0 &&
        measured.summary.skipped === 0,
    };
  });
}

/** The run's figures as lines for a terminal. */
export function describeFreshness(report: FreshnessReport): string[] {
  const cpu = report.cost.cpuMicrosPerEvent;
  return [
    `accepted ${report.accepted} of ${report.sender.sent} sent (${report.sender.skipped} not sent: sender ` +
      `at its in-flight cap), ${report.achievedAcceptedPerSecond.toFixed(0)} accepted/s; 202 latency p50 ` +
      `${report.acceptLatencyMs.p50} ms p99 ${report.acceptLatencyMs.p99} ms`,
    `score events during the run ${report.scoreEvents} (${report.scoreEventsWithoutCount} without the counted-feedback ` +
      `evidence); reflected ${report.reflected}, never reflected ${report.neverReflected}`,
    `202 → analysed: ${JSON.stringify(report.acceptedToAnalysedMs)}`,
    `202 → counted in rollups: ${JSON.stringify(report.acceptedToCountedMs)}`,
    `freshness 202 → SSE event at ${report.targetRatePerSecond}/s: ${JSON.stringify(report.freshnessMs)}, last ` +
      `quarter ${JSON.stringify(report.lastQuarterFreshnessMs)} (goal p95 < ${report.goalP95Ms} ms: ` +
      `${report.sustained ? 'met' : 'NOT met'})`,
    `CPU µs per event: ${Object.entries(cpu)
      .map(([name, micros]) => `${name} ${micros}`)
      .join(', ')} (cxloop + its PostgreSQL backends ${report.cost.cxloopAndPostgresMicrosPerEvent}); ` +
      `per 1,000 events ${report.cost.transactionsPer1000Events} transactions, ` +
      `${report.cost.rowsInsertedPer1000Events} rows inserted, ${report.cost.rowsUpdatedPer1000Events} updated; ` +
      `load average ${report.machine.loadAverageAtStart} → ${report.loadAverageAtEnd}`,
  ];
}
