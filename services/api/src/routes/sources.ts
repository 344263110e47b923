import { Adapter, adapterSettings, Channel, defaultChannelOf, FieldMapping } from '@cxloop/contracts';
import {
  createSource,
  type Db,
  deleteSource,
  findSource,
  findUnitByKey,
  listSourceDeliveries,
  listSources,
  rotateSourceSecret,
  type Source,
  updateSource,
} from '@cxloop/db';
import type { SecretBox } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { customerDataPolicyOf } from '../customer-data/index.js';
import { channelAdapters } from '../ingest/adapters/index.js';
import type { DeliveryLog } from '../ingest/delivery-log.js';
import type { SourceCache } from '../ingest/source-cache.js';
import { problems } from '../problems.js';
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  MAX_ROTATION_OVERLAP_SECONDS,
  signingSecretFor,
  webhookUrlOf,
} from '../sources/secrets.js';
import { problemResponses, security } from './schemas.js';

export interface SourceRouteDeps {
  db: Db;
  secretBox: SecretBox;
  publicBaseUrl: string;
  /** What the webhook route remembers of sources; every change here makes it forget the source. */
  sourceCache: SourceCache;
  /** Where deliveries' log entries wait to be written; flushed before a source's stats or log are read. */
  deliveryLog: DeliveryLog;
  now?: () => Date;
}

const SourceView = z.object({
  id: z.uuid(),
  name: z.string(),
  adapter: Adapter,
  channel: z.string(),
  unitId: z.uuid().nullable(),
  status: z.enum(['active', 'paused']),
  webhookUrl: z.string(),
  /** Where responders' replies to this source's customers are sent (PUT /v1/sources/:id/reply-target). */
  replyUrl: z.string().nullable(),
  fieldMapping: z.record(z.string(), z.unknown()),
  adapterConfig: z.record(z.string(), z.unknown()),
  rateLimitPerMinute: z.number().int(),
  secretRotatedAt: z.string().nullable(),
  previousSecretExpiresAt: z.string().nullable(),
  stats: z.object({
    lastDeliveryAt: z.string().nullable(),
    acceptedCount: z.number().int(),
    /** Feedback imported from files into this source (not deliveries, so not in the delivery log). */
    importedCount: z.number().int(),
    rejectedCount: z.number().int(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
  }),
  createdAt: z.string(),
});

const CreatedSource = SourceView.extend({
  /** Present only when cxloop generated the secret: shown this once, stored encrypted. */
  signingSecret: z.string().optional(),
});

const RateLimit = z.number().int().min(1).max(1_000_000);

const CreateSourceBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    adapter: Adapter.default('generic'),
    channel: Channel.optional(),
    /** A unit of the organisation by its key: feedback of this source belongs to it. */
    unit: z.string().trim().min(1).max(100).optional(),
    /** The vendor-issued signing key (required for twilio, mailgun, zendesk, intercom). */
    secret: z.string().min(8).max(500).optional(),
    fieldMapping: FieldMapping.optional(),
    adapterConfig: z.record(z.string(), z.unknown()).optional(),
    rateLimitPerMinute: RateLimit.optional(),
    /** A vendor API token (SurveyMonkey): stored encrypted, never shown again. */
    vendorToken: z.string().min(8).max(2_000).optional(),
  })
  .strict();

const UpdateSourceBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['active', 'paused']).optional(),
    fieldMapping: FieldMapping.optional(),
    adapterConfig: z.record(z.string(), z.unknown()).optional(),
    rateLimitPerMinute: RateLimit.optional(),
    vendorToken: z.string().min(8).max(2_000).optional(),
  })
  .strict();

const RotateBody = z
  .object({
    secret: z.string().min(8).max(500).optional(),
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_ROTATION_OVERLAP_SECONDS)
      .default(DEFAULT_ROTATION_OVERLAP_SECONDS),
  })
  .strict();

const DeliveryView = z.object({
  /** The delivery's number within its source (1 for the first). */
  id: z.string(),
  receivedAt: z.string(),
  status: z.number().int(),
  outcome: z.enum(['accepted', 'duplicate', 'ignored', 'rejected']),
  reason: z.string().nullable(),
  sizeBytes: z.number().int(),
  acceptedEvents: z.number().int(),
  redactedBody: z.string().nullable(),
});

