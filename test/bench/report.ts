import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { FreshnessReport as FreshnessRun, Percentiles } from './freshness-run.js';
import type { Machine } from './machine.js';

/**
 * Composes docs/benchmarks.md from the JSON each benchmark wrote in this run: test/bench/results/*.json and
 * packages/text/bench/results.json. Every figure is set beside its ceiling from the same run (the bare
 * Fastify route for ingestion, VADER for analysis) or, where a benchmark has no ceiling, beside its goal.
 *
 * argv: optional JSON object { benchmark: exit code } from run-all.ts, to name benchmarks that failed.
 */
const failures = JSON.parse(process.argv[2] ?? '{}') as Record<string, number | null>;

function read<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

interface LoadFigures {
  eventsPerSecond: number;
  non2xx: number;
  latencyMs: { p50: number; p90: number; p99: number };
}
interface CpuCost {
  eventsPerSecond: number;
  events: number;
  microsPerEvent: Record<string, number>;
}
interface IngestReport {
  at: string;
  /** Absent from runs before the machine was recorded with the figures. */
  machine?: Machine;
  durationSeconds: number;
  scenarios: {
    eventsPerRequest: number;
    connections: number;
    ceiling: LoadFigures;
    cxloop: LoadFigures;
    ratioToCeiling: number;
    /** Every round's ratio; absent from runs of one window per scenario. */
    roundRatios?: number[];
    /** The API's commit path driven without HTTP (commit-ceiling.ts); absent from earlier runs. */
    commitAlone?: { eventsPerSecond: number; ratioToCeiling: number };
  }[];
  /** Alternating rounds per scenario; absent from runs of one window per scenario. */
  rounds?: number;
  /** Absent from runs before CPU per event was measured. */
  cpu?: {
    requestsPerSecond: number;
    connections: number;
    bare: CpuCost;
    cxloop: CpuCost;
    cxloopMicrosPerEvent: number;
    roundMicrosPerEvent?: { bare: number; cxloop: number }[];
  };
  acceptedEvents: number;
  storedRows: number;
}
interface TextReport {
  analyserVersion: string;
  texts: number;
  secondsPerContender: number;
  results: { contender: string; docsPerSecond: number; ratioToVader: number }[];
}
type Spread = Percentiles;
/** Fields measured later than the first stored runs, absent from those files. */
type LaterFields =
  | 'acceptedToAnalysedMs'
  | 'cost'
  | 'lastQuarterFreshnessMs'
  | 'sustained'
  | 'loadAverageAtEnd';
type FreshnessReport = Omit<FreshnessRun, LaterFields> & Partial<Pick<FreshnessRun, LaterFields>>;
interface RecomputeSize {
  feedback: number;
  cases: number;
  scopes: number;
  runsMs: number[];
  medianMs: number;
  rollups: Record<string, number>;
  /** The statements a recompute's time went to, summed over the timed runs (they partly overlap). */
  queries?: { query: string; calls: number; ms: number }[];
  /** Recomputes with every window read whole (absent from runs before settled-day sums were kept). */
  cold?: { runsMs: number[]; medianMs: number; queries: { query: string; calls: number; ms: number }[] };
}
interface RecomputeReport {
  at: string;
  machine: Machine;
  method: string;
  spanDays: number;
  units: number;
  customerPool: number;
  channels: string[];
  bulkSqlVerified: Record<string, number>;
  sizes: RecomputeSize[];
  ratio: number;
  coldRatio?: number;
  goal: number;
}

interface CapacityTrial {
  targetRatePerSecond: number;
  achievedAcceptedPerSecond: number;
  sustained: boolean;
  freshnessMs: Spread;
  lastQuarterFreshnessMs: Spread;
  acceptedToCountedMs: Spread;
  cpuMicrosPerEvent: Record<string, number>;
  loadAverage: [number, number];
}
interface StageCost {
  cpuMicrosPerEvent: Record<string, number>;
  cxloopAndPostgresMicrosPerEvent: number;
  transactionsPer1000Events: number;
}
interface CapacityReport {
  at: string;
  method: string;
  secondsPerTrial: number;
  sustainedRatePerSecond: number | null;
  notSustainedAt: number | null;
  trials: CapacityTrial[];
  drain: {
    machine: Machine;
    events: number;
    drainSeconds: number;
    drainedPerSecond: number;
    cost: StageCost;
  };
}

