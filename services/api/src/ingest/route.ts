import { Adapter, FieldMapping } from '@cxloop/contracts';
import { type Db, recordVendorFetch, type Source } from '@cxloop/db';
import { AnalysisHandOff, type AnalyzeQueue, type SecretBox } from '@cxloop/runtime';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { problemOf, sendProblem } from '../errors.js';
import { Problem, problems } from '../problems.js';
import type { RateLimitDecision, RateLimits } from '../rate-limit.js';
import { problemResponses } from '../routes/schemas.js';
import {
  type InboundDelivery,
  isPermanentRefusal,
  type SourceSettings,
  type VendorApiUrls,
} from './adapter.js';
import { channelAdapters } from './adapters/index.js';
import { type DeliveryLog, redactedExcerpt } from './delivery-log.js';
import { FeedbackWriter } from './feedback-writer.js';
import { type FormFields, parseMultipart, parseUrlEncoded } from './form-body.js';
import type { ReplayGuard, SignedToken } from './replay-guard.js';
import type { SourceCache } from './source-cache.js';
import type { RecordStaffResponse, StaffSurveyResponse } from './staff-responses.js';
import { storeDelivery } from './store-events.js';
import { isTestDelivery, TEST_DELIVERY_IGNORED } from './test-delivery.js';
import type { VendorFetcher, VendorFetchTiming } from './vendor-fetcher.js';
import { startVendorFetcher } from './vendor-fetches.js';

export interface IngestDeps {
  db: Db;
  analyzeQueue: AnalyzeQueue;
  secretBox: SecretBox;
  /** Per-source rate limits, counted in Redis so every API replica shares them. */
  rateLimits: RateLimits;
  /** Failed signature checks one client address may cause per minute, whatever source it calls. */
  unsignedDeliveriesPerMinute: number;
  /** Refuses a signature that does not cover the body (Mailgun) when it comes back with another body. */
  replayGuard: ReplayGuard;
  webhookToleranceSeconds: number;
  /** How senders reach this deployment; Twilio signs the URL it called, so it must be the public one. */
  publicBaseUrl: string;
  /** Injected so signature freshness can be tested without waiting. */
  now: () => Date;
  /** Overrides of vendor API base URLs for the whole deployment (tests point SurveyMonkey at a stand-in). */
  vendorApiUrls?: VendorApiUrls | undefined;
  /** Where deliveries look their source up (shared with the source routes, which invalidate it). */
  sourceCache: SourceCache;
  /** Where every delivery's outcome is logged (shared with the source routes, which read the log). */
  deliveryLog: DeliveryLog;
  /** Stores answers a survey source maps to staff survey questions; without it such deliveries get 501. */
  recordStaffResponse?: RecordStaffResponse | undefined;
  /** How the background fetches of what webhooks only name are paced (tests shorten the retries). */
  vendorFetchTiming?: VendorFetchTiming | undefined;
}

const SourceParams = z.object({ sourceId: z.uuid() });

const AcceptedEvent = z.object({ id: z.uuid(), externalId: z.string(), duplicate: z.boolean() });
const DeliveryAnswer = z.union([
  AcceptedEvent,
  z.object({
    results: z.array(AcceptedEvent),
    ignored: z.string().optional(),
    /** The delivery named what cxloop reads from the vendor after answering (SurveyMonkey's answers). */
    fetching: z.string().optional(),
  }),
]);

const FETCH_LATER_REASON = 'recorded; the answers are fetched from the vendor in the background';

/** Every media type some adapter reads; which one a source takes is its adapter's `mediaTypes`. */
const RAW_MEDIA_TYPES = [...new Set(Object.values(channelAdapters).flatMap((adapter) => adapter.mediaTypes))];

function mediaTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** What verifying and mapping a delivery needs of its source, decrypted and parsed. */
interface OpenedSource {
  secret: string;
  previousSecret: string | undefined;
  settings: SourceSettings;
}

/**
 * Opens sources for this route: decrypted and parsed once per row object the SourceCache hands out (about
 * once a second per source under load) instead of once per delivery; a changed row is a new object.
 */
