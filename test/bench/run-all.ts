import { spawnSync } from 'node:child_process';

/**
 * `pnpm bench`: every benchmark in turn (one at a time, so they do not compete for the two cores), then the
 * report. Freshness also runs at a low rate, to show the latency when the pipeline keeps up. A benchmark
 * that fails does not stop the others; the report names it as not measured.
 */
const runs: { name: string; script: string; env?: Record<string, string> }[] = [
  { name: 'ingest', script: 'bench:ingest' },
  { name: 'text', script: 'bench:text' },
  { name: 'freshness', script: 'bench:freshness' },
  { name: 'freshness-at-50', script: 'bench:freshness', env: { FRESHNESS_RATE: '50' } },
  { name: 'recompute', script: 'bench:recompute' },
  { name: 'action-effect', script: 'bench:action-effect' },
  { name: 'outcomes', script: 'bench:outcomes' },
  { name: 'stream', script: 'bench:stream' },
];
const exitCodes: Record<string, number | null> = {};
for (const run of runs) {
  console.log(
    `\n=== ${Object.entries(run.env ?? {})
      .map(([k, v]) => `${k}=${v} `)
      .join('')}pnpm ${run.script}`,
  );
  exitCodes[run.name] = spawnSync('pnpm', [run.script], {
    stdio: 'inherit',
    env: { ...process.env, ...run.env },
  }).status;
}
const report = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'test/bench/report.ts', JSON.stringify(exitCodes)],
  { stdio: 'inherit' },
);
const failed = Object.entries(exitCodes).filter(([, code]) => code !== 0);
if (failed.length > 0)
  console.error(`failed: ${failed.map(([name, code]) => `${name} (${code})`).join(', ')}`);
process.exit(failed.length > 0 || report.status !== 0 ? 1 : 0);
