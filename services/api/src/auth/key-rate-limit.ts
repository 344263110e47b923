import type { FastifyRequest } from 'fastify';
import { problems } from '../problems.js';
import type { RateLimits } from '../rate-limit.js';

export interface KeyRateLimitDeps {
  rateLimits: RateLimits;
  /** Requests one API key (with the dashboard sessions signed in with it) may make per minute. */
  apiKeyRateLimitPerMinute: number;
  now?: () => Date;
}

/**
 * An onRequest hook that runs after a route's `requireRole` guard: every authenticated request counts
 * against its API key's per-minute budget, shared by all replicas through Redis, so one runaway script
 * cannot starve the rest of an organisation. Over the budget: 429 with Retry-After. Without Redis the
 * request is admitted: the limit protects capacity, it is not an access control.
 */
export function perKeyRateLimit(deps: KeyRateLimitDeps) {
  const now = deps.now ?? (() => new Date());
  return async (request: FastifyRequest) => {
    const principal = request.principal;
    if (!principal) return;
    const decision = await deps.rateLimits
      .take(`apikey:${principal.apiKeyId}`, deps.apiKeyRateLimitPerMinute, now().getTime())
      .catch((error: unknown) => {
        request.log.warn({ err: error }, 'API key rate limit unavailable; request admitted');
        return undefined;
      });
    if (decision && !decision.allowed) {
      throw problems.tooManyRequests(
        decision.retryAfterSeconds,
        `this API key may make ${deps.apiKeyRateLimitPerMinute} requests per minute`,
      );
    }
  };
}
