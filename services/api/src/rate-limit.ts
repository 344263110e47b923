import type { Redis } from 'ioredis';

export interface RateLimitDecision {
  allowed: boolean;
  /** Deliveries counted in the current window, including this one. */
  count: number;
  /** Seconds until the window resets: the Retry-After of a refusal. */
  retryAfterSeconds: number;
}

const WINDOW_SECONDS = 60;

/**
 * A fixed one-minute window per subject (a source's deliveries, an API key's requests), counted in Redis so
 * every API replica shares it. INCR and the first EXPIRE run in one MULTI, so a crash between them cannot
 * leave a counter that never expires.
 *
 * @example await takeRateLimitSlot(redis, prefix, `source:${source.id}`, source.rate_limit_per_minute, Date.now())
 */
export async function takeRateLimitSlot(
  redis: Redis,
  prefix: string,
  subject: string,
  limitPerMinute: number,
  nowMs: number,
): Promise<RateLimitDecision> {
  const window = Math.floor(nowMs / 1000 / WINDOW_SECONDS);
  const key = `${prefix}:ratelimit:${subject}:${window}`;
  const results = await redis
    .multi()
    .incr(key)
    .expire(key, WINDOW_SECONDS * 2, 'NX')
    .exec();
  const count = Number(results?.[0]?.[1] ?? 0);
  const retryAfterSeconds = Math.max(1, (window + 1) * WINDOW_SECONDS - Math.floor(nowMs / 1000));
  return { allowed: count <= limitPerMinute, count, retryAfterSeconds };
}
