import type { Db } from '@cxloop/db';
import { sql } from 'kysely';
import { cpuSecondsOf, pidsOf } from './process-cpu.js';

/**
 * What the whole pipeline spends per event while a benchmark runs: CPU seconds of each cxloop process, of
 * the PostgreSQL backends serving each of them (told apart by `application_name`, so other databases on a
 * shared server are not counted) and of Redis (one server: on a shared machine it includes others' work),
 * and PostgreSQL's own counts for the benchmark's database (transactions, rows written).
 */
export interface PipelineCost {
  cpuSeconds: Record<string, number>;
  transactions: number;
  rowsInserted: number;
  rowsUpdated: number;
}

type Groups = Record<string, number[]>;

/** How often backends are looked up: one that closes between two looks loses at most this much of its CPU. */
const POLL_MS = 500;

/** The benchmark's PostgreSQL backends, grouped per client by application name (`cxloop-api` → `postgres:api`). */
async function backendsOf(db: Db): Promise<Groups> {
  const rows = await sql<{ pid: number; application_name: string }>`
    select pid, application_name from pg_stat_activity
    where datname = current_database() and application_name like 'cxloop-%'`.execute(db);
  const groups: Groups = {};
  for (const row of rows.rows) {
    const name = `postgres:${row.application_name.replace('cxloop-', '')}`;
    groups[name] ??= [];
    groups[name].push(row.pid);
  }
  return groups;
}

async function databaseCounts(db: Db) {
  const stats = await sql<{ xact_commit: number; tup_inserted: number; tup_updated: number }>`
    select xact_commit::float8 as xact_commit, tup_inserted::float8 as tup_inserted,
      tup_updated::float8 as tup_updated
    from pg_stat_database where datname = current_database()`.execute(db);
  return stats.rows[0]!;
}

/** CPU seconds of each pid when first and last seen, by group; a pid first seen after the start counts from 0. */
class CpuWatch {
  readonly #seen = new Map<number, { group: string; first: number; last: number }>();

  look(groups: Groups, initial: boolean): void {
    for (const [group, pids] of Object.entries(groups)) {
      for (const pid of pids) {
        const seconds = cpuSecondsOf(pid);
        const seen = this.#seen.get(pid);
        if (seen) seen.last = Math.max(seen.last, seconds);
        else this.#seen.set(pid, { group, first: initial ? seconds : 0, last: seconds });
      }
    }
  }

  totals(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const { group, first, last } of this.#seen.values()) {
      totals[group] = (totals[group] ?? 0) + last - first;
    }
    return Object.fromEntries(
      Object.entries(totals).map(([group, seconds]) => [group, Number(seconds.toFixed(2))]),
    );
  }
}

/**
 * Runs `work` and reports what the pipeline spent meanwhile. `processes` names the cxloop processes' pids.
 * PostgreSQL backends are looked up every POLL_MS, since pools open and close connections as load varies.
 * PostgreSQL's statistics reach pg_stat_database with a delay of up to a second: `work` should end with the
 * pipeline drained, and the figures are read after that delay.
 */
export async function pipelineCostDuring<T>(
  db: Db,
  processes: Groups,
  work: () => Promise<T>,
): Promise<{ result: T; cost: PipelineCost }> {
  const watch = new CpuWatch();
  const look = async (initial: boolean) =>
    watch.look({ ...processes, ...(await backendsOf(db)), redis: pidsOf('redis-server') }, initial);
  const before = await databaseCounts(db);
  await look(true);
  let looking = true;
  const poller = (async () => {
    while (looking) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      await look(false);
    }
  })();
  const result = await work();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  looking = false;
  await poller;
  const after = await databaseCounts(db);
  return {
    result,
    cost: {
      cpuSeconds: watch.totals(),
      transactions: after.xact_commit - before.xact_commit,
      rowsInserted: after.tup_inserted - before.tup_inserted,
      rowsUpdated: after.tup_updated - before.tup_updated,
    },
  };
}

/** CPU µs per event of each group, and their total; transactions and rows per 1,000 events. */
export function costPerEvent(cost: PipelineCost, events: number) {
  const micros = Object.fromEntries(
    Object.entries(cost.cpuSeconds).map(([name, seconds]) => [name, Math.round((seconds * 1e6) / events)]),
  );
  const cxloop = Object.entries(micros)
    .filter(([name]) => name !== 'redis')
    .reduce((sum, [, value]) => sum + value, 0);
  const per1000 = (n: number) => Number(((n * 1000) / events).toFixed(1));
  return {
    cpuMicrosPerEvent: micros,
    /** Every group but Redis, whose figure includes other users of a shared server. */
    cxloopAndPostgresMicrosPerEvent: cxloop,
    transactionsPer1000Events: per1000(cost.transactions),
    rowsInsertedPer1000Events: per1000(cost.rowsInserted),
    rowsUpdatedPer1000Events: per1000(cost.rowsUpdated),
  };
}
