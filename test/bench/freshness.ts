import { mkdirSync, writeFileSync } from 'node:fs';
import { describeFreshness, measureFreshness } from './freshness-run.js';

/**
 * `pnpm bench:freshness`: the freshness run (freshness-run.ts) at one rate. FRESHNESS_RATE (events/s, 500)
 * and FRESHNESS_SECONDS (30); BENCH_PROFILE=1 writes each process's CPU profile to /tmp/prof, to see
 * where the pipeline's time goes.
 */
const rate = Number(process.env.FRESHNESS_RATE ?? 500);
const seconds = Number(process.env.FRESHNESS_SECONDS ?? 30);
const report = await measureFreshness({
  rate,
  seconds,
  profileDir: process.env.BENCH_PROFILE ? '/tmp/prof' : undefined,
});
for (const line of describeFreshness(report)) console.log(line);
console.log(`definition: ${report.definition}`);
mkdirSync('test/bench/results', { recursive: true });
// The goal's rate is the benchmark; other rates (FRESHNESS_RATE) are extra points reported beside it.
const file = `test/bench/results/freshness${rate === 500 ? '' : `-at-${rate}`}.json`;
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${file}`);