const SourceParams = z.object({ sourceId: z.string() });

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function present(source: Source, publicBaseUrl: string): z.infer<typeof SourceView> {
  return {
    id: source.id,
    name: source.name,
    adapter: Adapter.parse(source.adapter),
    channel: source.channel,
    unitId: source.unit_id,
    status: source.status,
    webhookUrl: webhookUrlOf(publicBaseUrl, source),
    replyUrl: source.reply_url,
    fieldMapping: source.field_mapping,
    adapterConfig: source.adapter_config,
    rateLimitPerMinute: source.rate_limit_per_minute,
    secretRotatedAt: iso(source.secret_rotated_at),
    previousSecretExpiresAt: iso(source.previous_secret_expires_at),
    stats: {
      lastDeliveryAt: iso(source.last_delivery_at),
      acceptedCount: Number(source.accepted_count),
      importedCount: Number(source.imported_count),
      rejectedCount: Number(source.rejected_count),
      lastError: source.last_error,
      lastErrorAt: iso(source.last_error_at),
    },
    createdAt: source.created_at.toISOString(),
  };
}

function validAdapterConfig(adapter: Adapter, config: Record<string, unknown>) {
  const problem = channelAdapters[adapter].validateConfig?.(config);
  if (problem) throw problems.invalidBody([{ path: '/adapterConfig', message: problem }]);
}

