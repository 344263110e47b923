import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { measureDrain } from './drain-run.js';
import { describeFreshness, type FreshnessReport, measureFreshness } from './freshness-run.js';

/**
 * `pnpm bench:capacity`: the highest rate the whole pipeline (API, analysis worker, aggregation worker,
 * PostgreSQL, Redis) sustains: a binary search over rates, each trial a fresh freshness run
 * (freshness-run.ts) of `--seconds` (120 by default). A rate is sustained when the freshness p95 stays under
 * 2 s over the run and over its last quarter (a backlog that grows shows there first), every accepted
 * event is reflected in a score event, and the API refused nothing. Reports the sustained rate with what
 * each process spent per event at it.
 *
 * First, what the workers cost per event at full batches and how fast they drain a backlog of `--backlog`
 * events (drain-run.ts): on a shared machine the search's rates move with the others' load, the CPU per
 * event much less.
 *
 *   pnpm bench:capacity [--seconds 120] [--low 500] [--high 6000] [--step 250] [--backlog 20000]
 *
 * The search keeps `low` sustained and `high` not: it first checks `high`, then halves the gap until it is
 * under `step`. Each trial starts its processes in a database of their own, so no trial inherits another's
 * backlog.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    low: { type: 'string', default: '500' },
    high: { type: 'string', default: '6000' },
    step: { type: 'string', default: '250' },
    backlog: { type: 'string', default: '20000' },
  },
});
const seconds = Number(values.seconds);
let low = Number(values.low);
let high = Number(values.high);
const step = Number(values.step);
const trials: FreshnessReport[] = [];

async function trial(rate: number): Promise<FreshnessReport> {
  console.log(`\n--- trial at ${rate} events/s for ${seconds} s`);
  const report = await measureFreshness({ rate, seconds });
  for (const line of describeFreshness(report)) console.log(line);
  trials.push(report);
  return report;
}

console.log(`--- backlog drain: ${values.backlog} events stored and enqueued, analysis paused, then drained`);
const drain = await measureDrain({ events: Number(values.backlog) });
console.log(
  `drained ${drain.events} events in ${drain.drainSeconds} s (${drain.drainedPerSecond}/s); CPU µs per event ` +
    `${JSON.stringify(drain.cost.cpuMicrosPerEvent)}; ${drain.cost.transactionsPer1000Events} transactions per 1,000`,
);

let best: FreshnessReport | undefined;
const atLow = await trial(low);
if (atLow.sustained) {
  best = atLow;
  const atHigh = await trial(high);
  if (atHigh.sustained) {
    best = atHigh;
    low = high;
  }
  while (high - low > step) {
    const middle = Math.round((low + high) / 2 / 50) * 50;
    const report = await trial(middle);
    if (report.sustained) {
      best = report;
      low = middle;
    } else {
      high = middle;
    }
  }
}

const summary = {
  benchmark: 'capacity',
  at: new Date().toISOString(),
  method:
    'binary search over sender rates; each trial is a fresh freshness run (own database, API, analysis and ' +
    `aggregation processes) of ${seconds} s; sustained = freshness p95 < 2 s over the run and its last ` +
    'quarter, every accepted event reflected, nothing refused or left unsent',
  secondsPerTrial: seconds,
  sustainedRatePerSecond: best ? Math.round(best.achievedAcceptedPerSecond) : null,
  /** The lowest rate tried that was not sustained (none when every trial was). */
  notSustainedAt:
    trials
      .filter((report) => !report.sustained)
      .map((report) => report.targetRatePerSecond)
      .sort((a, b) => a - b)[0] ?? null,
  atSustainedRate: best ?? null,
  drain,
  trials: trials.map((report) => ({
    targetRatePerSecond: report.targetRatePerSecond,
    achievedAcceptedPerSecond: Math.round(report.achievedAcceptedPerSecond),
    sustained: report.sustained,
    freshnessMs: report.freshnessMs,
    lastQuarterFreshnessMs: report.lastQuarterFreshnessMs,
    acceptedToCountedMs: report.acceptedToCountedMs,
    cpuMicrosPerEvent: report.cost.cpuMicrosPerEvent,
    loadAverage: [report.machine.loadAverageAtStart, report.loadAverageAtEnd],
  })),
};
console.log(
  best
    ? `\nsustained ${summary.sustainedRatePerSecond} events/s for ${seconds} s (not at ${summary.notSustainedAt ?? '–'}/s); ` +
        `CPU µs per event there: ${JSON.stringify(best.cost.cpuMicrosPerEvent)}`
    : `\nnot even ${low} events/s was sustained`,
);
mkdirSync('test/bench/results', { recursive: true });
writeFileSync('test/bench/results/capacity.json', `${JSON.stringify(summary, null, 2)}\n`);
console.log('wrote test/bench/results/capacity.json');
