import { type Db, findSource, listOpenVendorFetches, retryVendorFetch } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

const VendorFetchView = z.object({
  id: z.uuid(),
  /** The vendor's event id that named the object. */
  key: z.string(),
  status: z.enum(['pending', 'done', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});

const SourceParams = z.object({ sourceId: z.uuid() });

/**
 * What webhooks named and cxloop still has to read from the vendor (SurveyMonkey's answers): pending
 * fetches with their last error, and fetches given up, which an admin retries once the cause is fixed.
 */
export async function sourceFetchRoutes(app: FastifyInstance, deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const admin = requireRole(deps.db, 'admin');

  typed.get(
    '/v1/sources/:sourceId/fetches',
    {
      preHandler: admin,
      schema: {
        summary: 'List a source’s background fetches that are not done (pending or given up)',
        tags: ['sources'],
        security,
        params: SourceParams,
        response: {
          200: z.object({ fetches: z.array(VendorFetchView) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      if (!(await findSource(deps.db, orgId, request.params.sourceId))) throw problems.notFound('Source');
      const rows = await listOpenVendorFetches(deps.db, orgId, request.params.sourceId, 200);
      return {
        fetches: rows.map((row) => ({
          id: row.id,
          key: row.key,
          status: row.status,
          attempts: row.attempts,
          nextAttemptAt: row.next_attempt_at.toISOString(),
          lastError: row.last_error,
          createdAt: row.created_at.toISOString(),
        })),
      };
    },
  );

  typed.post(
    '/v1/sources/:sourceId/fetches/:fetchId/retry',
    {
      preHandler: admin,
      schema: {
        summary: 'Retry a background fetch that was given up',
        tags: ['sources'],
        security,
        params: SourceParams.extend({ fetchId: z.uuid() }),
        response: { 202: z.object({ retrying: z.literal(true) }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const { sourceId, fetchId } = request.params;
      if (!(await retryVendorFetch(deps.db, orgId, sourceId, fetchId, now()))) {
        throw problems.notFound('Given-up fetch');
      }
      return reply.status(202).send({ retrying: true as const });
    },
  );
}
