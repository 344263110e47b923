import type { Db } from '@cxloop/db';
import {
  type AnalyzeQueue,
  createMetricsRegistry,
  emptyOutboundAllowlist,
  type OutboundAllowlist,
  type OutboundQueue,
  type ReanalysisQueue,
  type ScoreQueue,
  type SecretBox,
} from '@cxloop/runtime';
import fastifyCompress from '@fastify/compress';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RouteOptions,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { AccessEvents } from './auth/access-events.js';
import { FailedAuthLimit } from './auth/failed-auth-limit.js';
import { perKeyRateLimit } from './auth/key-rate-limit.js';
import { isAuthGuard, presentsCredential } from './auth/plugin.js';
import { dashboard } from './dashboard.js';
import { clientErrorAsProblem, errorHandling, frameworkErrorAsProblem } from './errors.js';
import type { VendorApiUrls } from './ingest/adapter.js';
import { DeliveryLog } from './ingest/delivery-log.js';
import { outcomeIngestRoutes } from './ingest/outcome-route.js';
import { ReplayGuard } from './ingest/replay-guard.js';
import { ingestRoutes, logRefusedConnection } from './ingest/route.js';
import { SourceCache } from './ingest/source-cache.js';
import type { RecordStaffResponse } from './ingest/staff-responses.js';
import type { VendorFetchTiming } from './ingest/vendor-fetcher.js';
import { observability } from './observability.js';
import { openApi } from './openapi.js';
import { RateLimits } from './rate-limit.js';
import { actionRoutes } from './routes/actions/index.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { assessmentRoutes } from './routes/assessments/index.js';
import { assessorRoutes } from './routes/assessor/index.js';
import { caseRoutes } from './routes/cases.js';
import { contactOptOutRoutes } from './routes/contact-opt-outs.js';
import { experienceTrendRoutes } from './routes/experience-trends.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { inboxToolRoutes } from './routes/inbox-tools.js';
import { journeyRoutes } from './routes/journey/index.js';
import { loyaltyRoutes } from './routes/loyalty.js';
import { organisationNameRoutes } from './routes/names.js';
import { outcomeImportRoutes } from './routes/outcome-imports.js';
import { scoreHistoryRoutes } from './routes/score-history.js';
import { scoreRoutes } from './routes/scores.js';
import { scoreStreamRoutes } from './routes/scores-stream.js';
import { sessionRoutes } from './routes/session.js';
import { sourceFetchRoutes } from './routes/source-fetches.js';
import { sourceImportRoutes } from './routes/source-imports.js';
import { sourceTestDeliveryRoutes } from './routes/source-test-delivery.js';
import { sourceRoutes } from './routes/sources.js';
import { surveyRespondentRoutes } from './routes/survey-respondents.js';
import { surveyRoutes } from './routes/surveys.js';
import { teamRoutes } from './routes/teams.js';
import { textSettingsRoutes } from './routes/text-settings.js';
import { topicRoutes } from './routes/topics.js';
import { triageSettingsRoutes } from './routes/triage-settings.js';
import { unitRoutes } from './routes/units.js';
import { storableInput } from './storable-input.js';
import { staffResponseRecorder } from './surveys/responses.js';

/**
 * Every route documents itself: a summary and response schemas, or an explicit `hide` for documentation
 * assets. A route without them stops the app from building, so the OpenAPI document cannot fall behind.
 */