function sourceOpener(deps: IngestDeps): (source: Source) => OpenedSource {
  const opened = new WeakMap<Source, OpenedSource>();
  return (source) => {
    let entry = opened.get(source);
    if (!entry) {
      // Mappings are validated when saved; a row written before a schema change falls back to defaults.
      const mapping = FieldMapping.safeParse(source.field_mapping);
      entry = {
        secret: deps.secretBox.open(source.secret_ciphertext),
        previousSecret: source.previous_secret_ciphertext
          ? deps.secretBox.open(source.previous_secret_ciphertext)
          : undefined,
        settings: {
          sourceId: source.id,
          fieldMapping: mapping.success ? mapping.data : { questions: {} },
          adapterConfig: source.adapter_config,
          vendorToken: source.vendor_token_ciphertext
            ? deps.secretBox.open(source.vendor_token_ciphertext)
            : undefined,
          vendorApiUrls: deps.vendorApiUrls ?? {},
        },
      };
      opened.set(source, entry);
    }
    return entry;
  };
}

/** The source's secrets that verify now: the current one, and the previous one inside its overlap window. */
function activeSecrets(source: Source, opened: OpenedSource, now: Date): string[] {
  const { secret, previousSecret } = opened;
  const expiresAt = source.previous_secret_expires_at;
  return previousSecret !== undefined && expiresAt && expiresAt > now ? [secret, previousSecret] : [secret];
}

/** A refusal when `subject` is over `limitPerMinute`; undefined (admitted) when Redis cannot be asked. */
async function overLimit(
  deps: IngestDeps,
  request: FastifyRequest,
  subject: string,
  limitPerMinute: number,
  detail: string,
): Promise<Problem | undefined> {
  const decision: RateLimitDecision | undefined = await deps.rateLimits
    .take(subject, limitPerMinute, deps.now().getTime())
    .catch((error: unknown) => {
      // Redis is a delivery mechanism, not the system of record: without it deliveries are still accepted.
      request.log.warn({ err: error }, 'rate limit unavailable; delivery admitted');
      return undefined;
    });
  if (!decision || decision.allowed) return undefined;
  const problem = problems.tooManyRequests(decision.retryAfterSeconds, detail);
  // Only a replica's first refusal of a window is logged, so a flood cannot turn into a flood of log writes.
  return Object.assign(problem, { firstInWindow: decision.firstRefusalHere });
}

/**
 * A delivery whose signature failed: counted against the client address, never against the source, so
 * forged requests cannot spend a source's limit and have its vendor's signed deliveries refused. Past the
 * address's own limit the answer is 429 instead of 401.
 */
async function refuseUnsigned(deps: IngestDeps, request: FastifyRequest, unauthenticated: Problem) {
  const limited = await overLimit(
    deps,
    request,
    `unsigned:${request.ip}`,
    deps.unsignedDeliveriesPerMinute,
    `this address sent more than ${deps.unsignedDeliveriesPerMinute} deliveries with a failed signature this minute`,
  );
  throw limited ? Object.assign(limited, { logReason: 'unsigned_rate_limited' }) : unauthenticated;
}

/** Mailgun's signature does not cover the message: its token may come back only with the same message. */
async function refuseReplay(deps: IngestDeps, request: FastifyRequest, source: Source, signed: SignedToken) {
  const use = await deps.replayGuard.use(source.id, signed).catch((error: unknown) => {
    // Without Redis a replay cannot be told from a first use; refusing would lose every email meanwhile.
    request.log.warn({ err: error }, 'replay guard unavailable; signed delivery admitted');
    return 'first' as const;
  });
  if (use !== 'other_message') return;
  throw Object.assign(problems.unauthenticated('this signature was already used with another message'), {
    logReason: 'replayed_signature',
  });
}

/**
 * Every source's webhook: `POST /v1/sources/:sourceId/events`. One URL per source whatever the vendor; the
 * source's adapter decides how the delivery is verified and mapped. All adapters share one pipeline: rate
 * limit → verify (raw bytes) → parse (zod) → map to FeedbackEvent → commit → enqueue, and every outcome
 * (rejections too) lands in the source's delivery log.
 */
