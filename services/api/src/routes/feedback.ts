import { feedbackStatuses } from '@cxloop/contracts';
import { type Db, type FeedbackWithAnalysis, findFeedback, findUnitByKey, searchFeedback } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { type CustomerDataPolicy, customerDataPolicyOf, type Pseudonymiser } from '../customer-data/index.js';
import { Problem, problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

const FeedbackView = z.object({
  id: z.uuid(),
  sourceId: z.uuid(),
  unitId: z.uuid().nullable(),
  channel: z.string(),
  externalId: z.string(),
  customerRef: z.string().nullable(),
  text: z.string(),
  ratings: z.object({ nps: z.number().nullable(), csat: z.number().nullable(), ces: z.number().nullable() }),
  touchpoint: z.string().nullable(),
  locale: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  /** True when text, references and metadata are shown redacted (the caller's role, docs/security.md). */
  redacted: z.boolean(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  status: z.enum(feedbackStatuses),
  analysedAt: z.string().nullable(),
  analysis: z
    .object({
      analyserVersion: z.string(),
      language: z.string(),
      sentiment: z.object({ score: z.number().nullable(), label: z.string().nullable() }),
      severity: z.string(),
      urgency: z.number(),
      redactedText: z.string(),
      details: z.record(z.string(), z.unknown()),
    })
    .nullable(),
});

/**
 * The API's view of a feedback row (camelCase, ratings grouped, analysis nested) as `policy` lets its
 * reader see it.
 */
export function presentFeedback(
  row: FeedbackWithAnalysis,
  policy: CustomerDataPolicy,
): z.infer<typeof FeedbackView> {
  const analysis = row.analysis;
  return {
    id: row.id,
    sourceId: row.source_id,
    unitId: row.unit_id,
    channel: row.channel,
    externalId: policy.reference(row.external_id),
    customerRef: policy.reference(row.customer_ref),
    ...policy.feedbackText(row.text, analysis?.redacted_text),
    ratings: { nps: row.nps, csat: row.csat, ces: row.ces },
    touchpoint: row.touchpoint,
    locale: row.locale,
    metadata: policy.metadata(row.metadata),
    occurredAt: row.occurred_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    status: row.status,
    analysedAt: row.analysed_at?.toISOString() ?? null,
    analysis: analysis && {
      analyserVersion: analysis.analyser_version,
      language: analysis.language,
      sentiment: { score: analysis.sentiment_score, label: analysis.sentiment_label },
      severity: analysis.severity,
      urgency: analysis.urgency,
      redactedText: analysis.redacted_text,
      details: policy.analysisDetails(analysis.details),
    },
  };
}

const FeedbackSearch = z
  .object({
    channel: z.string().min(1).max(40).optional(),
    source: z.uuid().optional(),
    /** A unit key of the organisation. */
    unit: z.string().min(1).max(200).optional(),
    topic: z.string().min(1).max(100).optional(),
    sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
    flag: z.string().min(1).max(100).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    q: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The `next` of the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();

/** A page boundary as an opaque string: the last row's occurred_at and id. */
function encodeCursor(row: FeedbackWithAnalysis): string {
  return Buffer.from(`${row.occurred_at.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString().split('|');
  const occurredAt = new Date(at);
  // Only what encodeCursor writes: a four-digit year of the common era (PostgreSQL refuses year 0 and the
  // far ends of JavaScript's range).
  if (!/^\d{4}-/.test(at) || !(occurredAt.getUTCFullYear() >= 1) || !z.uuid().safeParse(id).success) {
    throw new Problem(400, 'invalid_querystring', 'The request querystring is invalid', undefined, [
      { path: '/querystring/cursor', message: 'not a cursor this API returned' },
    ]);
  }
  return { occurredAt, id };
}

export async function feedbackRoutes(app: FastifyInstance, deps: { db: Db; secretBox: Pseudonymiser }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/feedback',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder'),
      schema: {
        summary: 'Search feedback: newest first, filtered by channel, unit, topic, sentiment, flag and date',
        description:
          "Drill-down behind the dashboard charts. Pages with `cursor` = the previous answer's `next`. " +
          'Managers (every role but admin and responder) get text, references and metadata redacted ' +
          '(`redacted: true`; text empty until analysed), and `q` searches that redacted text for them.',
        tags: ['feedback'],
        security,
        querystring: FeedbackSearch,
        response: {
          200: z.object({
            items: z.array(FeedbackView),
            next: z.string().nullable(),
          }),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const policy = customerDataPolicyOf(request, deps.secretBox);
      const query = request.query;
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const unit = query.unit === undefined ? undefined : await findUnitByKey(deps.db, orgId, query.unit);
      // An unknown unit matches nothing, as another organisation's unit would.
      if (query.unit !== undefined && !unit) return { items: [], next: null };
      const rows = await searchFeedback(
        deps.db,
        orgId,
        {
          channel: query.channel,
          sourceId: query.source,
          unitId: unit?.id,
          topic: query.topic,
          sentiment: query.sentiment,
          flag: query.flag,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
          text: query.q,
          textScope: policy.searchScope,
        },
        { limit: query.limit, after },
      );
      const last = rows.at(-1);
      return {
        items: rows.map((row) => presentFeedback(row, policy)),
        next: rows.length === query.limit && last ? encodeCursor(last) : null,
      };
    },
  );

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/feedback/:id',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder'),
      schema: {
        summary: 'One feedback with its analysis',
        description: 'Redacted for managers exactly as in the search (`redacted: true`).',
        tags: ['feedback'],
        security,
        // Any string: a malformed id is as unknown as another organisation's id, both 404.
        params: z.object({ id: z.string() }),
        response: { 200: FeedbackView, ...problemResponses(401, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const row = z.uuid().safeParse(id).success
        ? await findFeedback(deps.db, principalOf(request).orgId, id)
        : undefined;
      if (!row) throw problems.notFound('Feedback');
      return presentFeedback(row, customerDataPolicyOf(request, deps.secretBox));
    },
  );
}
