import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { batchWorkerLocks, redisOptions } from '@cxloop/runtime';
import { Queue, Worker, type WorkerOptions } from 'bullmq';
import { flushRedisPrefix, redisUrl } from '../support/redis.js';
import { median } from './machine.js';

/**
 * `node --import tsx test/bench/stalled-recovery.ts`: how long a job held by a worker that is killed with
 * `kill -9` waits before another worker runs it, with the lock settings of the analysis and aggregate
 * workers and with BullMQ's defaults. A child process takes the job and hangs; it is killed once the job is
 * active; a fresh worker in this process times how long the job takes to come back. Writes JSON.
 *
 * As a child: argv `hold <prefix> <queue> <settings>` takes one job and never finishes it.
 */
const QUEUE = 'stalled-recovery';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const settings: Record<string, Partial<WorkerOptions>> = { product: batchWorkerLocks, bullmqDefaults: {} };

if (process.argv[2] === 'hold') {
  const [, , , prefix, queue, name] = process.argv;
  const worker = new Worker(queue!, () => new Promise(() => {}), {
    connection: redisOptions(redisUrl),
    prefix: prefix!,
    ...settings[name!],
  });
  worker.on('active', () => process.stdout.write('holding\n'));
} else {
  const results: Record<string, number[]> = {};
  for (const [name, options] of Object.entries(settings)) {
    results[name] = [];
    for (let round = 0; round < ROUNDS; round++) {
      results[name].push(await recoverySeconds(name, options));
      console.log(`${name}: round ${round + 1} ${results[name].at(-1)!.toFixed(1)} s`);
    }
  }
  const report = {
    benchmark: 'stalled-recovery',
    at: new Date().toISOString(),
    settings,
    seconds: results,
    medianSeconds: Object.fromEntries(
      Object.entries(results).map(([name, values]) => [name, median(values)]),
    ),
  };
  console.log(JSON.stringify(report.medianSeconds));
  mkdirSync('test/bench/results', { recursive: true });
  writeFileSync('test/bench/results/stalled-recovery.json', `${JSON.stringify(report, null, 2)}\n`);
}

async function recoverySeconds(name: string, options: Partial<WorkerOptions>): Promise<number> {
  const prefix = `cxbench:stalled:${randomBytes(4).toString('hex')}`;
  const connection = redisOptions(redisUrl);
  const queue = new Queue(QUEUE, { connection, prefix });
  let holder: ChildProcess | undefined;
  let rescuer: Worker | undefined;
  try {
    await queue.add('job', {});
    holder = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'hold', prefix, QUEUE, name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => holder!.stdout!.on('data', () => resolve()));
    holder.kill('SIGKILL');
    const killedAt = performance.now();
    const completed = new Promise<number>((resolve) => {
      rescuer = new Worker(QUEUE, async () => 'done', { connection, prefix, ...options });
      rescuer.on('completed', () => resolve((performance.now() - killedAt) / 1000));
    });
    return await completed;
  } finally {
    holder?.kill('SIGKILL');
    await rescuer?.close();
    await queue.close();
    await flushRedisPrefix(prefix);
  }
}
