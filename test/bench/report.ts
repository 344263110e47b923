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

interface OutcomeSize {
  transactions: number;
  customers: number;
  import: { seconds: number; cpuSeconds?: number; rowsPerSecond: number; rssPeakMiB: number };
  readSummaries: { seconds: number };
  fitAndAnalyses: {
    seconds: number;
    cpuSeconds?: number;
    rssPeakMiB: number;
    fitted: boolean;
    validated: boolean;
  };
  recompute: { medianMs: number; runsMs: number[] };
}
interface OutcomesReport {
  at: string;
  machine: Machine;
  loadAverageAtEnd: number;
  method: string;
  feedbackImport: { rows: number; seconds: number; rowsPerSecond: number };
  sizes: OutcomeSize[];
  importRatioToFeedback: number;
  recomputeRatio: number;
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
const outcomes = read<OutcomesReport>('test/bench/results/outcomes.json');

interface ActionEffectReport {
  at: string;
  machine: Machine;
  loadAverageAtEnd: number;
  runs: number;
  spanDays: number;
  units: number;
  channels: string[];
  effectWindowDays: number;
  sizes: {
    feedback: number;
    rollups: Record<string, number>;
    effects: Record<string, { medianMs: number; runsMs: number[]; verdict: string | null }>;
  }[];
  ratios: Record<string, number>;
  goal: number;
}
const actionEffect = read<ActionEffectReport>('test/bench/results/action-effect.json');
const stream = read<StreamReport>('test/bench/results/score-stream.json');

interface StreamReport {
  at: string;
  machine: Machine;
  scoresView: {
    seconds: number;
    recomputes: number;
    eventsReceived: number;
    fullScoreBytes: number;
    fullScoreCompressedBytes: number;
    before: { streamBytes: number; scoreReadBytes: number; totalBytes: number };
    after: { streamBytes: number; totalBytes: number };
    reduction: number;
    patchedMatchesStored: boolean;
  };
  concurrent: {
    streams: number;
    eventsPublished: number;
    streamsReceivingEveryEvent: number;
    apiResidentMiB: { idle: number; withStreams: number };
    perStreamKiB: number;
    apiRedisConnections: { idle: number; withStreams: number };
    latencyMs: { p50: number; p95: number; p99: number };
    loadAverageAfter: number;
  };
}
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
    `| Load average at start (1 min) | ingest ${ingest?.machine?.loadAverageAtStart ?? '–'}, freshness ${freshness?.machine.loadAverageAtStart ?? '–'}, recompute ${recompute?.machine.loadAverageAtStart ?? '–'}, outcomes ${outcomes?.machine.loadAverageAtStart ?? '–'}, stream ${stream?.machine.loadAverageAtStart ?? '–'} |`,
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
if (actionEffect) {
  const [small, large] = actionEffect.sizes;
  for (const [name, ratio] of Object.entries(actionEffect.ratios)) {
    out(
      `| Action effect (${name}), ${n(large!.feedback)} vs ${n(small!.feedback)} feedback | ` +
        `${n(large!.effects[name]!.medianMs, 1)} ms vs ${n(small!.effects[name]!.medianMs, 1)} ms (medians) | ` +
        `the 10 k measurement | ${ratio.toFixed(2)}× | ≤ ${actionEffect.goal}× | ${met(ratio <= actionEffect.goal)} |`,
    );
  }
} else out(`| Action effect | ${missing('action-effect')} | | | ≤ 1.5× | |`);
const outcomesLarge = outcomes?.sizes.at(-1);
const outcomesSmall = outcomes?.sizes[0];
if (outcomes && outcomesLarge && outcomesSmall) {
  out(
    `| Outcome import, ${n(outcomesLarge.transactions)} transactions of ${n(outcomesLarge.customers)} customers | ${n(outcomesLarge.import.rowsPerSecond)} rows/s | ` +
      `feedback import ${n(outcomes.feedbackImport.rowsPerSecond)} rows/s | ${pct(outcomes.importRatioToFeedback)} | none: measured against the feedback import | |`,
    `| Recompute with outcomes, ${n(outcomesLarge.transactions)} vs ${n(outcomesSmall.transactions)} transactions | ${n(outcomesLarge.recompute.medianMs, 1)} ms vs ${n(outcomesSmall.recompute.medianMs, 1)} ms (medians) | ` +
      `the 1/100 recompute | ${outcomes.recomputeRatio.toFixed(2)}× | ≤ 1.5× | ${met(outcomes.recomputeRatio <= 1.5)} |`,
  );
} else out(`| Outcomes | ${missing('outcomes')} | | | | |`);
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

out(
  '## Action effect',
  '',
  `Command: \`pnpm bench:action-effect\` → test/bench/results/action-effect.json${actionEffect ? `, measured ${actionEffect.at}` : ''}`,
  '',
);
if (actionEffect) {
  out(
    `Method: one improvement action's effect measurement (\`actionEffectReport\`: the grouped rollup read of its two ` +
      `${actionEffect.effectWindowDays}-day windows for the scope and its comparison group, and the statistics), ` +
      `median of ${actionEffect.runs} timed runs after a warm-up, at each size of one organisation's history.`,
    `Data: analysed feedback bulk-loaded over ${actionEffect.spanDays} days, ${actionEffect.units} units (and unattributed), ` +
      `${actionEffect.channels.length} channels (${actionEffect.channels.join(', ')}), four touchpoint values, one topic on a fifth; ` +
      'rollups from the benchmark GROUP BY SQL that `pnpm bench:recompute` checks against the aggregate processor.',
    `Load average (1 min): ${actionEffect.machine.loadAverageAtStart} at start, ${actionEffect.loadAverageAtEnd} at end; the machine was shared with other work, so single runs vary.`,
    '',
    `| Action | ${actionEffect.sizes.map((s) => `${n(s.feedback)} feedback: median ms`).join(' | ')} | Ratio |`,
    `| --- | ${actionEffect.sizes.map(() => '---').join(' | ')} | --- |`,
    ...Object.entries(actionEffect.ratios).map(
      ([name, ratio]) =>
        `| ${name} | ${actionEffect.sizes.map((s) => n(s.effects[name]!.medianMs, 1)).join(' | ')} | ${ratio.toFixed(2)}× |`,
    ),
    '',
    'Rollup rows of the organisation at each size (the measurement reads a two-window slice of them):',
    '',
    `| Table | ${actionEffect.sizes.map((s) => `${n(s.feedback)} feedback`).join(' | ')} |`,
    `| --- | ${actionEffect.sizes.map(() => '---').join(' | ')} |`,
    ...Object.keys(actionEffect.sizes[0]?.rollups ?? {}).map(
      (table) => `| ${table} | ${actionEffect.sizes.map((s) => n(s.rollups[table] ?? 0)).join(' | ')} |`,
    ),
    '',
  );
} else out(missing('action-effect'), '');

out(
  '## Outcomes',
  '',
  `Command: \`pnpm bench:outcomes [--transactions N] [--customers N] [--feedback N]\` → test/bench/results/outcomes.json${outcomes ? `, measured ${outcomes.at}` : ''}`,
  '',
);
if (outcomes) {
  out(
    `Method: ${outcomes.method}. Transactions: purchases and about 3 % refunds over two years, each customer's first`,
    'order on a random day and the others after it, a skewed number of orders per customer and a skewed basket',
    'per customer, listed in time order as an export would be. The feedback import streams generated feedback',
    'rows into another organisation of the same database in the same run.',
    `Run on ${outcomes.machine.cpus} cores of ${outcomes.machine.cpuModel}, load average ${outcomes.machine.loadAverageAtStart} at the start and ${outcomes.loadAverageAtEnd} at the end:`,
    'the machine was shared with other engineers, so wall times include long waits for a core (the fit is',
    'CPU-bound in one Node process; "Fit CPU s" is its own CPU time where the run recorded it).',
    'The generated orders are not drawn from BG/NBD (repeat orders fall uniformly after the first), so the',
    "model's fit check fails on them: this benchmark measures cost; how well the models fit is tested on",
    'simulated BG/NBD and Gamma-Gamma customers in packages/outcomes (parameter recovery, hold-out).',
    '',
    '| Transactions | Customers | Import s | Import rows/s | Read summaries s | Fit and analyses s | Fit CPU s | Peak RSS MiB | Model fitted / passed its check | Recompute median ms | Recompute runs ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...outcomes.sizes.map(
      (size) =>
        `| ${n(size.transactions)} | ${n(size.customers)} | ${n(size.import.seconds, 1)} | ${n(size.import.rowsPerSecond)} | ${n(size.readSummaries.seconds, 2)} | ` +
        `${n(size.fitAndAnalyses.seconds, 1)} | ${size.fitAndAnalyses.cpuSeconds === undefined ? 'not recorded' : n(size.fitAndAnalyses.cpuSeconds, 1)} | ` +
        `${n(Math.max(size.import.rssPeakMiB, size.fitAndAnalyses.rssPeakMiB))} | ${size.fitAndAnalyses.fitted ? 'yes' : 'no'} / ${size.fitAndAnalyses.validated ? 'yes' : 'no'} | ` +
        `${n(size.recompute.medianMs, 1)} | ${size.recompute.runsMs.map((ms) => ms.toFixed(0)).join(', ')} |`,
    ),
    '',
    `Feedback import in the same run: ${n(outcomes.feedbackImport.rows)} rows in ${n(outcomes.feedbackImport.seconds, 1)} s, ${n(outcomes.feedbackImport.rowsPerSecond)} rows/s.`,
    "The outcome import writes each event and updates its customer's summary in the same transaction (one per 500",
    'rows); the feedback import stores rows and enqueues their analysis. The recompute reads the stored analysis',
    'and summaries, never transactions: its ratio between the two sizes is the flatness check.',
    '',
  );
} else out(missing('outcomes'), '');