const ingest = read<IngestReport>('test/bench/results/ingest.json');
const text = read<TextReport>('packages/text/bench/results.json');
const freshness = read<FreshnessReport>('test/bench/results/freshness.json');
const recompute = read<RecomputeReport>('test/bench/results/recompute.json');
const capacity = read<CapacityReport>('test/bench/results/capacity.json');

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
const n = (value: number, digits = 0) =>
  value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const met = (ok: boolean) => (ok ? 'met' : '**not met**');
const missing = (name: string) =>
  failures[name] !== undefined && failures[name] !== 0
    ? `not measured in this run: \`pnpm bench:${name}\` exited with ${failures[name]}`
    : 'not measured: no results file';

const machine = freshness?.machine ?? recompute?.machine;
const lines: string[] = [];
const out = (...more: string[]) => lines.push(...more);

out(
  '# Benchmarks',
  '',
  `Generated by \`pnpm bench\` (test/bench/run-all.ts → test/bench/report.ts) on ${new Date().toISOString().slice(0, 10)}; do not edit by hand.`,
  'Each benchmark can be run alone with the command named in its section; its raw figures are in the JSON file named there.',
  '',
  '## Machine',
  '',
);
if (machine) {
  out(
    '| | |',
    '| --- | --- |',
    `| CPU | ${machine.cpus} cores, ${machine.cpuModel} |`,
    `| Memory | ${machine.memoryGiB} GiB |`,
    `| Node | ${machine.node} |`,
    `| PostgreSQL | ${machine.postgres} |`,
    `| Redis | ${machine.redis} |`,
    `| Load average at start (1 min) | ingest ${ingest?.machine?.loadAverageAtStart ?? '–'}, freshness ${freshness?.machine.loadAverageAtStart ?? '–'}, recompute ${recompute?.machine.loadAverageAtStart ?? '–'} |`,
    '',
  );
}
out(
  'The machine is shared with other engineers running test suites, so every figure is noisy: the load average',
  'above says how busy it was. Figures are medians or percentiles of whole runs, never best cases; the text',
  'benchmark counts CPU time of its own process, so it is the least affected.',
  '',
  '## Summary',
  '',
  '| Benchmark | Figure | Ceiling or reference (same run) | Ratio | Goal | |',
  '| --- | --- | --- | --- | --- | --- |',
);
if (ingest) {
  for (const s of ingest.scenarios) {
    out(
      `| Ingest, ${s.eventsPerRequest === 1 ? 'one event per request' : `${s.eventsPerRequest} events per request`}, ${s.connections} connections | ` +
        `${n(s.cxloop.eventsPerSecond)} events/s | bare Fastify route ${n(s.ceiling.eventsPerSecond)} events/s` +
        `${s.commitAlone ? ` (PostgreSQL alone: ${n(s.commitAlone.eventsPerSecond)} events/s, ${pct(s.commitAlone.ratioToCeiling)} of it)` : ''} | ` +
        `${pct(s.ratioToCeiling)}${s.roundRatios ? ` (median of ${s.roundRatios.length} rounds: ${s.roundRatios.map(pct).join(', ')})` : ''} | ` +
        `≥ 30 % | ${met(s.ratioToCeiling >= 0.3)} |`,
    );
  }
  if (ingest.cpu) {
    const bareMicros = ingest.cpu.bare.microsPerEvent.server!;
    out(
      `| Ingest CPU per event at ${n(ingest.cpu.requestsPerSecond)} events/s (API + PostgreSQL + Redis) | ${n(ingest.cpu.cxloopMicrosPerEvent)} µs | ` +
        `bare Fastify route ${n(bareMicros)} µs | ${pct(bareMicros / ingest.cpu.cxloopMicrosPerEvent)} | none: what each event costs the machine | |`,
    );
  }
} else out(`| Ingest | ${missing('ingest')} | | | ≥ 30 % | |`);
const full = text?.results.find((r) => r.contender.includes('full'));
const vader = text?.results.find((r) => r.contender.includes('vader'));
if (full && vader) {
  out(
    `| Analysis (full analyseFeedback) | ${n(full.docsPerSecond)} texts/s per core | VADER ${n(vader.docsPerSecond)} texts/s per core | ` +
      `${full.ratioToVader.toFixed(2)}× | ≥ 1× | ${met(full.ratioToVader >= 1)} |`,
  );
} else out(`| Analysis | ${missing('text')} | | | ≥ 1× | |`);
if (freshness?.freshnessMs) {
  const f = freshness.freshnessMs;
  const ok = f.p95 < freshness.goalP95Ms && freshness.neverReflected === 0;
  out(
    `| Freshness, 202 → SSE event | p50 ${n(f.p50)} ms, p95 ${n(f.p95)} ms, p99 ${n(f.p99)} ms at ${n(freshness.achievedAcceptedPerSecond)} accepted/s ` +
      `(target ${freshness.targetRatePerSecond}/s) | no ceiling: goal | p95 / goal ${(f.p95 / freshness.goalP95Ms).toFixed(2)} | ` +
      `p95 < ${n(freshness.goalP95Ms)} ms at 500/s | ${met(ok && freshness.achievedAcceptedPerSecond >= 0.95 * freshness.targetRatePerSecond)} |`,
  );
} else out(`| Freshness | ${missing('freshness')} | | | p95 < 2 s at 500/s | |`);
if (capacity) {
  const rate = capacity.sustainedRatePerSecond;
  out(
    `| Capacity, whole pipeline, freshness p95 < 2 s for ${capacity.secondsPerTrial} s | ` +
      `${rate === null ? `none (not at ${n(capacity.notSustainedAt ?? 0)}/s)` : `${n(rate)} events/s`} | no ceiling: goal | ` +
      `${((rate ?? 0) / 4_000).toFixed(2)} of goal | ≥ 4,000 events/s | ${met((rate ?? 0) >= 4_000)} |`,
  );
}
if (recompute) {
  const [small, large] = recompute.sizes;
  out(
    `| Recompute, ${n(large!.feedback)} vs ${n(small!.feedback)} feedback | ${n(large!.medianMs, 1)} ms vs ${n(small!.medianMs, 1)} ms (medians) | ` +
      `the 10 k recompute | ${recompute.ratio.toFixed(2)}× | ≤ ${recompute.goal}× | ${met(recompute.ratio <= recompute.goal)} |`,
  );
  if (small!.cold && large!.cold && recompute.coldRatio !== undefined) {
    out(
      `| Recompute cold (every window read whole), same sizes | ${n(large!.cold.medianMs, 1)} ms vs ${n(small!.cold.medianMs, 1)} ms (medians) | ` +
        `the 10 k cold recompute | ${recompute.coldRatio.toFixed(2)}× | ≤ ${recompute.goal}× | ${met(recompute.coldRatio <= recompute.goal)} |`,
    );
  }
} else out(`| Recompute | ${missing('recompute')} | | | ≤ 1.5× | |`);
out('');

