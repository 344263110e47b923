import type { Db } from '@cxloop/db';
import { type AnalyzeQueue, withTimeout } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';

const PROBE_TIMEOUT_MS = 2_000;

/** A probe that hangs (a client waiting to reconnect) counts as unavailable after a short wait. */
async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  try {
    await withTimeout(probe(), PROBE_TIMEOUT_MS, 'probe');
    return 'ok';
  } catch {
    return 'unavailable';
  }
}

export async function healthRoutes(
  app: FastifyInstance,
  deps: { db: Db; analyzeQueue: AnalyzeQueue; isDraining?: () => boolean },
) {
  /** The process is up; a load balancer's liveness probe. */
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  /**
   * Postgres and Redis answer and the process is not shutting down; a readiness probe takes the replica out
   * of rotation when either fails.
   */
  const Readiness = z.object({
    status: z.enum(['ok', 'unavailable', 'draining']),
    postgres: z.enum(['ok', 'unavailable']),
    redis: z.enum(['ok', 'unavailable']),
  });
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: PostgreSQL and Redis answer',
        tags: ['operations'],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const [postgres, redis] = await Promise.all([
        check(() => sql`select 1`.execute(deps.db)),
        check(() => deps.analyzeQueue.getJobCounts('waiting')),
      ]);
      const draining = deps.isDraining?.() ?? false;
      const ready = postgres === 'ok' && redis === 'ok' && !draining;
      if (!ready) reply.header('retry-after', '5');
      const status = draining ? 'draining' : ready ? 'ok' : 'unavailable';
      return reply.status(ready ? 200 : 503).send({ status, postgres, redis });
    },
  );
}
