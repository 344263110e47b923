import { GroupCommit } from '@cxloop/runtime';
import type { Redis } from 'ioredis';

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests counted in the current window, including this one. */
  count: number;
  /** Seconds until the window resets: the Retry-After of a refusal. */
  retryAfterSeconds: number;
  /**
   * This replica's first refusal of the subject in this window: the one worth a log line. Not "position
   * limit + 1": that position may sit unused in another replica's lease, and its refusal would never be seen.
   */
  firstRefusalHere: boolean;
}

const WINDOW_SECONDS = 60;
/** The most positions one round trip reserves beyond the requests waiting for it. */
const MAX_LEASE = 64;

/**
 * Positions a replica reserves per round trip: one (every request counted in Redis) up to 199 a minute, then a
 * hundredth of the limit, at most MAX_LEASE. A replica holds at most that many minus one unused at a window's
 * end, so the limit is never exceeded and at most 1 % of it per replica goes unused.
 */
export function leaseSize(limitPerMinute: number): number {
  return Math.min(MAX_LEASE, Math.max(1, Math.floor(limitPerMinute / 100)));
}

interface CountRequest {
  /** Subject and window. */
  key: string;
  lease: number;
}

/** Positions of a window's count that this replica reserved and has not handed out yet. */
interface Lease {
  next: number;
  last: number;
}

/**
 * Fixed one-minute windows per subject (a source's deliveries, an API key's requests), counted in Redis so
 * every API replica shares them. Each request gets its own position in the window. A round trip reserves the
 * positions of the requests waiting for it plus a lease (`leaseSize`), from which later requests of this
 * replica take theirs without one: a busy source costs one INCRBY per lease instead of one per delivery.
 * Requests that arrive while a round trip is in flight share the next (one INCRBY per subject). INCRBY and
 * the first EXPIRE run in one MULTI, so a crash between them cannot leave a counter that never expires.
 *
 * @example const decision = await limits.take(`source:${source.id}`, source.rate_limit_per_minute, Date.now());
 */
export class RateLimits {
  readonly #counts: GroupCommit<CountRequest, number>;
  readonly #leases = new Map<string, Lease>();
  /** Subjects (with their window) this replica has refused in the current window. */
  readonly #refused = new Set<string>();
  #window = -1;

  constructor(redis: Redis, prefix: string) {
    this.#counts = new GroupCommit<CountRequest, number>({
      maxBatch: 1_000,
      maxInFlight: 1,
      commit: async (requests) => {
        const waiting = new Map<string, { count: number; lease: number }>();
        for (const { key, lease } of requests) {
          const entry = waiting.get(key) ?? { count: 0, lease: 1 };
          waiting.set(key, { count: entry.count + 1, lease: Math.max(entry.lease, lease) });
        }
        // Positions each key's requests get, in order: what is left of its lease first (a lease taken by the
        // round trip before this one, after these requests were queued), then the new reservation.
        const positions = new Map<string, number[]>();
        const reservations: { key: string; wanted: number; spare: number }[] = [];
        for (const [key, { count, lease }] of waiting) {
          const taken: number[] = [];
          while (taken.length < count) {
            const position = this.#fromLease(key);
            if (position === undefined) break;
            taken.push(position);
          }
          positions.set(key, taken);
          if (taken.length < count)
            reservations.push({ key, wanted: count - taken.length, spare: lease - 1 });
        }
        if (reservations.length > 0) {
          const multi = redis.multi();
          for (const { key, wanted, spare } of reservations)
            multi
              .incrby(`${prefix}:ratelimit:${key}`, wanted + spare)
              .expire(`${prefix}:ratelimit:${key}`, WINDOW_SECONDS * 2, 'NX');
          const replies = (await multi.exec()) ?? [];
          for (const [index, { key, wanted, spare }] of reservations.entries()) {
            const [error, reply] = replies[index * 2] ?? [new Error('no reply')];
            if (error) throw error;
            const total = Number(reply);
            const first = total - wanted - spare + 1;
            const taken = positions.get(key)!;
            for (let position = first; position < first + wanted; position++) taken.push(position);
            if (spare > 0) this.#leases.set(key, { next: first + wanted, last: total });
          }
        }
        return requests.map(({ key }) => ({
          status: 'fulfilled' as const,
          value: positions.get(key)!.shift()!,
        }));
      },
    });
  }

  /** The next unused position of this replica's lease of `key`, if it holds one. */
  #fromLease(key: string): number | undefined {
    const held = this.#leases.get(key);
    return held && held.next <= held.last ? held.next++ : undefined;
  }

  async take(subject: string, limitPerMinute: number, nowMs: number): Promise<RateLimitDecision> {
    const window = Math.floor(nowMs / 1000 / WINDOW_SECONDS);
    if (window !== this.#window) {
      // Leases and refusals of an earlier window are worthless now.
      this.#window = window;
      this.#leases.clear();
      this.#refused.clear();
    }
    const key = `${subject}:${window}`;
    const count =
      this.#fromLease(key) ?? (await this.#counts.submit({ key, lease: leaseSize(limitPerMinute) }));
    const retryAfterSeconds = Math.max(1, (window + 1) * WINDOW_SECONDS - Math.floor(nowMs / 1000));
    const allowed = count <= limitPerMinute;
    const firstRefusalHere = !allowed && !this.#refused.has(key);
    if (firstRefusalHere) this.#refused.add(key);
    return { allowed, count, retryAfterSeconds, firstRefusalHere };
  }
}
