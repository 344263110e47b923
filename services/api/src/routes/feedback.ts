import { Readable } from 'node:stream';
import { feedbackStatuses } from '@cxloop/contracts';
import {
  countFeedback,
  type Db,
  type FeedbackCursor,
  type FeedbackFilter,
  type FeedbackOrder,
  type FeedbackWithAnalysis,
  findFeedback,
  searchFeedback,
} from '@cxloop/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { csvLine } from '../csv.js';
import { type CustomerDataPolicy, customerDataPolicyOf, type Pseudonymiser } from '../customer-data/index.js';
import { Problem, problems } from '../problems.js';
import { codeOf, loadOrganisationNames, type OrganisationNames } from './names.js';
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
  /** True when the text shown had personal data (an email, a phone number …) replaced by its kind. */
  personalDataRedacted: z.boolean(),
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
  const shown = policy.feedbackText(row.text, analysis?.redacted_text);
  return {
    id: row.id,
    sourceId: row.source_id,
    unitId: row.unit_id,
    channel: row.channel,
    externalId: policy.reference(row.external_id),
    customerRef: policy.reference(row.customer_ref),
    ...shown,
    personalDataRedacted: shown.redacted && analysis !== null && analysis.redacted_text !== row.text,
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

/** The filters of the list and of its CSV export: codes or the names the dashboard shows. */
const FeedbackFilters = {
  /** A channel code (`email`) or name (`Email`). */
  channel: z.string().min(1).max(40).optional(),
  source: z.uuid().optional(),
  /** A unit of the organisation: its key, name or id. */
  unit: z.string().min(1).max(200).optional(),
  /** A topic id (`delivery_delay`) or its name (`Delivery and delays`). */
  topic: z.string().min(1).max(100).optional(),
  sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
  /** A flag code (`churn_threat`) or its name (`Churn threat`). */
  flag: z.string().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Words anywhere in the text (web-search syntax: "a phrase", -word, or), English word forms. */
  q: z.string().trim().min(1).max(200).optional(),
  /** Default: by relevance when searching words, else newest first. */
  sort: z.enum(['newest', 'oldest', 'relevance']).optional(),
};

const FeedbackSearch = z
  .object({
    ...FeedbackFilters,
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The `next` of the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();
type FeedbackQuery = z.infer<z.ZodObject<typeof FeedbackFilters>>;

/** A page boundary as an opaque string: the last row's occurred_at and id (and rank, by relevance). */
function encodeCursor(row: FeedbackWithAnalysis & { rank: number | null }): string {
  const rank = row.rank === null ? '' : `|${row.rank}`;
  return Buffer.from(`${row.occurred_at.toISOString()}|${row.id}${rank}`).toString('base64url');
}

function decodeCursor(cursor: string): FeedbackCursor {
  const [at = '', id = '', rankText] = Buffer.from(cursor, 'base64url').toString().split('|');
  const occurredAt = new Date(at);
  const rank = rankText === undefined ? undefined : Number(rankText);
  // Only what encodeCursor writes: a four-digit year of the common era (PostgreSQL refuses year 0 and the
  // far ends of JavaScript's range), and a finite rank.
  if (
    !/^\d{4}-/.test(at) ||
    !(occurredAt.getUTCFullYear() >= 1) ||
    !z.uuid().safeParse(id).success ||
    (rank !== undefined && !Number.isFinite(rank))
  ) {
    throw new Problem(400, 'invalid_querystring', 'The request querystring is invalid', undefined, [
      { path: '/querystring/cursor', message: 'not a cursor this API returned' },
    ]);
  }
  return rank === undefined ? { occurredAt, id } : { occurredAt, id, rank };
}

/**
 * The data layer's filter for a query: names and codes resolved to the codes analysis stores, the unit to
 * its id. Undefined when the query names a unit the organisation does not have: that matches nothing, as
 * another organisation's unit would.
 */
function filterOf(
  query: FeedbackQuery,
  names: OrganisationNames,
  searchScope: FeedbackFilter['textScope'],
): FeedbackFilter | undefined {
  const unitId = query.unit === undefined ? undefined : codeOf(names.units, query.unit);
  if (unitId !== undefined && !names.units.some((unit) => unit.id === unitId)) return undefined;
  return {
    channel: query.channel && codeOf(names.channels, query.channel),
    sourceId: query.source,
    unitId,
    topic: query.topic && codeOf(names.topics, query.topic),
    sentiment: query.sentiment,
    flag: query.flag && codeOf(names.flags, query.flag),
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    text: query.q,
    textScope: searchScope,
  };
}

const orderOf = (query: FeedbackQuery): FeedbackOrder => query.sort ?? (query.q ? 'relevance' : 'newest');

/** Rows read per query while a CSV export streams: memory stays flat whatever the list's length. */
const EXPORT_BATCH = 500;

const EXPORT_COLUMNS = [
  'occurred_at',
  'received_at',
  'channel',
  'unit',
  'touchpoint',
  'nps',
  'csat',
  'ces',
  'sentiment',
  'severity',
  'topics',
  'flags',
  'text',
  'personal_data_redacted',
  'id',
] as const;

/** One feedback as a CSV line, shown as the caller's policy lets them see it and named as on screen. */
function exportLine(row: FeedbackWithAnalysis, policy: CustomerDataPolicy, names: OrganisationNames): string {
  const view = presentFeedback(row, policy);
  const details = view.analysis?.details as
    | { topics?: { id: string }[]; flags?: { code: string }[] }
    | undefined;
  const nameOf = (list: readonly { id: string; name: string }[], id: string) =>
    list.find((entry) => entry.id === id)?.name ?? id;
  return csvLine([
    view.occurredAt,
    view.receivedAt,
    nameOf(names.channels, view.channel),
    view.unitId ? nameOf(names.units, view.unitId) : '',
    view.touchpoint,
    view.ratings.nps,
    view.ratings.csat,
    view.ratings.ces,
    view.analysis?.sentiment.label ?? '',
    view.analysis?.severity ?? '',
    (details?.topics ?? []).map((topic) => nameOf(names.topics, topic.id)).join('; '),
    (details?.flags ?? []).map((flag) => nameOf(names.flags, flag.code)).join('; '),
    view.text,
    view.personalDataRedacted ? 'yes' : 'no',
    view.id,
  ]);
}

/** Every matching feedback as CSV lines, read a batch at a time in the list's order. */
async function* exportLines(
  db: Db,
  orgId: string,
  filter: FeedbackFilter | undefined,
  order: FeedbackOrder,
  present: (row: FeedbackWithAnalysis) => string,
): AsyncGenerator<string> {
  yield csvLine([...EXPORT_COLUMNS]);
  if (!filter) return;
  let after: FeedbackCursor | undefined;
  for (;;) {
    const { rows } = await searchFeedback(db, orgId, filter, { limit: EXPORT_BATCH, after, order });
    for (const row of rows) yield present(row);
    const last = rows.at(-1);
    if (rows.length < EXPORT_BATCH || !last) return;
    after = { occurredAt: last.occurred_at, id: last.id, ...(last.rank === null ? {} : { rank: last.rank }) };
  }
}

function exportFileName(now: Date): string {
  return `feedback-${now.toISOString().slice(0, 10)}.csv`;
}

async function requestContext(request: FastifyRequest, db: Db, secretBox: Pseudonymiser) {
  const { orgId } = principalOf(request);
  const policy = customerDataPolicyOf(request, secretBox);
  return { orgId, policy, names: await loadOrganisationNames(db, orgId) };
}

export async function feedbackRoutes(app: FastifyInstance, deps: { db: Db; secretBox: Pseudonymiser }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/feedback',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder'),
      schema: {
        summary: 'Search feedback: by words (ranked), channel, unit, topic, sentiment, flag and date',
        description:
          "Drill-down behind the dashboard charts. Pages with `cursor` = the previous answer's `next`; " +
          '`total` counts every match. Filters take codes or the names the dashboard shows. ' +
          'Managers (every role but admin and responder) get text, references and metadata redacted ' +
          '(`redacted: true`; text empty until analysed), and `q` searches that redacted text for them: ' +
          'the words of a replaced email or phone number cannot be found.',
        tags: ['feedback'],
        security,
        querystring: FeedbackSearch,
        response: {
          200: z.object({
            items: z.array(FeedbackView),
            next: z.string().nullable(),
            total: z.number().int(),
          }),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request) => {
      const { orgId, policy, names } = await requestContext(request, deps.db, deps.secretBox);
      const query = request.query;
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const filter = filterOf(query, names, policy.searchScope);
      if (!filter) return { items: [], next: null, total: 0 };
      const order = orderOf(query);
      const [{ rows }, total] = await Promise.all([
        searchFeedback(deps.db, orgId, filter, { limit: query.limit, after, order }),
        countFeedback(deps.db, orgId, filter),
      ]);
      const last = rows.at(-1);
      return {
        items: rows.map((row) => presentFeedback(row, policy)),
        next: rows.length === query.limit && last ? encodeCursor(last) : null,
        total,
      };
    },
  );

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/feedback/export.csv',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder'),
      schema: {
        summary: 'Every feedback of a filtered list as CSV, streamed',
        description:
          'The same filters and order as `GET /v1/feedback`, every match (no paging), redacted for ' +
          'managers as the list is. Units, topics and flags by name. Bad filters answer problem+json ' +
          'before any line is sent.',
        tags: ['feedback'],
        security,
        querystring: z.object(FeedbackFilters).strict(),
        response: {
          // A stream, not a value to serialise: `any` lets the handler send it as it is.
          200: z.any().describe('text/csv; one header line, then one line per feedback'),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request, reply) => {
      const { orgId, policy, names } = await requestContext(request, deps.db, deps.secretBox);
      const filter = filterOf(request.query, names, policy.searchScope);
      const lines = exportLines(deps.db, orgId, filter, orderOf(request.query), (row) =>
        exportLine(row, policy, names),
      );
      return reply
        .headers({
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${exportFileName(new Date())}"`,
          'cache-control': 'private, no-store',
        })
        .send(Readable.from(lines));
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