function requireRouteSchema(route: RouteOptions) {
  const schema = route.schema as { hide?: boolean; summary?: string; response?: unknown } | undefined;
  if (schema?.hide || route.url.startsWith('/docs')) return;
  if (!schema?.summary || !schema.response) {
    throw new Error(`route ${String(route.method)} ${route.url} needs schema.summary and schema.response`);
  }
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Authentication runs before the body is parsed and validated, whichever hook a route declared its
 * `requireRole` guard in: an unauthenticated caller gets 401, never a validation report about a body it
 * was not allowed to send. Failed attempts count per client address (429 once it has used up its minute,
 * before any lookup); the API key's rate limit follows the guard, still before the body is read.
 */
function authenticateFirst(
  route: RouteOptions,
  afterGuards: ReturnType<typeof perKeyRateLimit>,
  failures: FailedAuthLimit,
) {
  const preHandlers = [route.preHandler ?? []].flat();
  const guards = preHandlers.filter(isAuthGuard) as Hook[];
  if (guards.length === 0) return;
  const counted = guards.map(
    (guard): Hook =>
      (request, reply) =>
        presentsCredential(request)
          ? failures.attempt(request.ip, () => guard(request, reply))
          : guard(request, reply),
  );
  route.preHandler = preHandlers.filter((hook) => !isAuthGuard(hook));
  route.onRequest = [...[route.onRequest ?? []].flat(), ...counted, afterGuards] as RouteOptions['onRequest'];
}

/** Fastify's types take a hop count only as a function: trust that many proxies nearest to us. */
function trustProxyOption(trust: AppDeps['trustProxy']) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : (trust ?? false);
}

export interface AppDeps {
  db: Db;
  analyzeQueue: AnalyzeQueue;
  /** Score recomputes requested when new evidence (a staff survey response) arrives. */
  scoreQueue: ScoreQueue;
  /** Replies to customers and escalation notices, delivered by the aggregation worker. */
  outboundQueue: OutboundQueue;
  /** Re-analysis of history after a topic taxonomy change, run by the analysis worker. */
  reanalysisQueue: ReanalysisQueue;
  secretBox: SecretBox;
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  webhookToleranceSeconds: number;
  /** Shared by every replica: per-source rate limits are counted here. Commands must fail fast when it is away. */
  redis: Redis;
  redisPrefix: string;
  /** Requests per minute one API key (and the sessions signed in with it) may make. */
  apiKeyRateLimitPerMinute: number;
  /** Webhook deliveries with a failed signature one client address may send per minute (default 60). */
  unsignedDeliveriesPerMinute?: number;
  /** How senders reach this deployment (PUBLIC_BASE_URL): Twilio signs the URL it called. */
  publicBaseUrl: string;
  /** Overrides of vendor API base URLs (tests point SurveyMonkey at a stand-in); each vendor's own otherwise. */
  vendorApiUrls?: VendorApiUrls;
  /** Pace of the background fetches of what webhooks only name (tests shorten the retries). */
  vendorFetchTiming?: VendorFetchTiming;
  /** Stores staff survey answers arriving through survey sources (the staff surveys module's recorder). */
  recordStaffResponse?: RecordStaffResponse;
  now?: () => Date;
  /** The process's Prometheus registry; a fresh one when omitted (tests). */
  metrics?: Registry;
  metricsToken?: string | undefined;
  /** Without a metrics token: whether `/metrics` is open to anyone (local development) or closed. */
  metricsPublic?: boolean;
  /** The platform operator's credential (OPERATOR_TOKEN) for the queue board; no board without it. */
  operatorToken?: string | undefined;
  /** The built dashboard to serve; services/dashboard/dist unless a test gives its own. */
  dashboardDir?: string;
  /** Fastify's `trustProxy` (TRUST_PROXY): whose X-Forwarded-For/-Proto to believe. Off by default. */
  trustProxy?: boolean | number | string[] | undefined;
  /** Failed authentications per client address and minute before 429. */
  authFailureLimitPerMinute?: number;
  /** Reply and escalation targets allowed beyond https to public addresses (OUTBOUND_ALLOWED_HOSTS). */
  outboundAllowlist?: OutboundAllowlist;
  /** True once the process is shutting down: readiness fails so load balancers stop sending requests. */
  isDraining?: () => boolean;
}

