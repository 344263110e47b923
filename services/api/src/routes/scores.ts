import {
  acknowledgeRisingIssue,
  type CurrentScore,
  type Db,
  ENTERPRISE_SCOPE,
  findCurrentScore,
  listCurrentScores,
} from '@cxloop/db';
import { requestScoreRecompute, type ScoreQueue } from '@cxloop/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

/**
 * Managers' read API of scores: current scores (enterprise and units side by side), one scope's full evidence
 * trail, the metric readings and the insights (history and "what moved": score-history.ts). Everything is read from what the score
 * worker wrote; nothing is computed per request.
 */

const OrgParams = z.object({ org: z.string() });
export const ScopeParams = OrgParams.extend({ scope: z.string() });

/** The caller's organisation, when the URL names it; any other organisation is as unknown as a missing one. */
export function requireOwnOrg(request: FastifyRequest, org: string): string {
  const { orgId } = principalOf(request);
  if (org !== orgId) throw problems.notFound('Organisation');
  return orgId;
}

const ElementSummary = z.object({
  id: z.string(),
  name: z.string(),
  points: z.number(),
  max: z.number(),
  stage: z.string(),
  confidence: z.number(),
  missing: z.array(z.string()),
});

const ScoreSummary = z.object({
  scope: z.string(),
  unitId: z.uuid().nullable(),
  total: z.number(),
  max: z.number(),
  stage: z.string(),
  confidence: z.number(),
  coverage: z.object({ indicators: z.number(), measured: z.number(), missing: z.number() }),
  computedAt: z.string(),
  changedAt: z.string(),
  dimensions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      points: z.number(),
      max: z.number(),
      stage: z.string(),
      elements: z.array(ElementSummary),
    }),
  ),
});

function summarise(row: CurrentScore): z.infer<typeof ScoreSummary> {
  const score = row.score;
  return {
    scope: row.scope,
    unitId: row.unit_id,
    total: row.total,
    max: score.max,
    stage: row.stage,
    confidence: row.confidence,
    coverage: score.coverage,
    computedAt: row.computed_at.toISOString(),
    changedAt: row.changed_at.toISOString(),
    dimensions: score.dimensions.map((dimension) => ({
      id: dimension.id,
      name: dimension.name,
      points: dimension.points,
      max: dimension.max,
      stage: dimension.stage,
      elements: dimension.elements.map(({ id, name, points, max, stage, confidence, missing }) => ({
        id,
        name,
        points,
        max,
        stage,
        confidence,
        missing: [...missing],
      })),
    })),
  };
}

/** A scope's current score; 404 when the scope has none (or is another organisation's). */
export async function scopeOf(db: Db, orgId: string, scope: string): Promise<CurrentScore> {
  const row = await findCurrentScore(db, orgId, scope);
  if (!row) throw problems.notFound('Score');
  return row;
}

const ScopeQuery = z.object({ scope: z.string().default(ENTERPRISE_SCOPE) }).strict();
const MetricReadingView = z.object({
  metric: z.string(),
  status: z.enum(['measured', 'missing']),
  value: z.number().optional(),
  sampleSize: z.number().optional(),
  reason: z.string().optional(),
  window: z.object({ from: z.string(), to: z.string() }),
});

export async function scoreRoutes(
  app: FastifyInstance,
  deps: { db: Db; scoreQueue: ScoreQueue; now?: () => Date },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Assessors read the scores they rate; acting on rising issues stays with managers.
  const readers = requireRole(deps.db, 'admin', 'manager', 'assessor');
  const managers = requireRole(deps.db, 'admin', 'manager');
  const now = deps.now ?? (() => new Date());

  api.get(
    '/v1/orgs/:org/scores',
    {
      preHandler: readers,
      schema: {
        summary: 'Current scores: the enterprise and every unit side by side',
        tags: ['scores'],
        security,
        params: OrgParams,
        response: {
          200: z.object({ enterprise: ScoreSummary.nullable(), units: z.array(ScoreSummary) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const rows = (await listCurrentScores(deps.db, orgId)).map(summarise);
      return {
        enterprise: rows.find((row) => row.scope === ENTERPRISE_SCOPE) ?? null,
        units: rows.filter((row) => row.scope !== ENTERPRISE_SCOPE),
      };
    },
  );

  api.get(
    '/v1/orgs/:org/scores/:scope',
    {
      preHandler: readers,
      schema: {
        summary: "One scope's score with its full evidence trail (element → indicators → evidence)",
        tags: ['scores'],
        security,
        params: ScopeParams,
        response: {
          200: z.object({ summary: ScoreSummary, score: z.record(z.string(), z.unknown()) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const row = await scopeOf(deps.db, orgId, request.params.scope);
      return { summary: summarise(row), score: { ...row.score } };
    },
  );

  api.get(
    '/v1/orgs/:org/metrics',
    {
      preHandler: readers,
      schema: {
        summary: 'Every catalogue metric of a scope: measured (value, sample, window) or missing (why)',
        tags: ['scores'],
        security,
        params: OrgParams,
        querystring: ScopeQuery,
        response: {
          200: z.object({ scope: z.string(), computedAt: z.string(), metrics: z.array(MetricReadingView) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const row = await scopeOf(deps.db, orgId, request.query.scope);
      return {
        scope: row.scope,
        computedAt: row.computed_at.toISOString(),
        metrics: row.metrics as z.infer<typeof MetricReadingView>[],
      };
    },
  );

  api.get(
    '/v1/orgs/:org/insights',
    {
      preHandler: readers,
      schema: {
        summary: 'Rising issues, topics converging across channels, NPS and CSAT drivers of a scope',
        tags: ['scores'],
        security,
        params: OrgParams,
        querystring: ScopeQuery,
        response: {
          200: z.object({
            scope: z.string(),
            computedAt: z.string(),
            insights: z.record(z.string(), z.unknown()),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const row = await scopeOf(deps.db, orgId, request.query.scope);
      return { scope: row.scope, computedAt: row.computed_at.toISOString(), insights: row.insights };
    },
  );

  api.post(
    '/v1/orgs/:org/insights/rising-issues/:id/acknowledge',
    {
      preHandler: managers,
      schema: {
        summary:
          'Acknowledge a rising issue: a manager has seen it. Earns nothing in the score: acting on it means a case on the topic closed with a reply',
        tags: ['scores'],
        security,
        params: OrgParams.extend({ id: z.string() }),
        response: {
          200: z.object({ id: z.uuid(), topic: z.string(), acknowledgedAt: z.string() }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { id } = request.params;
      const issue = z.uuid().safeParse(id).success
        ? await acknowledgeRisingIssue(deps.db, orgId, id, now())
        : undefined;
      if (!issue?.acknowledged_at) throw problems.notFound('Rising issue');
      // The recompute refreshes the insights the dashboard shows (the issue now acknowledged); the sweep of
      // stale scores is the fallback when Redis is away, so a failed request is logged, not returned.
      await requestScoreRecompute(deps.scoreQueue, orgId).catch((error: unknown) =>
        request.log.warn({ err: error }, 'could not request a score recompute'),
      );
      return { id: issue.id, topic: issue.topic, acknowledgedAt: issue.acknowledged_at.toISOString() };
    },
  );
}
