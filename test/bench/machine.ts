import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Db } from '@cxloop/db';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { redisUrl } from '../support/redis.js';

/** What a benchmark ran on, recorded beside its figures. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
  /** 1-minute load average when the benchmark started: other work on a shared machine skews figures. */
  loadAverageAtStart: number;
}

function cpuModel(): string {
  const model = cpus()[0]?.model ?? 'unknown';
  try {
    // os.cpus() can report a short family name in VMs; lscpu has the full one.
    const line = execFileSync('lscpu', { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith('Model name:'));
    return line ? line.slice('Model name:'.length).trim() : model;
  } catch {
    return model;
  }
}

export async function describeMachine(db: Db): Promise<Machine> {
  const postgres = await sql<{ server_version: string }>`show server_version`.execute(db);
  const redis = new Redis(redisUrl);
  try {
    const info = await redis.info('server');
    return {
      cpus: cpus().length,
      cpuModel: cpuModel(),
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: postgres.rows[0]?.server_version ?? 'unknown',
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
      loadAverageAtStart: Number(loadavg()[0]!.toFixed(2)),
    };
  } finally {
    redis.disconnect();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0–100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