/**
 * Builds the HTTP app without listening, so tests drive it with `inject()` and the server entry decides
 * how to listen. The caller owns the dependencies and closes them.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  // Cached sources age on the app's clock too, so a test can step past their lifetime instead of waiting.
  const sourceCache = new SourceCache(deps.db, undefined, undefined, () => now().getTime());
  const deliveryLog = new DeliveryLog(deps.db, deps.logger);
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimitBytes,
    // Clients that trickle a request (slowloris) are cut off instead of holding a socket forever.
    requestTimeout: 30_000,
    // The observability plugin writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Behind a TLS proxy, its X-Forwarded-Proto makes session cookies Secure and X-Forwarded-For names the
    // client whose failed sign-ins are counted; believed only from the proxies configured.
    trustProxy: trustProxyOption(deps.trustProxy),
    frameworkErrors: frameworkErrorAsProblem,
    clientErrorHandler: clientErrorAsProblem(logRefusedConnection({ sourceCache, deliveryLog, now })),
  });
  // Route schemas are zod: they validate requests, serialise responses and generate the OpenAPI document.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', requireRouteSchema);
  const rateLimits = new RateLimits(deps.redis, deps.redisPrefix);
  const keyRateLimit = perKeyRateLimit({ ...deps, rateLimits });
  const authFailures = new FailedAuthLimit(
    deps.redis,
    deps.redisPrefix,
    deps.authFailureLimitPerMinute ?? 20,
    deps.logger,
  );
  const accessEvents = new AccessEvents(deps.redis, deps.redisPrefix, deps.logger);
  const outboundAllowlist = deps.outboundAllowlist ?? emptyOutboundAllowlist;
  app.addHook('onClose', () => deliveryLog.flush());
  app.addHook('onClose', async () => accessEvents.close());
  app.addHook('onRoute', (route) => authenticateFirst(route, keyRateLimit, authFailures));
  await app.register(errorHandling);
  // JSON answers and the dashboard's assets travel compressed (a score history is ~90 % smaller). Request
  // bodies are not inflated here: a signed webhook is verified over the bytes it was sent as.
  await app.register(fastifyCompress, { global: true, globalDecompression: false });
  await app.register(storableInput);
  await app.register(openApi);
  await app.register(observability, {
    registry: deps.metrics ?? createMetricsRegistry('api'),
    queues: [deps.analyzeQueue],
    metricsToken: deps.metricsToken,
    metricsPublic: deps.metricsPublic ?? false,
    isKnownSource: async (sourceId) => (await sourceCache.get(sourceId)) !== undefined,
  });
  await app.register(healthRoutes, deps);
  await app.register(feedbackRoutes, deps);
  await app.register(scoreRoutes, deps);
  await app.register(scoreHistoryRoutes, deps);
  await app.register(scoreStreamRoutes, { ...deps, accessEvents });
  await app.register(experienceTrendRoutes, deps);
  await app.register(organisationNameRoutes, deps);
  await app.register(loyaltyRoutes, deps);
  await app.register(sourceRoutes, { ...deps, sourceCache, deliveryLog });
  await app.register(sourceImportRoutes, deps);
  await app.register(outcomeImportRoutes, deps);
  await app.register(sourceTestDeliveryRoutes, deps);
  await app.register(sourceFetchRoutes, deps);
  await app.register(sessionRoutes, { ...deps, accessEvents, authFailures });
  await app.register(apiKeyRoutes, { ...deps, accessEvents });
  await app.register(dashboard, { ...deps, authFailures });
  await app.register(surveyRoutes, deps);
  await app.register(surveyRespondentRoutes, deps);
  await app.register(teamRoutes, deps);
  await app.register(caseRoutes, deps);
  await app.register(inboxToolRoutes, deps);
  await app.register(triageSettingsRoutes, { ...deps, outboundAllowlist });
  await app.register(textSettingsRoutes, deps);
  await app.register(topicRoutes, { ...deps, now });
  await app.register(journeyRoutes, deps);
  await app.register(actionRoutes, deps);
  await app.register(unitRoutes, deps);
  await app.register(contactOptOutRoutes, deps);
  await app.register(assessorRoutes, deps);
  await app.register(assessmentRoutes, deps);
  await app.register(ingestRoutes, {
    ...deps,
    sourceCache,
    deliveryLog,
    rateLimits,
    unsignedDeliveriesPerMinute: deps.unsignedDeliveriesPerMinute ?? 60,
    replayGuard: new ReplayGuard(deps.redis, deps.redisPrefix),
    recordStaffResponse:
      deps.recordStaffResponse ?? staffResponseRecorder({ scoreQueue: deps.scoreQueue, log: deps.logger }),
    now,
  });
  await app.register(outcomeIngestRoutes, { ...deps, sourceCache, rateLimits, now });
  return app;
}
