import { type Db, findSourceForDelivery, type Source } from '@cxloop/db';

interface Entry {
  source: Promise<Source | undefined>;
  expiresAt: number;
}

/**
 * Sources as webhook deliveries need them, remembered for a moment: under load every delivery of a source
 * would otherwise read the same row, and a database round trip is the dearest part of a delivery. A change
 * made through this process (settings, pause, secret rotation, delete) is forgotten at once; one made
 * elsewhere (another replica, the CLI) takes effect within `ttlMs`. Unknown ids are remembered too, so a
 * flood of deliveries to a deleted source costs no queries. Concurrent misses share one read.
 *
 * @example const source = await sources.get(sourceId); // at most one read per source per ttlMs
 */
export class SourceCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 1_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(sourceId: string): Promise<Source | undefined> {
    const cached = this.#entries.get(sourceId);
    if (cached && cached.expiresAt > this.now()) return cached.source;
    const source = findSourceForDelivery(this.db, sourceId);
    this.#entries.delete(sourceId);
    this.#entries.set(sourceId, { source, expiresAt: this.now() + this.ttlMs });
    // A failed read (database away) is not remembered: the next delivery asks again.
    source.catch(() => {
      if (this.#entries.get(sourceId)?.source === source) this.#entries.delete(sourceId);
    });
    // Oldest first in insertion order: past the bound, the entries least recently loaded go.
    while (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return source;
  }

  forget(sourceId: string): void {
    this.#entries.delete(sourceId);
  }
}
