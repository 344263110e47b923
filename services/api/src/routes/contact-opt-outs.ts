import { type Db, recordContactOptOut } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { problemResponses, security } from './schemas.js';

/**
 * Customers who asked not to be contacted: no "you said, we did" notice reaches them. Whoever hears the
 * request records it (a responder in a case, a manager, an admin); assessors only read evidence.
 */
export async function contactOptOutRoutes(app: FastifyInstance, deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/contact-opt-outs',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder'),
      schema: {
        summary: 'Record that a customer asked not to be contacted (idempotent)',
        tags: ['actions'],
        security,
        body: z.object({ customerRef: z.string().trim().min(1).max(200) }).strict(),
        response: {
          201: z.object({ customerRef: z.string(), optedOutAt: z.string() }),
          ...problemResponses(401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      const optOut = await recordContactOptOut(
        deps.db,
        principalOf(request).orgId,
        request.body.customerRef,
        now(),
      );
      return reply
        .status(201)
        .send({ customerRef: optOut.customer_ref, optedOutAt: optOut.opted_out_at.toISOString() });
    },
  );
}
