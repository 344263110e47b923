import {
  type Db,
  type ElementTarget,
  ENTERPRISE_SCOPE,
  listCurrentScores,
  listElementTargets,
  listUnitScopes,
  setElementTarget,
  type TargetGoal,
} from '@cxloop/db';
import { defaultStageBands, findElement } from '@cxloop/scoring';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../../auth/plugin.js';
import type { FieldProblem } from '../../problems.js';
import { problems } from '../../problems.js';
import { recomputeAfterChange } from '../journey/index.js';
import { problemResponses, security } from '../schemas.js';
import { requireOwnOrg } from '../scores.js';
import type { AssessorDeps, manualChange } from './index.js';
import { AuditEntryView, presentAudit, TargetBody, TargetView } from './schemas.js';

const OrgParams = z.object({ org: z.string() });
const STAGES = defaultStageBands.map((band) => band.stage as string);

interface ScoredElement {
  points: number;
  target?: { points: number; gap: number };
}

/** Each scope's current element scores, keyed `scope|element`: the score resolves targets into gaps. */
async function scoredElements(db: Db, orgId: string): Promise<Map<string, ScoredElement>> {
  const scored = new Map<string, ScoredElement>();
  for (const row of await listCurrentScores(db, orgId)) {
    for (const element of row.score.dimensions.flatMap((dimension) => dimension.elements)) {
      scored.set(`${row.scope}|${element.id}`, element);
    }
  }
  return scored;
}

/** Targets with the current points and the gap as the latest score computed them (null until it has). */
function presentTargets(targets: readonly ElementTarget[], scored: Map<string, ScoredElement>) {
  return targets.map((target) => {
    const element = scored.get(`${target.scope}|${target.element_id}`);
    return {
      scope: target.scope,
      elementId: target.element_id,
      name: findElement(target.element_id)?.name ?? target.element_id,
      points: target.target_points,
      stage: target.target_stage,
      targetPoints: element?.target?.points ?? null,
      currentPoints: element?.points ?? null,
      gap: element?.target?.gap ?? null,
      reason: target.reason,
      setBy: target.set_by,
      setAt: target.set_at.toISOString(),
    };
  });
}

/** A goal of the body, or the problems with it; null removes the target. */
function goalOf(body: z.infer<typeof TargetBody>): TargetGoal | null | FieldProblem[] {
  const element = findElement(body.elementId);
  const invalid: FieldProblem[] = [];
  if (!element) invalid.push({ path: '/elementId', message: 'no element with this id (D1.1 … D6.5)' });
  if (body.points !== null && body.stage !== null) {
    invalid.push({ path: '/stage', message: 'give points or a stage, not both' });
  }
  if (body.stage !== null && !STAGES.includes(body.stage)) {
    invalid.push({ path: '/stage', message: `one of ${STAGES.join(', ')}` });
  }
  if (element && body.points !== null && body.points > element.points) {
    invalid.push({ path: '/points', message: `at most the element's ${element.points} points` });
  }
  if (invalid.length > 0) return invalid;
  if (body.points !== null) return { points: body.points };
  return body.stage === null ? null : { stage: body.stage };
}

/** Targets per element and scope (the enterprise or a unit), with the gap from the current score. */
export async function targetRoutes(
  app: FastifyInstance,
  deps: AssessorDeps,
  helpers: { readers: ReturnType<typeof requireRole>; manualChange: typeof manualChange },
) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());

  route.get(
    '/v1/orgs/:org/targets',
    {
      preHandler: helpers.readers,
      schema: {
        summary: 'Targets per element and scope, with the points still needed to reach each',
        tags: ['assessment'],
        security,
        params: OrgParams,
        querystring: z.object({ scope: z.string().max(60).optional() }).strict(),
        response: {
          200: z.object({ targets: z.array(TargetView) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const [targets, current] = await Promise.all([
        listElementTargets(deps.db, orgId, request.query.scope),
        scoredElements(deps.db, orgId),
      ]);
      return { targets: presentTargets(targets, current) };
    },
  );

  route.post(
    '/v1/orgs/:org/targets',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'assessor'),
      schema: {
        summary: "Set an element's target (points or a stage) for the enterprise or a unit; nulls remove it",
        tags: ['assessment'],
        security,
        params: OrgParams,
        body: TargetBody,
        response: {
          200: z.object({ target: TargetView.nullable(), audit: AuditEntryView }),
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { scope, elementId, reason } = request.body;
      const goal = goalOf(request.body);
      const units = await listUnitScopes(deps.db, orgId);
      const scopeProblems =
        scope === ENTERPRISE_SCOPE || units.some((unit) => unit.id === scope)
          ? []
          : [{ path: '/scope', message: '"enterprise" or the id of a unit of the organisation' }];
      if (Array.isArray(goal) || scopeProblems.length > 0) {
        throw problems.invalidBody([...scopeProblems, ...(Array.isArray(goal) ? goal : [])]);
      }
      const change = await helpers.manualChange(deps.db, request, reason, now);
      const saved = await setElementTarget(deps.db, orgId, { scope, elementId, goal }, change);
      // Ranked actions favour the largest gap to target.
      await recomputeAfterChange(request, deps.scoreQueue, orgId);
      const current = await scoredElements(deps.db, orgId);
      return {
        target: saved.target && presentTargets([saved.target], current)[0]!,
        audit: presentAudit(saved.audit),
      };
    },
  );
}
