import { type Db, journeyOwnership, loadJourney, replaceJourney, touchpointCoverage } from '@cxloop/db';
import { requestScoreRecompute, type ScoreQueue } from '@cxloop/runtime';
import { DEFAULT_TOPICS } from '@cxloop/text';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { principalOf, requireRole } from '../../auth/plugin.js';
import { problems } from '../../problems.js';
import { problemResponses, security } from '../schemas.js';
import { journeyProblems } from './checks.js';
import { JourneyBody, JourneyView } from './schemas.js';

/** The window coverage is shown over: the 90 days ending today (UTC), as the coverage metric reads it. */
const COVERAGE_DAYS = 90;
const DAY_MS = 86_400_000;

async function journeyView(db: Db, orgId: string, now: Date): Promise<z.infer<typeof JourneyView>> {
  const window = {
    from: new Date(now.getTime() - (COVERAGE_DAYS - 1) * DAY_MS).toISOString().slice(0, 10),
    to: now.toISOString().slice(0, 10),
  };
  const scope = { orgId, unitId: null };
  const [journey, coverage, ownership] = await Promise.all([
    loadJourney(db, orgId),
    touchpointCoverage(db, scope, window),
    journeyOwnership(db, scope, window),
  ]);
  return {
    ...journey,
    knownTopics: DEFAULT_TOPICS.map((topic) => ({ id: topic.id, label: topic.label })),
    coverage: {
      window,
      touchpointsDeclared: coverage.declared,
      touchpointsCovered: coverage.covered,
      touchpointsOwned: ownership.touchpoints.owned,
      topicsHeard: ownership.topics.heard,
      topicsOwned: ownership.topics.owned,
    },
  };
}

/** Requests a recompute after a change of evidence; the stale-score sweep covers a failure. */
export async function recomputeAfterChange(request: FastifyRequest, queue: ScoreQueue, orgId: string) {
  await requestScoreRecompute(queue, orgId).catch((error: unknown) =>
    request.log.warn({ err: error }, 'could not request a score recompute'),
  );
}

/**
 * The customer journey as configured objects: touchpoints in order with their owning team, how feedback
 * maps to them (event value, source default, topic rule), and topic owners. Everyone reads; admins replace.
 */
export async function journeyRoutes(
  app: FastifyInstance,
  deps: { db: Db; scoreQueue: ScoreQueue; now?: () => Date },
) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());

  route.get(
    '/v1/journey',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder', 'assessor'),
      schema: {
        summary: 'Touchpoints, their owners and mapping rules, topic owners, and current coverage',
        tags: ['journey'],
        security,
        response: { 200: JourneyView, ...problemResponses(401, 403) },
      },
    },
    async (request) => journeyView(deps.db, principalOf(request).orgId, now()),
  );

  route.put(
    '/v1/journey',
    {
      preHandler: requireRole(deps.db, 'admin'),
      schema: {
        summary: 'Replace the journey: touchpoints (in order), owners, event values, source defaults, topics',
        tags: ['journey'],
        security,
        body: JourneyBody,
        response: { 200: JourneyView, ...problemResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const invalid = await journeyProblems(deps.db, orgId, request.body);
      if (invalid.length > 0) throw problems.invalidBody(invalid);
      await replaceJourney(deps.db, orgId, request.body);
      // Coverage and ownership are evidence of D5.1 and D6.2/D6.4.
      await recomputeAfterChange(request, deps.scoreQueue, orgId);
      return journeyView(deps.db, orgId, now());
    },
  );
}