out(
  '## Ingestion',
  '',
  `Command: \`pnpm bench:ingest\` → test/bench/results/ingest.json${ingest ? `, measured ${ingest.at}` : ''}`,
  '',
);
if (ingest) {
  out(
    `autocannon, ${ingest.durationSeconds} s per measured window after a warm-up` +
      (ingest.rounds
        ? `, ${ingest.rounds} rounds per scenario (a window of each server, in alternating order); each row is the round with the median ratio, the last column every round's ratio; signed`
        : '; signed'),
    'Standard Webhooks deliveries through the real API (signature check, validation, durable commit, enqueue)',
    'against a bare Fastify route that parses the body and answers 202, same generator, same run. At 32',
    'connections the API waits on PostgreSQL and Redis round trips with CPU to spare (throughput bound by',
    'latency); at 256 the two cores are close to saturation, which measures capacity. The bare route is bound by',
    'the load generator, a Node process on the same two cores, at either. Both throughputs move with what',
    'else runs on this shared machine (load average above); CPU per event, below, counts only the processes',
    'that do the work.',
    '',
    '"PostgreSQL alone" is the API\'s own commit path (the same feedback rows, grouped into statements by the',
    'same FeedbackWriter) driven by as many concurrent senders as the scenario has connections, with no HTTP,',
    'signature, validation or enqueue (test/bench/commit-ceiling.ts, one window per scenario, its own process):',
    'no API that commits a row per event before answering can accept more. Its ratio is to the median of the',
    "scenario's bare-route windows.",
    '',
    '| Events per request | Connections | cxloop events/s | p50 / p99 ms | non-2xx | bare route events/s | p50 / p99 ms | ratio | rounds | PostgreSQL alone events/s | its ratio |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...ingest.scenarios.map(
      (s) =>
        `| ${s.eventsPerRequest} | ${s.connections} | ${n(s.cxloop.eventsPerSecond)} | ${s.cxloop.latencyMs.p50} / ${s.cxloop.latencyMs.p99} | ${s.cxloop.non2xx} | ` +
        `${n(s.ceiling.eventsPerSecond)} | ${s.ceiling.latencyMs.p50} / ${s.ceiling.latencyMs.p99} | ${pct(s.ratioToCeiling)} | ` +
        `${s.roundRatios ? s.roundRatios.map(pct).join(', ') : ''} | ` +
        `${s.commitAlone ? `${n(s.commitAlone.eventsPerSecond)} | ${pct(s.commitAlone.ratioToCeiling)}` : ' | '} |`,
    ),
    '',
    ...(ingest.cpu
      ? [
          `CPU per event at a fixed ${n(ingest.cpu.requestsPerSecond)} single events/s over ${ingest.cpu.connections} connections, well below`,
          'capacity, so that each process gets the CPU it asks for: CPU seconds of each process (from /proc) over the',
          'window, divided by the events accepted. The total includes what the API makes PostgreSQL and Redis do.',
          ...(ingest.cpu.roundMicrosPerEvent
            ? [
                `Each server's median round of ${ingest.cpu.roundMicrosPerEvent.length}; cxloop totals per round ` +
                  `${ingest.cpu.roundMicrosPerEvent.map((round) => n(round.cxloop)).join(', ')} µs, bare route ` +
                  `${ingest.cpu.roundMicrosPerEvent.map((round) => n(round.bare)).join(', ')} µs.`,
              ]
            : []),
          '',
          '| Process | cxloop µs per event | bare route µs per event |',
          '| --- | --- | --- |',
          ...Object.entries(ingest.cpu.cxloop.microsPerEvent).map(
            ([name, micros]) => `| ${name} | ${n(micros)} | |`,
          ),
          `| server | | ${n(ingest.cpu.bare.microsPerEvent.server!)} |`,
          `| total | ${n(ingest.cpu.cxloopMicrosPerEvent)} | ${n(ingest.cpu.bare.microsPerEvent.server!)} |`,
          '',
        ]
      : []),
    `Events accepted by the API ${n(ingest.acceptedEvents)}, rows stored ${n(ingest.storedRows)}: every 2xx is a stored row; ` +
      `the load generator stops at the end of each window with one request per connection in flight, and those ` +
      `requests' rows are committed although their answers are not counted.`,
    '',
  );
} else out(missing('ingest'), '');

