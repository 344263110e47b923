import {
  caseFlagCodes,
  caseSeverities,
  type Db,
  existingTeamIds,
  loadSlaPolicy,
  loadTriageSettings,
  saveSlaPolicy,
  saveTriageSettings,
  setSourceCaseHorizon,
  setSourceReplyTarget,
  type TriageSettings,
} from '@cxloop/db';
import {
  generateSigningSecret,
  type OutboundAllowlist,
  refusalOfTargetUrl,
  type SecretBox,
} from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

const Severity = z.enum(caseSeverities);
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');

const BusinessHours = z
  .object({
    timeZone: z.string().refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'unknown IANA time zone'),
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    start: HHMM,
    end: HHMM,
  })
  .strict()
  .refine((hours) => hours.start < hours.end, { path: ['end'], message: 'end must be after start' });

/**
 * Outbound targets: http(s) URLs here; the handler then refuses any that is not https to a public address
 * (unless OUTBOUND_ALLOWED_HOSTS allows it), so a setting cannot point the workers at the private network.
 */
const WebhookUrl = z.url({ protocol: /^https?$/ });

/** 422 at `path` when the URL is not an allowed outbound target. */
async function assertAllowedTarget(url: string | null, path: string, allowlist: OutboundAllowlist) {
  const refusal = url === null ? undefined : await refusalOfTargetUrl(url, allowlist);
  if (refusal) throw problems.invalidBody([{ path, message: `not an allowed webhook target: ${refusal}` }]);
}

const SettingsView = z.object({
  caseFlags: z.array(z.string()),
  minSeverity: Severity,
  repeatWindowHours: z.number().int(),
  defaultTeamId: z.uuid().nullable(),
  businessHours: BusinessHours.nullable(),
  caseHorizonHours: z.number().int(),
  escalationUrl: z.string().nullable(),
  hasEscalationSecret: z.boolean(),
});

/** Up to a year: beyond that "history" is everything, and an admin opens old cases on purpose instead. */
const CaseHorizonHours = z
  .number()
  .int()
  .min(1)
  .max(24 * 366);

const SettingsBody = z
  .object({
    caseFlags: z.array(z.enum(caseFlagCodes)).max(caseFlagCodes.length),
    minSeverity: Severity,
    repeatWindowHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 90),
    defaultTeamId: z.uuid().nullable(),
    businessHours: BusinessHours.nullable(),
    escalationUrl: WebhookUrl.nullable(),
    /** Omitted: kept as it is. */
    caseHorizonHours: CaseHorizonHours.optional(),
  })
  .strict();

const SlaTargets = z
  .object({
    firstResponseMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90),
    resolutionMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 365),
  })
  .strict()
  .refine((t) => t.resolutionMinutes >= t.firstResponseMinutes, {
    path: ['resolutionMinutes'],
    message: 'resolution cannot be due before the first response',
  });
const SlaPolicyView = z.object({
  low: SlaTargets,
  medium: SlaTargets,
  high: SlaTargets,
  critical: SlaTargets,
});

const presentSettings = (settings: TriageSettings) => ({ ...settings, caseFlags: [...settings.caseFlags] });

