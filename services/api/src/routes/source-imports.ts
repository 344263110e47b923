import type { Readable } from 'node:stream';
import { type Db, findSource } from '@cxloop/db';
import type { AnalyzeQueue } from '@cxloop/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { type ImportFormat, importFeedback } from '../imports/feedback-import.js';
import { Problem, problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

export const formatOfMediaType: Record<string, ImportFormat> = {
  'application/x-ndjson': 'ndjson',
  'text/csv': 'csv',
};

export const ImportReport = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), path: z.string(), message: z.string() })),
  errorsTruncated: z.boolean(),
});

/** The caller's source an import goes into and the format of its body; 404 / 415 otherwise. */
export async function importTargetOf(db: Db, request: FastifyRequest, sourceId: string) {
  const { orgId } = principalOf(request);
  const source = z.uuid().safeParse(sourceId).success ? await findSource(db, orgId, sourceId) : undefined;
  if (!source) throw problems.notFound('Source');
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const format = formatOfMediaType[mediaType];
  if (!format) throw new Problem(415, 'unsupported_media_type', 'Send application/x-ndjson or text/csv');
  return { source, format };
}

/** `POST /v1/sources/:sourceId/imports`: historical feedback, streamed, into one of the organisation's sources. */
export async function sourceImportRoutes(app: FastifyInstance, deps: { db: Db; analyzeQueue: AnalyzeQueue }) {
  // The body is handed over as the request stream: it is parsed row by row, never buffered whole.
  app.addContentTypeParser(Object.keys(formatOfMediaType), (_request, payload, done) => done(null, payload));

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sources/:sourceId/imports',
    {
      preHandler: requireRole(deps.db, 'admin'),
      schema: {
        summary: 'Import historical feedback into a source (NDJSON or CSV, streamed)',
        description:
          '`application/x-ndjson`: one FeedbackEvent per line. `text/csv`: a header row naming FeedbackEvent ' +
          'fields (externalId, text, nps, csat, ces, customerRef, occurredAt, touchpoint, locale, unit); other ' +
          'columns go to metadata. Idempotent on externalId (a row without one gets an id from its content), so ' +
          'rerunning a file adds nothing. Bad rows are reported by line and skipped (an NDJSON line over 1 MiB ' +
          'too); good rows are kept and analysed like webhook feedback. 503 `import_interrupted` when the ' +
          'import stops after rows were stored: the detail names the lines stored, and sending the file again ' +
          'is safe. Large files: use `pnpm cxloop import`, which has no request timeout.',
        tags: ['sources'],
        security,
        params: z.object({ sourceId: z.string() }),
        response: {
          200: ImportReport,
          ...problemResponses(401, 403, 404, 415, 503),
        },
      },
    },
    async (request) => {
      const { source, format } = await importTargetOf(deps.db, request, request.params.sourceId);
      return importFeedback(
        { db: deps.db, analyzeQueue: deps.analyzeQueue, log: request.log },
        source,
        request.body as Readable,
        format,
      );
    },
  );
}