out('## Analysis', '', 'Command: `pnpm bench:text` → packages/text/bench/results.json', '');
if (text) {
  out(
    `${n(text.texts)} texts, ${text.secondsPerContender} CPU seconds per contender, one process (texts per second of one core), ${text.analyserVersion}.`,
    '',
    '| Contender | Texts/s per core | Ratio to VADER |',
    '| --- | --- | --- |',
    ...text.results.map((r) => `| ${r.contender} | ${n(r.docsPerSecond)} | ${r.ratioToVader.toFixed(2)}× |`),
    '',
  );
} else out(missing('text'), '');

out(
  '## Freshness',
  '',
  `Command: \`pnpm bench:freshness\` → test/bench/results/freshness.json${freshness ? `, measured ${freshness.at}` : ''}`,
  '',
);
if (freshness) {
  const spread = (s: Spread) =>
    s ? `p50 ${n(s.p50)} ms, p95 ${n(s.p95)} ms, p99 ${n(s.p99)} ms, max ${n(s.max)} ms` : '–';
  out(
    `${freshness.processes}. Signed single-event webhooks scheduled at ${freshness.targetRatePerSecond}/s for ${freshness.durationSeconds} s`,
    `(${n(freshness.sender.scheduled)} scheduled, ${n(freshness.sender.sent)} sent, ${n(freshness.sender.skipped)} not sent because`,
    `512 requests were already waiting; ${n(freshness.accepted)} accepted, ${n(freshness.rejected)} rejected), i.e.`,
    `${n(freshness.achievedAcceptedPerSecond)} accepted events/s. 202 latency p50 ${freshness.acceptLatencyMs.p50} ms, p99 ${freshness.acceptLatencyMs.p99} ms.`,
    '',
    `- 202 → SSE event: ${spread(freshness.freshnessMs)} (${n(freshness.reflected)} events reflected, ${n(freshness.neverReflected)} never)`,
    ...(freshness.acceptedToAnalysedMs
      ? [`- of which 202 → analysed: ${spread(freshness.acceptedToAnalysedMs)}`]
      : []),
    `- of which 202 → counted in the rollups: ${spread(freshness.acceptedToCountedMs)}`,
    `- score events during the run: ${n(freshness.scoreEvents)} (${n(freshness.scoreEventsWithoutCount)} without the counted-feedback evidence)`,
    `- everything counted and reflected ${freshness.drainedAllWithinSeconds === null ? '**not** within the 4-minute drain limit' : `${freshness.drainedAllWithinSeconds} s after the sender stopped`}`,
    '',
    `What "reflects" means: ${freshness.definition}`,
    '',
  );
} else out(missing('freshness'), '');
const extraRates = readdirSync('test/bench/results')
  .filter((file) => /^freshness-at-\d+\.json$/.test(file))
  .map((file) => read<FreshnessReport>(`test/bench/results/${file}`)!)
  .sort((a, b) => a.targetRatePerSecond - b.targetRatePerSecond);