/** Source management for admins: connect a channel, watch its deliveries, pause it, rotate its secret. */
export async function sourceRoutes(app: FastifyInstance, deps: SourceRouteDeps) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const admin = requireRole(deps.db, 'admin');
  const now = deps.now ?? (() => new Date());

  async function ownSource(orgId: string, sourceId: string): Promise<Source> {
    await deps.deliveryLog.flush();
    const source = z.uuid().safeParse(sourceId).success
      ? await findSource(deps.db, orgId, sourceId)
      : undefined;
    if (!source) throw problems.notFound('Source');
    return source;
  }

  typed.post(
    '/v1/sources',
    {
      preHandler: admin,
      schema: {
        summary: 'Connect a channel: create a source',
        description:
          'Returns the webhook URL to paste into the vendor, and the signing secret once when cxloop generates ' +
          'it (generic, typeform). For twilio, mailgun, zendesk and intercom send the key the vendor issued as ' +
          '`secret`.',
        tags: ['sources'],
        security,
        body: CreateSourceBody,
        response: { 201: CreatedSource, ...problemResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const body = request.body;
      validAdapterConfig(body.adapter, body.adapterConfig ?? {});
      // Adapters whose webhooks only name a response (SurveyMonkey, HubSpot) read it with the vendor's token.
      if (adapterSettings[body.adapter].vendorToken && !body.vendorToken) {
        throw problems.invalidBody([
          {
            path: '/vendorToken',
            message: `the ${body.adapter} adapter needs an API access token to fetch answers`,
          },
        ]);
      }
      let unitId: string | null = null;
      if (body.unit) {
        const unit = await findUnitByKey(deps.db, orgId, body.unit);
        if (!unit) throw problems.invalidBody([{ path: '/unit', message: `unknown unit "${body.unit}"` }]);
        unitId = unit.id;
      }
      const { secret, generated } = signingSecretFor(body.adapter, body.secret);
      const source = await createSource(deps.db, {
        orgId,
        name: body.name,
        adapter: body.adapter,
        channel: body.channel ?? defaultChannelOf[body.adapter],
        unitId,
        secretCiphertext: deps.secretBox.seal(secret),
        ...(body.fieldMapping ? { fieldMapping: body.fieldMapping } : {}),
        ...(body.adapterConfig ? { adapterConfig: body.adapterConfig } : {}),
        ...(body.rateLimitPerMinute ? { rateLimitPerMinute: body.rateLimitPerMinute } : {}),
        ...(body.vendorToken ? { vendorTokenCiphertext: deps.secretBox.seal(body.vendorToken) } : {}),
      });
      return reply
        .status(201)
        .send({ ...present(source, deps.publicBaseUrl), ...(generated ? { signingSecret: secret } : {}) });
    },
  );

  typed.get(
    '/v1/sources',
    {
      preHandler: admin,
      schema: {
        summary: 'The organisation’s sources with their stats',
        tags: ['sources'],
        security,
        response: {
          200: z.object({ sources: z.array(SourceView) }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => {
      await deps.deliveryLog.flush();
      const sources = await listSources(deps.db, principalOf(request).orgId);
      return { sources: sources.map((source) => present(source, deps.publicBaseUrl)) };
    },
  );

  typed.get(
    '/v1/sources/:sourceId',
    {
      preHandler: admin,
      schema: {
        summary: 'One source with its stats',
        tags: ['sources'],
        security,
        params: SourceParams,
        response: { 200: SourceView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) =>
      present(await ownSource(principalOf(request).orgId, request.params.sourceId), deps.publicBaseUrl),
  );

  typed.patch(
    '/v1/sources/:sourceId',
    {
      preHandler: admin,
      schema: {
        summary: 'Change a source: rename, pause or resume, field mapping, rate limit',
        description:
          'A paused source answers its deliveries 409 `source_paused` (logged) and stores nothing.',
        tags: ['sources'],
        security,
        params: SourceParams,
        body: UpdateSourceBody,
        response: {
          200: SourceView,
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const source = await ownSource(orgId, request.params.sourceId);
      const { vendorToken, ...changes } = request.body;
      if (changes.adapterConfig) validAdapterConfig(Adapter.parse(source.adapter), changes.adapterConfig);
      const updated = await updateSource(deps.db, orgId, source.id, {
        ...changes,
        ...(vendorToken ? { vendorTokenCiphertext: deps.secretBox.seal(vendorToken) } : {}),
      });
      deps.sourceCache.forget(source.id);
      if (!updated) throw problems.notFound('Source');
      return present(updated, deps.publicBaseUrl);
    },
  );

  typed.delete(
    '/v1/sources/:sourceId',
    {
      preHandler: admin,
      schema: {
        summary: 'Delete a source with its feedback and delivery log',
        tags: ['sources'],
        security,
        params: SourceParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const source = await ownSource(orgId, request.params.sourceId);
      const deleted = await deleteSource(deps.db, orgId, source.id);
      deps.sourceCache.forget(source.id);
      if (!deleted) throw problems.notFound('Source');
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/v1/sources/:sourceId/secret/rotate',
    {
      preHandler: admin,
      schema: {
        summary: 'Rotate a source’s signing secret with an overlap window',
        description:
          'The new secret verifies at once; the previous one keeps verifying for `overlapSeconds` (default one ' +
          'day, at most seven) so the vendor can be switched over without dropping deliveries. Vendor-issued ' +
          'keys are sent as `secret`; otherwise cxloop generates one and returns it once.',
        tags: ['sources'],
        security,
        params: SourceParams,
        body: RotateBody,
        response: {
          200: z.object({
            signingSecret: z.string().optional(),
            previousSecretExpiresAt: z.string(),
          }),
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const source = await ownSource(orgId, request.params.sourceId);
      const { secret, generated } = signingSecretFor(Adapter.parse(source.adapter), request.body.secret);
      const rotatedAt = now();
      const previousExpiresAt = new Date(rotatedAt.getTime() + request.body.overlapSeconds * 1000);
      const rotated = await rotateSourceSecret(deps.db, orgId, source.id, {
        secretCiphertext: deps.secretBox.seal(secret),
        previousExpiresAt,
        rotatedAt,
      });
      deps.sourceCache.forget(source.id);
      if (!rotated) throw problems.notFound('Source');
      return {
        ...(generated ? { signingSecret: secret } : {}),
        previousSecretExpiresAt: previousExpiresAt.toISOString(),
      };
    },
  );

  typed.get(
    '/v1/sources/:sourceId/deliveries',
    {
      preHandler: admin,
      schema: {
        summary: 'The source’s latest deliveries, rejections included',
        description:
          'Newest first: time, HTTP status, outcome, reason, size. Bodies appear only for deliveries whose ' +
          'signature verified, cut short and with personal data redacted; secrets and signatures never.',
        tags: ['sources'],
        security,
        params: SourceParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: {
          200: z.object({ deliveries: z.array(DeliveryView) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const source = await ownSource(orgId, request.params.sourceId);
      const rows = await listSourceDeliveries(deps.db, orgId, source.id, request.query.limit);
      const policy = customerDataPolicyOf(request, deps.secretBox);
      return {
        deliveries: rows.map((row) => ({
          id: row.seq,
          receivedAt: row.received_at.toISOString(),
          status: row.status,
          outcome: row.outcome,
          reason: row.reason,
          sizeBytes: row.size_bytes,
          acceptedEvents: row.accepted_events,
          redactedBody: policy.deliveryBody(row.redacted_body),
        })),
      };
    },
  );
}
