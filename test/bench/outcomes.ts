import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { analyseOrganisationOutcomes, createScoreProcessor } from '@cxloop/aggregation-worker';
import { importFeedback, importOutcomes } from '@cxloop/api';
import type { ScoreJob } from '@cxloop/contracts';
import { createDb, createOrganisation, createSource, listCustomerSummaries, type Source } from '@cxloop/db';
import {
  createAnalyzeQueue,
  createLogger,
  generateSigningSecret,
  redisOptions,
  SecretBox,
} from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { flushRedisPrefix, redisUrl } from '../support/redis.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { generateFeedbackSample, seededRandom } from './feedback-sample.js';
import { describeMachine, median } from './machine.js';

/**
 * `pnpm bench:outcomes [--transactions 1000000] [--customers 100000] [--feedback 100000]`: the outcome
 * import (the function behind the import route and `cxloop import-outcomes`, streamed from an NDJSON file)
 * against the feedback import of the same machine and run, then the per-organisation fit and analyses
 * (BG/NBD, Gamma-Gamma, retention, value segments, drivers) with their memory, then the score recompute at
 * this size and at a hundredth of it: the loyalty indicators read the stored analysis and the summaries,
 * never the transactions, so the recompute should not grow with them. Writes results/outcomes.json.
 */
const { values: flags } = parseArgs({
  options: {
    transactions: { type: 'string', default: process.env.OUTCOMES_TRANSACTIONS ?? '1000000' },
    customers: { type: 'string', default: process.env.OUTCOMES_CUSTOMERS ?? '100000' },
    feedback: { type: 'string', default: process.env.OUTCOMES_FEEDBACK ?? '100000' },
  },
});
const TRANSACTIONS = Number(flags.transactions);
const CUSTOMERS = Number(flags.customers);
const FEEDBACK = Number(flags.feedback);
const RECOMPUTE_RUNS = 7;
const SPAN_DAYS = 730;
const DAY_MS = 86_400_000;

const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const prefix = `cxbench:${runId}`;
const workDir = join(tmpdir(), `cxloop-bench-outcomes-${runId}`);
const database = await createTestDatabase(`cxloop_bench_${runId}`);
const db = createDb(database.url, { maxConnections: 4 });
const redis = new Redis(redisUrl);
const analyzeQueue = createAnalyzeQueue({ connection: redisOptions(redisUrl), prefix });
const now = new Date();

/**
 * `transactions` purchases (a few refunds among them) of `customers` customers over two years, as an
 * export sorted by time would list them: each customer's first order at a random day, the others spread
 * after it; a skewed number of orders per customer and a skewed basket size per customer.
 */
