import {
  apiKeyHolderName,
  type Db,
  listAuditEntries,
  listIndicatorOverrides,
  listObjectiveRatings,
  type ManualChange,
  overrideIndicator,
  rateObjective,
} from '@cxloop/db';
import type { ScoreQueue } from '@cxloop/runtime';
import { allElements, findElement, findIndicator } from '@cxloop/scoring';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../../auth/plugin.js';
import { problems } from '../../problems.js';
import { recomputeAfterChange } from '../journey/index.js';
import { problemResponses, security } from '../schemas.js';
import { requireOwnOrg } from '../scores.js';
import {
  AuditEntryView,
  ObjectiveView,
  OverrideBody,
  OverrideView,
  presentAudit,
  RatingBody,
  RatingView,
} from './schemas.js';
import { targetRoutes } from './targets.js';

const OrgParams = z.object({ org: z.string() });

export interface AssessorDeps {
  db: Db;
  scoreQueue: ScoreQueue;
  now?: () => Date;
}

/** Who is changing what, and when: the audit entry's actor and time, with the caller's reason. */
export async function manualChange(
  db: Db,
  request: FastifyRequest,
  reason: string,
  now: () => Date,
): Promise<ManualChange> {
  const { orgId, apiKeyId } = principalOf(request);
  return { actor: await apiKeyHolderName(db, orgId, apiKeyId), at: now(), reason };
}

/**
 * What assessors put into the score by hand: the objective rating of each element (Fully / Partially /
 * Not yet, with a reason) and overrides of an indicator's attainment; every change is audited and asks
 * for a recompute. Admins and assessors change; managers read too.
 */
export async function assessorRoutes(app: FastifyInstance, deps: AssessorDeps) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const raters = requireRole(deps.db, 'admin', 'assessor');
  const readers = requireRole(deps.db, 'admin', 'manager', 'assessor');

  route.get(
    '/v1/orgs/:org/objectives',
    {
      preHandler: readers,
      schema: {
        summary: "Every element's statement of objective with the assessor's current rating (null: unrated)",
        tags: ['assessment'],
        security,
        params: OrgParams,
        response: {
          200: z.object({ objectives: z.array(ObjectiveView) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const ratings = new Map(
        (await listObjectiveRatings(deps.db, orgId)).map((row) => [row.element_id, row]),
      );
      return {
        objectives: allElements.map((element) => {
          const rating = ratings.get(element.id);
          return {
            elementId: element.id,
            name: element.name,
            objective: element.objective,
            rating: rating
              ? {
                  elementId: rating.element_id,
                  level: rating.level,
                  reason: rating.reason,
                  evidenceLinks: rating.evidence_links,
                  ratedBy: rating.rated_by,
                  ratedAt: rating.rated_at.toISOString(),
                }
              : null,
          };
        }),
      };
    },
  );

  route.post(
    '/v1/orgs/:org/objective-ratings',
    {
      preHandler: raters,
      schema: {
        summary: "Rate an element's statement of objective Fully / Partially / Not yet, with a reason",
        tags: ['assessment'],
        security,
        params: OrgParams,
        body: RatingBody,
        response: {
          200: z.object({ rating: RatingView, audit: AuditEntryView }),
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { elementId, level, reason, evidenceLinks } = request.body;
      if (!findElement(elementId)) {
        throw problems.invalidBody([
          { path: '/elementId', message: 'no element with this id (D1.1 … D6.5)' },
        ]);
      }
      const change = await manualChange(deps.db, request, reason, now);
      const saved = await rateObjective(deps.db, orgId, { elementId, level, evidenceLinks }, change);
      await recomputeAfterChange(request, deps.scoreQueue, orgId);
      return {
        rating: {
          elementId,
          level: saved.rating.level,
          reason: saved.rating.reason,
          evidenceLinks: saved.rating.evidence_links,
          ratedBy: saved.rating.rated_by,
          ratedAt: saved.rating.rated_at.toISOString(),
        },
        audit: presentAudit(saved.audit),
      };
    },
  );

  route.get(
    '/v1/orgs/:org/indicator-overrides',
    {
      preHandler: readers,
      schema: {
        summary: 'Indicators whose attainment an assessor has set by hand',
        tags: ['assessment'],
        security,
        params: OrgParams,
        response: { 200: z.object({ overrides: z.array(OverrideView) }), ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const overrides = await listIndicatorOverrides(deps.db, orgId);
      return { overrides: overrides.map(presentOverride) };
    },
  );

  route.post(
    '/v1/orgs/:org/indicator-overrides',
    {
      preHandler: raters,
      schema: {
        summary: "Set one indicator's attainment (0–1) by hand, or remove the override (null), with a reason",
        tags: ['assessment'],
        security,
        params: OrgParams,
        body: OverrideBody,
        response: {
          200: z.object({ override: OverrideView.nullable(), audit: AuditEntryView }),
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { indicatorId, attainment, reason } = request.body;
      if (!findIndicator(indicatorId)) {
        throw problems.invalidBody([
          { path: '/indicatorId', message: 'no indicator with this id (e.g. D5.2.3)' },
        ]);
      }
      const change = await manualChange(deps.db, request, reason, now);
      const saved = await overrideIndicator(deps.db, orgId, { indicatorId, attainment }, change);
      await recomputeAfterChange(request, deps.scoreQueue, orgId);
      return {
        override: saved.override && presentOverride(saved.override),
        audit: presentAudit(saved.audit),
      };
    },
  );

  route.get(
    '/v1/orgs/:org/assessment-audit',
    {
      preHandler: readers,
      schema: {
        summary: 'Every manual change (ratings, overrides, targets, assessments), newest first',
        tags: ['assessment'],
        security,
        params: OrgParams,
        querystring: z
          .object({
            subject: z.string().max(60).optional(),
            kind: AuditEntryView.shape.kind.optional(),
            before: z
              .string()
              .regex(/^\d{1,18}$/, 'the id of the last entry of the previous page')
              .optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: {
          200: z.object({ entries: z.array(AuditEntryView), nextBefore: z.string().nullable() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { subject, kind, before, limit } = request.query;
      const entries = await listAuditEntries(deps.db, orgId, {
        limit,
        ...(subject === undefined ? {} : { subject }),
        ...(kind === undefined ? {} : { kind }),
        ...(before === undefined ? {} : { before }),
      });
      return {
        entries: entries.map(presentAudit),
        nextBefore: entries.length === limit ? String(entries.at(-1)!.id) : null,
      };
    },
  );

  await targetRoutes(app, deps, { readers, manualChange });

  function presentOverride(row: Awaited<ReturnType<typeof listIndicatorOverrides>>[number]) {
    return {
      indicatorId: row.indicator_id,
      elementId: findIndicator(row.indicator_id)?.elementId ?? '',
      statement: findIndicator(row.indicator_id)?.statement ?? '',
      attainment: row.attainment,
      reason: row.reason,
      setBy: row.set_by,
      setAt: row.set_at.toISOString(),
    };
  }
}