/** Admins configure triage: which feedback opens cases, SLA targets, escalation and reply webhooks. */
export async function triageSettingsRoutes(
  app: FastifyInstance,
  deps: { db: Db; secretBox: SecretBox; outboundAllowlist: OutboundAllowlist },
) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const admins = requireRole(deps.db, 'admin');
  const readers = requireRole(deps.db, 'admin', 'manager', 'responder');

  route.get(
    '/v1/triage/settings',
    {
      preHandler: readers,
      schema: {
        summary: 'Case rules, routing and escalation of the organisation (defaults until set)',
        tags: ['triage'],
        security,
        response: { 200: SettingsView, ...problemResponses(401) },
      },
    },
    async (request) => presentSettings(await loadTriageSettings(deps.db, principalOf(request).orgId)),
  );

  route.put(
    '/v1/triage/settings',
    {
      preHandler: admins,
      schema: {
        summary: 'Set case rules, routing and escalation',
        description:
          'Setting a new escalationUrl issues a new signing secret, returned once as escalationSigningSecret; ' +
          'keeping the URL keeps the secret. With business hours, SLA clocks run only inside them. Feedback that ' +
          'happened more than caseHorizonHours ago (default 72) opens no case: imported history is scored, not queued.',
        tags: ['triage'],
        security,
        body: SettingsBody,
        response: {
          200: SettingsView.extend({ escalationSigningSecret: z.string().optional() }),
          ...problemResponses(401, 403, 422),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const body = request.body;
      if (
        body.defaultTeamId &&
        !(await existingTeamIds(deps.db, orgId, [body.defaultTeamId])).has(body.defaultTeamId)
      ) {
        throw problems.invalidBody([
          { path: '/defaultTeamId', message: 'no team with this id in the organisation' },
        ]);
      }
      await assertAllowedTarget(body.escalationUrl, '/escalationUrl', deps.outboundAllowlist);
      const current = await loadTriageSettings(deps.db, orgId);
      const newSecret =
        body.escalationUrl && body.escalationUrl !== current.escalationUrl
          ? generateSigningSecret()
          : undefined;
      await saveTriageSettings(deps.db, orgId, {
        ...body,
        caseHorizonHours: body.caseHorizonHours ?? current.caseHorizonHours,
        ...(newSecret ? { escalationSecretCiphertext: deps.secretBox.seal(newSecret) } : {}),
        ...(body.escalationUrl === null ? { escalationSecretCiphertext: null } : {}),
      });
      const saved = await loadTriageSettings(deps.db, orgId);
      return { ...presentSettings(saved), ...(newSecret ? { escalationSigningSecret: newSecret } : {}) };
    },
  );

  route.get(
    '/v1/triage/sla-policy',
    {
      preHandler: readers,
      schema: {
        summary: 'SLA targets per severity (defaults where not set)',
        tags: ['triage'],
        security,
        response: { 200: SlaPolicyView, ...problemResponses(401) },
      },
    },
    async (request) => loadSlaPolicy(deps.db, principalOf(request).orgId),
  );

  route.put(
    '/v1/triage/sla-policy',
    {
      preHandler: admins,
      schema: {
        summary: 'Set SLA targets for some or all severities; applies to cases opened from now on',
        tags: ['triage'],
        security,
        body: SlaPolicyView.partial().strict(),
        response: { 200: SlaPolicyView, ...problemResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      await saveSlaPolicy(deps.db, orgId, request.body);
      return loadSlaPolicy(deps.db, orgId);
    },
  );

  route.put(
    '/v1/sources/:id/reply-target',
    {
      preHandler: admins,
      schema: {
        summary: "Set where replies to a source's customers are delivered",
        description:
          'Replies are POSTed there signed per Standard Webhooks with a new secret, returned once here as ' +
          'replySigningSecret. `url: null` stops replies through this source.',
        tags: ['triage'],
        security,
        params: z.object({ id: z.string() }),
        body: z.object({ url: WebhookUrl.nullable() }).strict(),
        response: {
          200: z.object({
            sourceId: z.uuid(),
            replyUrl: z.string().nullable(),
            replySigningSecret: z.string().optional(),
          }),
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { id } = request.params;
      const { url } = request.body;
      await assertAllowedTarget(url, '/url', deps.outboundAllowlist);
      const secret = url ? generateSigningSecret() : undefined;
      const updated =
        z.uuid().safeParse(id).success &&
        (await setSourceReplyTarget(
          deps.db,
          orgId,
          id,
          url && secret ? { url, secretCiphertext: deps.secretBox.seal(secret) } : null,
        ));
      if (!updated) throw problems.notFound('Source');
      return { sourceId: id, replyUrl: url, ...(secret ? { replySigningSecret: secret } : {}) };
    },
  );

  route.put(
    '/v1/sources/:id/case-horizon',
    {
      preHandler: admins,
      schema: {
        summary: "Set how old a source's feedback may be and still open a case",
        description:
          'Feedback that happened (occurredAt) more than `hours` before it is analysed opens no case and starts ' +
          "no SLA clock; it still counts in rollups and scores. `hours: null` follows the organisation's setting.",
        tags: ['triage'],
        security,
        params: z.object({ id: z.string() }),
        body: z.object({ hours: CaseHorizonHours.nullable() }).strict(),
        response: {
          200: z.object({ sourceId: z.uuid(), caseHorizonHours: z.number().int().nullable() }),
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { id } = request.params;
      const { hours } = request.body;
      const updated =
        z.uuid().safeParse(id).success && (await setSourceCaseHorizon(deps.db, orgId, id, hours));
      if (!updated) throw problems.notFound('Source');
      return { sourceId: id, caseHorizonHours: hours };
    },
  );
}