export async function ingestRoutes(app: FastifyInstance, deps: IngestDeps) {
  // Bodies stay bytes until the signature checks out: signatures cover the exact bytes sent.
  const feedbackWriter = new FeedbackWriter(deps.db);
  const analysis = new AnalysisHandOff(deps.analyzeQueue, app.log);
  const openSource = sourceOpener(deps);
  const fetcher = startVendorFetcher(app, deps, {
    feedbackWriter,
    analysis,
    settingsOf: (source) => openSource(source).settings,
    recordStaff: (source, response) => recordStaff(deps, source, response),
  });
  app.addHook('onClose', async () => {
    await fetcher.close();
    await analysis.flush();
  });
  // Every refusal of a delivery leaves as problem+json and, for a known source, lands in its delivery log:
  // those of the pipeline and those Fastify makes before the handler runs (413, 415, broken framing).
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const problem = problemOf(error, request);
    const source = await knownSourceOf(deps, request);
    const answered = source ? inVendorTerms(source, problem) : problem;
    if (source) logRefusal(deps, request, source, answered);
    return sendProblem(request, reply, answered);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(RAW_MEDIA_TYPES, { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  // SurveyMonkey creates a webhook only after a HEAD of its subscription URL answers 200 (its webhooks docs).
  app.head(
    '/v1/sources/:sourceId/events',
    {
      schema: {
        summary: 'Check that a source’s webhook URL exists (SurveyMonkey verifies a URL this way)',
        tags: ['ingest'],
        params: z.object({ sourceId: z.string() }),
        response: { 200: z.null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const params = SourceParams.safeParse(request.params);
      const source = params.success ? await deps.sourceCache.get(params.data.sourceId) : undefined;
      if (!source) throw problems.notFound('Source');
      return reply.status(200).send();
    },
  );

  app.post(
    '/v1/sources/:sourceId/events',
    {
      schema: {
        summary: 'Deliver feedback to a source (every channel adapter)',
        description:
          'The webhook URL of a source, for every adapter. `generic`: one event or `{"events": [...]}` (up to ' +
          '500), signed per Standard Webhooks. `typeform`: `form_response` with `Typeform-Signature: sha256=<base64 ' +
          'HMAC-SHA256 of body>`. `twilio`: inbound SMS, form-encoded, `X-Twilio-Signature` over the public URL + ' +
          'sorted parameters; answered with empty TwiML. `mailgun`: inbound route, form or multipart, signed ' +
          "timestamp + token, accepted for Mailgun's 8-hour retry schedule (the token once per message); refusals " +
          'no retry can change (unreadable body, too old, token reused) answer 406, Mailgun\'s "do not retry". `zendesk`: `zen:event-type:ticket.created` events and the satisfaction trigger body ' +
          '(README), `X-Zendesk-Webhook-Signature` over timestamp + body. `intercom`: conversation topics, ' +
          '`X-Hub-Signature: sha1=<hex>`. `delighted`: `survey_response.*`, `X-Delighted-Webhook-Signature`. `hubspot`: ' +
          'feedback submission creations, `X-HubSpot-Signature-v3`; `qualtrics`: completedResponse events, form ' +
          '`MSG` + `HMAC` (SHA-512); both fetched in the background. Answers 2xx only after the feedback is committed; a redelivery returns ' +
          'the stored ids with `duplicate: true`. 429 with Retry-After above the source’s rate limit (only ' +
          'verified deliveries count towards it) or after too many failed signatures from one address.',
        tags: ['ingest'],
        params: z.object({ sourceId: z.string() }),
        response: {
          200: DeliveryAnswer,
          202: DeliveryAnswer,
          ...problemResponses(400, 401, 404, 406, 409, 413, 415, 422, 429, 501, 502, 503),
        },
      },
    },
    async (request, reply) => {
      const params = SourceParams.safeParse(request.params);
      const source = params.success ? await deps.sourceCache.get(params.data.sourceId) : undefined;
      if (!source) throw problems.notFound('Source');
      return deliver(
        deps,
        { deliveryLog: deps.deliveryLog, feedbackWriter, analysis, openSource, fetcher },
        request,
        reply,
        source,
      );
    },
  );
}

async function deliver(
  deps: IngestDeps,
  {
    deliveryLog,
    feedbackWriter,
    analysis,
    openSource,
    fetcher,
  }: {
    deliveryLog: DeliveryLog;
    fetcher: VendorFetcher;
    feedbackWriter: FeedbackWriter;
    analysis: AnalysisHandOff;
    openSource: (source: Source) => OpenedSource;
  },
  request: FastifyRequest,
  reply: FastifyReply,
  source: Source,
) {
  const receivedAt = deps.now();
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const mediaType = mediaTypeOf(request);
  const adapter = channelAdapters[Adapter.parse(source.adapter)];
  if (!adapter.mediaTypes.includes(mediaType)) {
    throw new Problem(415, 'unsupported_media_type', `Send ${adapter.mediaTypes.join(' or ')}`);
  }
  let form: Promise<FormFields> | undefined;
  const inbound: InboundDelivery = {
    headers: request.headers,
    body,
    mediaType,
    publicUrl: `${deps.publicBaseUrl}${request.url}`,
    form: () => {
      form ??=
        mediaType === 'multipart/form-data'
          ? parseMultipart(body, String(request.headers['content-type']))
          : Promise.resolve(parseUrlEncoded(body));
      return form;
    },
    nowSeconds: Math.floor(receivedAt.getTime() / 1000),
    toleranceSeconds: deps.webhookToleranceSeconds,
  };
  const opened = openSource(source);
  const secrets = activeSecrets(source, opened, receivedAt);
  const { settings } = opened;
  // Verified before counted: only deliveries that prove they come from the source's sender spend its limit.
  const verification = await adapter.verify(inbound, secrets, settings);
  if (!verification.ok) {
    const unauthenticated = Object.assign(problems.unauthenticated(verification.detail), {
      logReason: verification.reason,
    });
    return refuseUnsigned(deps, request, unauthenticated);
  }
  if (verification.signedToken) await refuseReplay(deps, request, source, verification.signedToken);
  verifiedBodies.add(request);
  const limited = await overLimit(
    deps,
    request,
    `source:${source.id}`,
    source.rate_limit_per_minute,
    `this source accepts ${source.rate_limit_per_minute} deliveries per minute`,
  );
  if (limited) throw limited;
  if (source.status !== 'active') {
    throw new Problem(
      409,
      'source_paused',
      'This source is paused',
      'resume the source to accept deliveries',
    );
  }

  if (await isTestDelivery(inbound)) {
    deliveryLog.record(source, body.length, receivedAt, {
      status: adapter.successStatus,
      outcome: 'ignored',
      reason: TEST_DELIVERY_IGNORED,
      redactedBody: redactedExcerpt(body, mediaType),
    });
    return reply.status(adapter.successStatus).send({ results: [], ignored: TEST_DELIVERY_IGNORED });
  }
  const output = await adapter.parse(inbound, settings);
  if (output.fetchLater) {
    let created = false;
    for (const named of output.fetchLater) {
      const recorded = await recordVendorFetch(deps.db, {
        orgId: source.org_id,
        sourceId: source.id,
        ...named,
      });
      created ||= recorded.created;
    }
    fetcher.nudge();
    deliveryLog.record(source, body.length, receivedAt, {
      status: adapter.successStatus,
      outcome: created ? 'accepted' : 'duplicate',
      reason: FETCH_LATER_REASON,
      redactedBody: redactedExcerpt(body, mediaType),
    });
    return reply.status(adapter.successStatus).send({ results: [], fetching: FETCH_LATER_REASON });
  }
  const stored =
    output.events.length > 0
      ? await storeDelivery(
          { db: deps.db, feedbackWriter, analysis },
          {
            source,
            webhookId: verification.deliveryId ?? '',
            events: output.events,
            batch: output.batch,
            receivedAt,
          },
        )
      : [];
  const staff = output.staffResponse ? await recordStaff(deps, source, output.staffResponse) : undefined;
  const created = stored.filter((entry) => entry.created).length;
  const duplicate = stored.length > 0 ? created === 0 : staff?.created === false;
  deliveryLog.record(source, body.length, receivedAt, {
    status: adapter.successStatus,
    outcome: output.ignored && !staff ? 'ignored' : duplicate ? 'duplicate' : 'accepted',
    ...(output.ignored ? { reason: output.ignored } : {}),
    ...(output.needsMapping ? { reason: `needs_mapping: ${output.needsMapping}`, needsAttention: true } : {}),
    acceptedEvents: created,
    redactedBody: redactedExcerpt(body, mediaType),
  });
  if (adapter.reply) return adapter.reply(reply, stored);
  const results = stored.map((entry) => ({
    id: entry.id,
    externalId: entry.externalId,
    duplicate: !entry.created,
  }));
  // A generic single event is answered as one; a test delivery stores none and says why.
  const single = source.adapter === 'generic' && !output.batch && results.length === 1;
  return reply
    .status(adapter.successStatus)
    .send(single ? results[0] : { results, ...(output.ignored ? { ignored: output.ignored } : {}) });
}

/** Requests whose signature checked out: only their bodies may appear, redacted, in the delivery log. */
const verifiedBodies = new WeakSet<FastifyRequest>();

/** The source a refused delivery was sent to, when its URL names one that exists. */
async function knownSourceOf(deps: IngestDeps, request: FastifyRequest): Promise<Source | undefined> {
  const params = SourceParams.safeParse(request.params);
  if (!params.success) return undefined;
  return deps.sourceCache.get(params.data.sourceId).catch(() => undefined);
}

/**
 * A refusal as the source's vendor must read it: a vendor with a "do not retry" status (Mailgun's 406) gets
 * it for refusals no retry can change, so it stops resending what will never be accepted, and keeps
 * retrying what may be (a wrong key an admin can fix, a paused source, an outage). The code stays the same.
 */
function inVendorTerms(source: Source, problem: Problem): Problem {
  const status = channelAdapters[Adapter.parse(source.adapter)].permanentRefusalStatus;
  if (status === undefined || !isPermanentRefusal(problem.status, reasonOf(problem))) return problem;
  return Object.assign(
    new Problem(status, problem.code, problem.title, problem.detail, problem.errors, problem.headers),
    { logReason: reasonOf(problem) },
  );
}

function reasonOf(problem: Problem): string {
  return (problem as { logReason?: string }).logReason ?? problem.code;
}

/**
 * Logs the refusal of a delivery to a known source, wherever it was refused: in the pipeline above, or
 * before it by Fastify (413 body too large, 415 no parser for the content type, a broken content length).
 * Only a replica's first 429 of a window is logged, so a flood cannot become a flood of log writes.
 */
function logRefusal(deps: IngestDeps, request: FastifyRequest, source: Source, problem: Problem): void {
  if (problem.status === 429 && (problem as { firstInWindow?: boolean }).firstInWindow !== true) return;
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  deps.deliveryLog.record(
    source,
    body?.length ?? (Number(request.headers['content-length']) || 0),
    deps.now(),
    {
      status: problem.status,
      outcome: 'rejected',
      reason: `${reasonOf(problem)}: ${describe(problem)}`,
      ...(body && verifiedBodies.has(request)
        ? { redactedBody: redactedExcerpt(body, mediaTypeOf(request)) }
        : {}),
    },
  );
}

const WEBHOOK_REQUEST_LINE = /^POST \/v1\/sources\/([0-9a-fA-F-]{36})\/events(?:[?\s]|$)/;

/**
 * Logs requests to a known source's webhook that Node refused before Fastify saw them (431 headers too
 * large, 408, broken HTTP): `clientErrorAsProblem` hands over the request line Node had read.
 */
export function logRefusedConnection(deps: Pick<IngestDeps, 'sourceCache' | 'deliveryLog' | 'now'>) {
  return (requestLine: string, status: number, code: string) => {
    const sourceId = WEBHOOK_REQUEST_LINE.exec(requestLine)?.[1];
    if (!sourceId) return;
    deps.sourceCache
      .get(sourceId.toLowerCase())
      .then((source) => {
        if (!source) return;
        deps.deliveryLog.record(source, 0, deps.now(), {
          status,
          outcome: 'rejected',
          reason: `${code}: refused before the request was read`,
        });
      })
      .catch(() => undefined);
  };
}

async function recordStaff(deps: IngestDeps, source: Source, response: StaffSurveyResponse) {
  if (!deps.recordStaffResponse) {
    throw new Problem(
      501,
      'staff_responses_unavailable',
      'This deployment cannot record staff survey responses',
      'questions of this source are mapped to a staff survey',
    );
  }
  return deps.recordStaffResponse(deps.db, source, response);
}

/** A rejection as the delivery log shows it: the detail and the failing fields, never a body or secret. */
function describe(problem: Problem): string {
  const fields = problem.errors?.map((error) => `${error.path} ${error.message}`).join('; ');
  return [problem.detail ?? problem.title, fields].filter(Boolean).join(' — ');
}
