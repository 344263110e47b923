import type { DayWindow } from '@cxloop/db';
import { daysBefore } from './insights.js';

/**
 * Window sums over settled days (packages/db settled-days.ts), kept by a score worker between recomputes.
 * A recompute under load runs every few hundred milliseconds and would otherwise re-add up to 180 days of
 * rollup rows each time, although only the last days change. An entry holds while the organisation's
 * settled-rollup revision is the one it was read under; a new day gives new keys, and the oldest entries
 * go first once `capacity` is reached.
 */
export class SettledSums {
  readonly #entries = new Map<string, { revision: string; sums: Promise<unknown> }>();

  constructor(private readonly capacity = 20_000) {}

  /** The sums kept under `key` for `revision`, or `read()` kept under it now. */
  get<T>(key: string, revision: string, read: () => Promise<T>): Promise<T> {
    const kept = this.#entries.get(key);
    if (kept && kept.revision === revision) return kept.sums as Promise<T>;
    const sums = read();
    this.#entries.delete(key);
    this.#entries.set(key, { revision, sums });
    // A failed read is not kept: the next recompute reads again.
    sums.catch(() => {
      if (this.#entries.get(key)?.sums === sums) this.#entries.delete(key);
    });
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return sums;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Windows that end on the same day, cut where the settled days end: the settled parts (same starts, ending
 * on `settledThrough`) and the one live window after them. Null when a window starts after `settledThrough`
 * (nothing of it is settled).
 */
export function splitAtSettled(
  windows: readonly DayWindow[],
  settledThrough: string,
): { settled: DayWindow[]; live: DayWindow } | null {
  const to = windows[0]?.to;
  if (to === undefined || windows.some((window) => window.from > settledThrough || window.to !== to)) {
    return null;
  }
  return {
    settled: windows.map((window) => ({ from: window.from, to: settledThrough })),
    live: { from: daysBefore(settledThrough, -1), to },
  };
}
