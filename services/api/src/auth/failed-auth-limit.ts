import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Problem, problems } from '../problems.js';

const WINDOW_SECONDS = 60;

/**
 * Failed authentications per client address and minute, counted in Redis so every replica shares them.
 * Once an address reaches the limit it gets 429 with Retry-After until the minute ends, before any key or
 * session is looked up: guessing keys costs the database nothing. A replica learns that an address is
 * blocked from the shared counter's answer when it records a failure of it, so without a Redis read on
 * every request an address gets at most the limit plus one lookup per other replica per minute.
 * Without Redis, failures are not counted (the limit protects capacity; keys are unguessable anyway).
 *
 * @example const principal = await failures.attempt(request.ip, () => authenticateApiKey(db, token));
 */
export class FailedAuthLimit {
  /** Addresses blocked in the current window, and the window they were blocked in. */
  readonly #blocked = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limitPerMinute: number,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  #window(): number {
    return Math.floor(this.now() / 1000 / WINDOW_SECONDS);
  }

  /** 429 when the address has used up its failed attempts for this minute. */
  assertAllowed(address: string): void {
    const window = this.#window();
    const blockedIn = this.#blocked.get(address);
    if (blockedIn === undefined) return;
    if (blockedIn !== window) {
      this.#blocked.delete(address);
      return;
    }
    const retryAfter = Math.max(1, (window + 1) * WINDOW_SECONDS - Math.floor(this.now() / 1000));
    throw problems.tooManyRequests(
      retryAfter,
      `more than ${this.limitPerMinute} failed authentications from this address in a minute`,
    );
  }

  /** Counts one failed attempt of the address; blocks it for the rest of the minute at the limit. */
  async recordFailure(address: string): Promise<void> {
    const window = this.#window();
    const key = `${this.prefix}:authfail:${address}:${window}`;
    try {
      const replies = await this.redis
        .multi()
        .incr(key)
        .expire(key, WINDOW_SECONDS * 2, 'NX')
        .exec();
      const [error, count] = replies?.[0] ?? [new Error('no reply')];
      if (error) throw error;
      if (Number(count) >= this.limitPerMinute) this.#blocked.set(address, window);
    } catch (error) {
      this.log.warn({ err: error }, 'failed authentication not counted (Redis unavailable)');
    }
  }

  /** Runs an authentication for a client address: refused while blocked, counted when it fails (401). */
  async attempt<T>(address: string, authenticate: () => Promise<T>): Promise<T> {
    this.assertAllowed(address);
    try {
      return await authenticate();
    } catch (error) {
      if (error instanceof Problem && error.status === 401) await this.recordFailure(address);
      throw error;
    }
  }
}
