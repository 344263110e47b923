import { lastScoreChangeId, type StreamEntry, waitForScoreChanges } from '@cxloop/runtime';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

/** What the hub hands new entries of an organisation's score stream to: one open SSE connection. */
export type ScoreListener = (entries: readonly StreamEntry[]) => void;

/** How long one blocking read waits before it reads again; a change of followed streams wakes it sooner. */
const BLOCK_MS = 5_000;
/** After a failed read (Redis away), wait this long before the next, instead of spinning. */
const RETRY_MS = 1_000;

/**
 * This API instance's one reader of the score streams: a single blocking Redis connection follows every
 * organisation's stream that at least one open dashboard listens to, and fans each entry out to all of that
 * organisation's listeners. 1,000 open dashboards cost one Redis connection, not 1,000.
 *
 * Listeners get what the hub reads from the moment they join; catching up on what they missed before (or
 * while they were too slow to take more) is theirs to do with a plain range read (see score-connection.ts).
 *
 * @example const leave = await hub.join(scoreStreamKey(prefix, orgId), (entries) => send(entries));
 */
export class ScoreHub {
  readonly #listeners = new Map<string, Set<ScoreListener>>();
  /** Per followed stream, the id of the last entry read. */
  readonly #cursors = new Map<string, string>();
  readonly #reader: Redis;
  #readerId: number | undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #running: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#reader = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.#reader.on('error', (error) => log.warn({ err: error }, 'score stream reader error'));
    // A reconnected reader has a new client id: ask for it again before the next interrupt needs it.
    this.#reader.on('ready', () => {
      this.#readerId = undefined;
    });
    this.#running = this.#follow();
  }

  /** How many connections listen, over all organisations (for /metrics and the benchmark). */
  get listeners(): number {
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  /** Starts handing `key`'s new entries to `listener`; the returned function stops it. */
  async join(key: string, listener: ScoreListener): Promise<() => void> {
    let listeners = this.#listeners.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(key, listeners);
    }
    listeners.add(listener);
    if (!this.#cursors.has(key)) {
      const newest = await lastScoreChangeId(this.redis, key);
      // Another listener of the same organisation may have started following it meanwhile: keep its cursor.
      if (!this.#cursors.has(key) && this.#listeners.get(key) === listeners) {
        this.#cursors.set(key, newest);
        await this.#interrupt();
      }
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(key) === listeners) {
        this.#listeners.delete(key);
        this.#cursors.delete(key);
      }
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#interrupt();
    await this.#running;
    this.#reader.disconnect();
  }

  /** Ends the current blocking read at once, so the next one follows the streams listened to now. */
  async #interrupt(): Promise<void> {
    this.#wake?.();
    if (this.#readerId !== undefined) await this.redis.client('UNBLOCK', this.#readerId);
  }

  async #follow(): Promise<void> {
    while (!this.#closed) {
      if (this.#cursors.size === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      try {
        this.#readerId ??= (await this.#reader.client('ID')) as number;
        const read = await waitForScoreChanges(this.#reader, new Map(this.#cursors), BLOCK_MS);
        for (const [key, entries] of read) {
          const last = entries.at(-1);
          // A stream nobody listens to any more keeps no cursor (it was left while the read blocked).
          if (last === undefined || !this.#cursors.has(key)) continue;
          this.#cursors.set(key, last.id);
          for (const listener of this.#listeners.get(key) ?? []) listener(entries);
        }
      } catch (error) {
        if (this.#closed) break;
        this.#readerId = undefined;
        this.log.warn({ err: error }, 'score stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