async function writeTransactions(path: string, transactions: number, customers: number, seed: number) {
  const random = seededRandom(seed);
  const extra = transactions - customers;
  const weights = Array.from({ length: customers }, () => -Math.log(1 - random()));
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const times = new Float64Array(transactions);
  const owners = new Uint32Array(transactions);
  let next = 0;
  for (let c = 0; c < customers && next < transactions; c++) {
    const first = now.getTime() - random() * SPAN_DAYS * DAY_MS;
    const orders =
      c === customers - 1 ? transactions - next : 1 + Math.round((weights[c]! / weightSum) * extra);
    for (let k = 0; k < orders && next < transactions; k++) {
      times[next] = k === 0 ? first : first + random() * (now.getTime() - first);
      owners[next++] = c;
    }
  }
  const order = Uint32Array.from({ length: next }, (_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const baskets = Array.from({ length: customers }, () => 20 + 80 * -Math.log(1 - random()));
  const output = createWriteStream(path);
  let written = 0;
  for (const i of order) {
    const customer = owners[i]!;
    const refund = random() < 0.03;
    const line = JSON.stringify({
      externalId: `tx-${i}${refund ? '-r' : ''}`,
      kind: refund ? 'refund' : 'purchase',
      customerRef: `c-${customer}`,
      occurredAt: new Date(times[i]!).toISOString(),
      amount: Math.round(baskets[customer]! * (0.5 + random()) * 100) / 100,
      currency: 'EUR',
      channel: ['web', 'app', 'store'][customer % 3],
      segment: customer % 5 === 0 ? 'trade' : 'retail',
    });
    if (!output.write(`${line}\n`)) await once(output, 'drain');
    written++;
  }
  output.end();
  await finished(output);
  return written;
}

async function writeFeedback(path: string, rows: number) {
  const sample = generateFeedbackSample({ count: rows, units: 1, customers: CUSTOMERS, spanDays: 180, now });
  const output = createWriteStream(path);
  for (const [i, row] of sample.entries()) {
    const ratings = Object.fromEntries(
      (['nps', 'csat', 'ces'] as const).flatMap((name) => (row[name] === null ? [] : [[name, row[name]]])),
    );
    const line = JSON.stringify({
      externalId: `fb-${i}`,
      text: row.text,
      ratings,
      ...(row.customerRef ? { customerRef: row.customerRef } : {}),
      occurredAt: row.receivedAt.toISOString(),
    });
    if (!output.write(`${line}\n`)) await once(output, 'drain');
  }
  output.end();
  await finished(output);
}

/** Peak resident memory while `work` runs (sampled every 50 ms), its wall time and this process's CPU time. */
async function measured<T>(work: () => Promise<T>) {
  let peak = process.memoryUsage().rss;
  const before = peak;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpuBefore);
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      // This process only (not PostgreSQL's): on a shared machine the wall time also counts waiting for a core.
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      rssBeforeMiB: before / 2 ** 20,
      rssPeakMiB: peak / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
}

const secretBox = new SecretBox(randomBytes(32).toString('hex'));
/** A generic source: imports need no signature, but every source has a signing secret. */
async function source(orgId: string, name: string): Promise<Source> {
  const secretCiphertext = secretBox.seal(generateSigningSecret());
  return createSource(db, { orgId, name, channel: 'web', adapter: 'generic', secretCiphertext });
}

/** One organisation's outcome history imported, analysed, then its score recomputed RECOMPUTE_RUNS times. */
async function outcomeOrganisation(name: string, transactions: number, customers: number, seed: number) {
  const org = await createOrganisation(db, name);
  const target = await source(org.id, 'orders');
  const file = join(workDir, `${name}.ndjson`);
  const rows = await writeTransactions(file, transactions, customers, seed);
  const imported = await measured(() => importOutcomes(db, target, createReadStream(file), 'ndjson'));
  if (imported.result.rejected > 0)
    throw new Error(`import refused rows: ${JSON.stringify(imported.result.errors)}`);
  const summaries = await measured(() => listCustomerSummaries(db, org.id));
  const analysis = await measured(() => analyseOrganisationOutcomes(db, org.id, new Date()));
  const score = createScoreProcessor({ db, redis, prefix });
  await score({ data: { orgId: org.id } } as Job<ScoreJob>);
  const runsMs: number[] = [];
  for (let run = 0; run < RECOMPUTE_RUNS; run++) {
    const started = performance.now();
    await score({ data: { orgId: org.id } } as Job<ScoreJob>);
    runsMs.push(performance.now() - started);
  }
  const model = analysis.result.model;
  return {
    transactions: rows,
    customers: summaries.result.length,
    import: {
      seconds: imported.seconds,
      cpuSeconds: imported.cpuSeconds,
      rowsPerSecond: rows / imported.seconds,
      created: imported.result.created,
      rssPeakMiB: imported.rssPeakMiB,
    },
    readSummaries: { seconds: summaries.seconds, rssPeakMiB: summaries.rssPeakMiB },
    fitAndAnalyses: {
      seconds: analysis.seconds,
      cpuSeconds: analysis.cpuSeconds,
      rssBeforeMiB: analysis.rssBeforeMiB,
      rssPeakMiB: analysis.rssPeakMiB,
      fitted: model.fitted,
      validated: model.fitted && model.validated,
    },
    recompute: { medianMs: median(runsMs), runsMs },
  };
}

try {
  mkdirSync(workDir, { recursive: true });
  const machine = await describeMachine(db);
  console.log(
    `outcomes bench: ${TRANSACTIONS} transactions, ${CUSTOMERS} customers; load ${machine.loadAverageAtStart}`,
  );

  const feedbackOrg = await createOrganisation(db, 'Feedback import');
  const feedbackSource = await source(feedbackOrg.id, 'feedback');
  const feedbackFile = join(workDir, 'feedback.ndjson');
  await writeFeedback(feedbackFile, FEEDBACK);
  const log = createLogger('bench', 'silent');
  const feedback = await measured(() =>
    importFeedback({ db, analyzeQueue, log }, feedbackSource, createReadStream(feedbackFile), 'ndjson'),
  );
  console.log(`feedback import: ${(FEEDBACK / feedback.seconds).toFixed(0)} rows/s`);

  const small = await outcomeOrganisation(
    'Outcomes small',
    Math.round(TRANSACTIONS / 100),
    Math.round(CUSTOMERS / 100),
    1,
  );
  console.log(`small: ${JSON.stringify(small)}`);
  const large = await outcomeOrganisation('Outcomes large', TRANSACTIONS, CUSTOMERS, 2);
  console.log(`large: ${JSON.stringify(large)}`);

  const report = {
    at: new Date().toISOString(),
    machine,
    loadAverageAtEnd: loadavg()[0],
    method:
      'in-process, one Node process: importOutcomes and importFeedback (the functions behind the import routes and the CLI) streaming NDJSON files written beforehand; analyseOrganisationOutcomes (summaries read, BG/NBD and Gamma-Gamma fitted, analyses stored); the score job processor called directly, median of 7 after a warm-up',
    feedbackImport: {
      rows: FEEDBACK,
      seconds: feedback.seconds,
      rowsPerSecond: FEEDBACK / feedback.seconds,
      rssPeakMiB: feedback.rssPeakMiB,
    },
    sizes: [small, large],
    importRatioToFeedback: large.import.rowsPerSecond / (FEEDBACK / feedback.seconds),
    recomputeRatio: large.recompute.medianMs / small.recompute.medianMs,
  };
  mkdirSync('test/bench/results', { recursive: true });
  writeFileSync('test/bench/results/outcomes.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `outcome import ${large.import.rowsPerSecond.toFixed(0)} rows/s (${(report.importRatioToFeedback * 100).toFixed(0)} % of the feedback import); ` +
      `fit and analyses ${large.fitAndAnalyses.seconds.toFixed(1)} s, peak RSS ${large.fitAndAnalyses.rssPeakMiB.toFixed(0)} MiB; ` +
      `recompute ${large.recompute.medianMs.toFixed(1)} ms vs ${small.recompute.medianMs.toFixed(1)} ms at 1/100 (${report.recomputeRatio.toFixed(2)}×)`,
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
  await analyzeQueue.obliterate({ force: true }).catch(() => {});
  await analyzeQueue.close();
  await flushRedisPrefix(prefix);
  redis.disconnect();
  await db.destroy();
  await dropTestDatabase(database.name);
}