if (extraRates.length > 0) {
  out(
    'Other rates (`FRESHNESS_RATE=<n> pnpm bench:freshness`, same definition), to show where the pipeline keeps up:',
    '',
    '| Target rate | Accepted/s | 202 p50 / p99 ms | 202 → counted p50 / p95 ms | 202 → SSE p50 / p95 / p99 ms |',
    '| --- | --- | --- | --- | --- |',
    ...extraRates.map(
      (r) =>
        `| ${r.targetRatePerSecond}/s | ${n(r.achievedAcceptedPerSecond)} | ${r.acceptLatencyMs.p50} / ${r.acceptLatencyMs.p99} | ` +
        `${r.acceptedToCountedMs ? `${n(r.acceptedToCountedMs.p50)} / ${n(r.acceptedToCountedMs.p95)}` : '–'} | ` +
        `${r.freshnessMs ? `${n(r.freshnessMs.p50)} / ${n(r.freshnessMs.p95)} / ${n(r.freshnessMs.p99)}` : '–'} |`,
    ),
    '',
  );
}

out(
  '## Capacity',
  '',
  `Command: \`pnpm bench:capacity\` → test/bench/results/capacity.json${capacity ? `, measured ${capacity.at}` : ''}`,
  '',
);
if (capacity) {
  const micros = (cpu: Record<string, number>) =>
    Object.entries(cpu)
      .map(([name, value]) => `${name} ${n(value)}`)
      .join(', ');
  const { drain } = capacity;
  out(
    `Method: ${capacity.method}. CPU per event is read from /proc for each cxloop process and for the PostgreSQL`,
    'backends serving it (by application name); Redis is one server shared with other users of the machine.',
    '',
    `Sustained: ${capacity.sustainedRatePerSecond === null ? '**no rate tried was sustained**' : `${n(capacity.sustainedRatePerSecond)} events/s`}` +
      `${capacity.notSustainedAt === null ? '' : ` (not at ${n(capacity.notSustainedAt)}/s)`}, ${capacity.secondsPerTrial} s per trial.`,
    '',
    '| Target rate | Accepted/s | Sustained | 202 → SSE p95 ms (last quarter) | 202 → counted p95 ms | CPU µs per event | Load average |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...capacity.trials.map(
      (t) =>
        `| ${n(t.targetRatePerSecond)}/s | ${n(t.achievedAcceptedPerSecond)} | ${t.sustained ? 'yes' : 'no'} | ` +
        `${t.freshnessMs ? n(t.freshnessMs.p95) : '–'} (${t.lastQuarterFreshnessMs ? n(t.lastQuarterFreshnessMs.p95) : '–'}) | ` +
        `${t.acceptedToCountedMs ? n(t.acceptedToCountedMs.p95) : '–'} | ${micros(t.cpuMicrosPerEvent)} | ${t.loadAverage.join(' → ')} |`,
    ),
    '',
    `Backlog drain (load average ${drain.machine.loadAverageAtStart} at start): ${n(drain.events)} feedback stored and enqueued`,
    `with analysis paused, then analysed and counted in ${drain.drainSeconds} s (${n(drain.drainedPerSecond)} events/s).`,
    `CPU µs per event: ${micros(drain.cost.cpuMicrosPerEvent)} (cxloop + its PostgreSQL ${n(drain.cost.cxloopAndPostgresMicrosPerEvent)});`,
    `${drain.cost.transactionsPer1000Events} transactions per 1,000 events.`,
    '',
  );
} else out(missing('capacity'), '');

