import { type Db, listUnits } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { problemResponses, security } from './schemas.js';

/** The organisation's units, so people can pick one (an action's scope) by name; everyone reads them. */
export async function unitRoutes(app: FastifyInstance, deps: { db: Db }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/units',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder', 'assessor'),
      schema: {
        summary: 'Units of the organisation (stores, regions, product lines)',
        tags: ['units'],
        security,
        response: {
          200: z.object({ units: z.array(z.object({ id: z.uuid(), key: z.string(), name: z.string() })) }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => ({ units: await listUnits(deps.db, principalOf(request).orgId) }),
  );
}