out(
  '## Live score stream',
  '',
  `Command: \`pnpm bench:stream\` → test/bench/results/score-stream.json${stream ? `, measured ${stream.at}` : ''}`,
  '',
);
if (stream) {
  const { scoresView: view, concurrent: c } = stream;
  out(
    `One API process (services/api/src/server.ts) with the real score worker recomputing an organisation about every 2 s, ` +
      `a few staff survey means moved each time (every indicator has evidence, so the whole score is ${n(view.fullScoreBytes / 1024, 1)} KiB, ` +
      `${n(view.fullScoreCompressedBytes / 1024, 1)} KiB compressed). Load average ${stream.machine.loadAverageAtStart} at start and ` +
      `${c.loadAverageAfter} at the end, on 2 shared cores.`,
    '',
    `The Scores view over ${view.seconds} s of live updates (${view.recomputes} recomputes, ${view.eventsReceived} events), both clients in the same run; ` +
      'bytes are HTTP bodies received after the first load:',
    '',
    '| Client | Stream bytes | Score reads | Total | |',
    '| --- | --- | --- | --- | --- |',
    `| Before: each event reloads the whole score (uncompressed, events without patch) | ${n(view.before.streamBytes)} | ${n(view.before.scoreReadBytes)} | ${n(view.before.totalBytes)} | |`,
    `| After: each event carries a patch the page applies | ${n(view.after.streamBytes)} | 0 | ${n(view.after.totalBytes)} | ${view.reduction}× fewer bytes (goal ≥ 10×: ${met(view.reduction >= 10)}) |`,
    '',
    `The patched score equals the stored one at the precision shown: ${view.patchedMatchesStored ? 'yes' : '**no**'}.`,
    '',
    `${n(c.streams)} concurrent streams on the same process, ${c.eventsPublished} score changes published at about 10/s:`,
    '',
    '| Figure | Value |',
    '| --- | --- |',
    `| Streams that received every change | ${n(c.streamsReceivingEveryEvent)} of ${n(c.streams)} |`,
    `| API resident memory, idle → with the streams | ${c.apiResidentMiB.idle} MiB → ${c.apiResidentMiB.withStreams} MiB (${c.perStreamKiB} KiB per stream) |`,
    `| API TCP connections to Redis, idle → with the streams | ${c.apiRedisConnections.idle} → ${c.apiRedisConnections.withStreams} (one score reader whatever the number of streams) |`,
    `| Latency, change appended → received by each stream | p50 ${n(c.latencyMs.p50)} ms, p95 ${n(c.latencyMs.p95)} ms, p99 ${n(c.latencyMs.p99)} ms |`,
    '',
    'The latency includes the benchmark reading all streams in one Node process on the same two cores, so it is an upper bound.',
    '',
  );
} else out(missing('stream'), '');

writeFileSync('docs/benchmarks.md', `${lines.join('\n')}\n`);
console.log('wrote docs/benchmarks.md');
