import { GroupCommit } from '@cxloop/runtime';
import type { Redis } from 'ioredis';

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests counted in the current window, including this one. */
  count: number;
  /** Seconds until the window resets: the Retry-After of a refusal. */
  retryAfterSeconds: number;
}

const WINDOW_SECONDS = 60;

/**
 * Fixed one-minute windows per subject (a source's deliveries, an API key's requests), counted in Redis so
 * every API replica shares them. Requests that arrive while a count is in flight are counted together in
 * the next round trip (one INCRBY per subject, whatever the number of requests), and each learns its own
 * position in the window from the total. INCRBY and the first EXPIRE run in one MULTI, so a crash between
 * them cannot leave a counter that never expires.
 *
 * @example const decision = await limits.take(`source:${source.id}`, source.rate_limit_per_minute, Date.now());
 */
export class RateLimits {
  readonly #counts: GroupCommit<string, number>;

  constructor(redis: Redis, prefix: string) {
    this.#counts = new GroupCommit<string, number>({
      maxBatch: 1_000,
      maxInFlight: 1,
      commit: async (keys) => {
        const requests = new Map<string, number>();
        for (const key of keys) requests.set(key, (requests.get(key) ?? 0) + 1);
        const multi = redis.multi();
        for (const [key, n] of requests)
          multi
            .incrby(`${prefix}:ratelimit:${key}`, n)
            .expire(`${prefix}:ratelimit:${key}`, WINDOW_SECONDS * 2, 'NX');
        const replies = (await multi.exec()) ?? [];
        // Each subject's first position in this batch: its new total minus what the batch added, plus one.
        const next = new Map<string, number>();
        for (const [index, [key, added]] of [...requests].entries()) {
          const [error, total] = replies[index * 2] ?? [new Error('no reply')];
          if (error) throw error;
          next.set(key, Number(total) - added + 1);
        }
        return keys.map((key) => {
          const count = next.get(key)!;
          next.set(key, count + 1);
          return { status: 'fulfilled' as const, value: count };
        });
      },
    });
  }

  async take(subject: string, limitPerMinute: number, nowMs: number): Promise<RateLimitDecision> {
    const window = Math.floor(nowMs / 1000 / WINDOW_SECONDS);
    const count = await this.#counts.submit(`${subject}:${window}`);
    const retryAfterSeconds = Math.max(1, (window + 1) * WINDOW_SECONDS - Math.floor(nowMs / 1000));
    return { allowed: count <= limitPerMinute, count, retryAfterSeconds };
  }
}
