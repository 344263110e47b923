import type { Readable } from 'node:stream';
import { type Db, findSource } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import type { ImportFormat } from '../imports/feedback-import.js';
import { importOutcomes } from '../imports/outcome-import.js';
import { Problem, problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';
import { ImportReport } from './source-imports.js';

const formatOfMediaType: Record<string, ImportFormat> = {
  'application/x-ndjson': 'ndjson',
  'text/csv': 'csv',
};

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
      const { orgId } = principalOf(request);
      const { sourceId } = request.params;
      const source = z.uuid().safeParse(sourceId).success
        ? await findSource(deps.db, orgId, sourceId)
        : undefined;
      if (!source) throw problems.notFound('Source');
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = formatOfMediaType[mediaType];
      if (!format) throw new Problem(415, 'unsupported_media_type', 'Send application/x-ndjson or text/csv');
      return importOutcomes(deps.db, source, request.body as Readable, format);
    },
  );
}
