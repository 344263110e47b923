import type { Readable } from 'node:stream';
import type { Db } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth/plugin.js';
import { importOutcomes } from '../imports/outcome-import.js';
import { problemResponses, security } from './schemas.js';
import { formatOfMediaType, ImportReport, importTargetOf } from './source-imports.js';

/** `POST /v1/sources/:sourceId/outcome-imports`: historical outcome events, streamed, into a source. */
export async function outcomeImportRoutes(app: FastifyInstance, deps: { db: Db }) {
  // The body is handed over as the request stream: parsed row by row, never buffered whole.
  app.addContentTypeParser(Object.keys(formatOfMediaType), (_request, payload, done) => done(null, payload));

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sources/:sourceId/outcome-imports',
    {
      preHandler: requireRole(deps.db, 'admin'),
      schema: {
        summary: 'Import historical customer outcomes into a source (NDJSON or CSV, streamed)',
        description:
          '`application/x-ndjson`: one OutcomeEvent per line (`type` may be left out). `text/csv`: a header ' +
          'row naming OutcomeEvent fields (externalId, kind, customerRef, occurredAt, amount, currency, ' +
          'orderRef, channel, segment, region, plan). Idempotent on externalId. Bad rows are reported by line ' +
          'and skipped; good rows update their customers’ summaries. Large files: `pnpm cxloop import-outcomes`.',
        tags: ['sources'],
        security,
        params: z.object({ sourceId: z.string() }),
        response: { 200: ImportReport, ...problemResponses(401, 403, 404, 415) },
      },
    },
    async (request) => {
      const { source, format } = await importTargetOf(deps.db, request, request.params.sourceId);
      return importOutcomes(deps.db, source, request.body as Readable, format);
    },
  );
}