out(
  '## Recompute',
  '',
  `Command: \`pnpm bench:recompute\` → test/bench/results/recompute.json${recompute ? `, measured ${recompute.at}` : ''}`,
  '',
);
if (recompute) {
  out(
    `Method: ${recompute.method}. Data: ${recompute.channels.length} channels (${recompute.channels.join(', ')}), ${recompute.units} units`,
    `(and unattributed feedback), touchpoints per channel, NPS/CSAT/CES as each channel carries them, customer references`,
    `from a pool of ${n(recompute.customerPool)}, receipt times spread over ${recompute.spanDays} days, flagged feedback with triage cases.`,
    `The bulk rollup SQL was checked against the aggregate processor on the sample first: mismatching rows ${JSON.stringify(recompute.bulkSqlVerified)}.`,
    '',
    '| Feedback | Cases | Scopes | Recompute | Median ms | Runs ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...recompute.sizes.flatMap((s) => [
      `| ${n(s.feedback)} | ${n(s.cases)} | ${s.scopes} | steady | ${n(s.medianMs, 1)} | ${s.runsMs.map((ms) => ms.toFixed(0)).join(', ')} |`,
      ...(s.cold
        ? [
            `| ${n(s.feedback)} | ${n(s.cases)} | ${s.scopes} | cold | ${n(s.cold.medianMs, 1)} | ${s.cold.runsMs.map((ms) => ms.toFixed(0)).join(', ')} |`,
          ]
        : []),
    ]),
    '',
    `Ratio of medians: ${recompute.ratio.toFixed(2)}× steady${recompute.coldRatio === undefined ? '' : `, ${recompute.coldRatio.toFixed(2)}× cold`} (goal ≤ ${recompute.goal}×).`,
    '',
    "Rows of each rollup table (the organisation's) at each size; a recompute reads all of them but customer_days, which only feeds rollup_customer_return:",
    '',
    `| Table | ${recompute.sizes.map((s) => `${n(s.feedback)} feedback`).join(' | ')} |`,
    `| --- | ${recompute.sizes.map(() => '---').join(' | ')} |`,
    ...Object.keys(recompute.sizes[0]?.rollups ?? {}).map(
      (table) => `| ${table} | ${recompute.sizes.map((s) => n(s.rollups[table] ?? 0)).join(' | ')} |`,
    ),
    '',
  );
  for (const size of recompute.sizes) {
    for (const [kind, runs] of [
      ['steady', size.queries && { runsMs: size.runsMs, queries: size.queries }],
      ['cold', size.cold],
    ] as const) {
      if (!runs) continue;
      out(
        `Statements by total time over the ${runs.runsMs.length} timed ${kind} recomputes at ${n(size.feedback)} feedback (concurrent ones overlap):`,
        '',
        '| Statement (operation, tables) | Calls | Total ms |',
        '| --- | --- | --- |',
        ...runs.queries.map((q) => `| ${q.query} | ${n(q.calls)} | ${n(q.ms, 1)} |`),
        '',
      );
    }
  }
} else out(missing('recompute'), '');

writeFileSync('docs/benchmarks.md', `${lines.join('\n')}\n`);
console.log('wrote docs/benchmarks.md');
