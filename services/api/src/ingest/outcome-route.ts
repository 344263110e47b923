import type { Db, Source } from '@cxloop/db';
import type { SecretBox } from '@cxloop/runtime';
import { verifyWebhook } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem, problems } from '../problems.js';
import type { RateLimits } from '../rate-limit.js';
import { problemResponses } from '../routes/schemas.js';
import { parseJsonBody } from './adapters/json.js';
import { parseOutcomeEvents, storeOutcomeEvents } from './outcome-events.js';
import type { SourceCache } from './source-cache.js';

export interface OutcomeIngestDeps {
  db: Db;
  secretBox: SecretBox;
  rateLimits: RateLimits;
  sourceCache: SourceCache;
  webhookToleranceSeconds: number;
  now: () => Date;
}

const AcceptedOutcome = z.object({ id: z.uuid(), externalId: z.string(), duplicate: z.boolean() });

/** The secrets that verify now: the current one, and the previous one inside its rotation overlap. */
function secretsOf(deps: OutcomeIngestDeps, source: Source, now: Date): string[] {
  const secrets = [deps.secretBox.open(source.secret_ciphertext)];
  const expiresAt = source.previous_secret_expires_at;
  if (source.previous_secret_ciphertext && expiresAt && expiresAt > now) {
    secrets.push(deps.secretBox.open(source.previous_secret_ciphertext));
  }
  return secrets;
}

/**
 * `POST /v1/sources/:sourceId/outcomes`: customer outcomes (purchases, refunds, renewals, cancellations)
 * through a generic source, signed per Standard Webhooks like its feedback. 202 only after the events and
 * their customers' summaries are committed; a redelivery returns the stored ids and changes nothing.
 */
export async function outcomeIngestRoutes(app: FastifyInstance, deps: OutcomeIngestDeps) {
  // The signature covers the exact bytes sent, so the body stays bytes until it is verified.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sources/:sourceId/outcomes',
    {
      schema: {
        summary: 'Deliver customer outcomes (purchase, refund, renewal, cancellation) to a generic source',
        description:
          'One OutcomeEvent or `{"events": [...]}` (up to 500), signed per Standard Webhooks with the source’s ' +
          'secret. Idempotent on `externalId`. Only `generic` sources take outcomes. A customer’s outcomes keep ' +
          'one currency. 429 with Retry-After above the source’s rate limit.',
        tags: ['ingest'],
        params: z.object({ sourceId: z.string() }),
        response: {
          202: z.union([AcceptedOutcome, z.object({ results: z.array(AcceptedOutcome) })]),
          ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const { sourceId } = request.params;
      const source = z.uuid().safeParse(sourceId).success ? await deps.sourceCache.get(sourceId) : undefined;
      if (!source) throw problems.notFound('Source');
      const now = deps.now();
      const limit = await deps.rateLimits
        .take(`source:${source.id}`, source.rate_limit_per_minute, now.getTime())
        .catch(() => undefined);
      if (limit && !limit.allowed) {
        throw problems.tooManyRequests(
          limit.retryAfterSeconds,
          `this source accepts ${source.rate_limit_per_minute} deliveries per minute`,
        );
      }
      if (source.adapter !== 'generic') {
        throw new Problem(415, 'unsupported_source', 'Outcomes are taken by generic sources only');
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verification = verifyWebhook(
        request.headers,
        body,
        secretsOf(deps, source, now),
        Math.floor(now.getTime() / 1000),
        deps.webhookToleranceSeconds,
      );
      if (!verification.ok) throw problems.unauthenticated(`webhook signature: ${verification.reason}`);
      if (source.status !== 'active') {
        throw new Problem(
          409,
          'source_paused',
          'This source is paused',
          'resume the source to accept deliveries',
        );
      }
      const { events, batch } = parseOutcomeEvents(parseJsonBody(body));
      const stored = await storeOutcomeEvents(deps.db, source, events, (index) =>
        batch ? `/events/${index}` : '',
      );
      const results = stored.map((entry) => ({
        id: entry.id,
        externalId: entry.externalId,
        duplicate: !entry.created,
      }));
      return reply.status(202).send(batch ? { results } : results[0]!);
    },
  );
}
