import {
  type ActionPlan,
  actionReferencesExist,
  type Db,
  findRisingIssue,
  loadTextSettings,
  measurableOnScope,
} from '@cxloop/db';
import { type ElementId, findElement, findIndicator, type IndicatorId } from '@cxloop/scoring';
import { DEFAULT_TOPICS } from '@cxloop/text';
import type { FieldProblem } from '../../problems.js';
import type { CreateActionBody } from './schemas.js';

/**
 * What the schema cannot see about a plan: the due date against the start, a scope that names something the
 * organisation has (unit, declared touchpoint, a topic of the analysis) and that the rollups can measure
 * the metric over, and an owner of the same organisation. Paths point at the body's fields.
 */
export async function planProblems(db: Db, orgId: string, plan: ActionPlan): Promise<FieldProblem[]> {
  const { scope, owner } = plan;
  const problems: FieldProblem[] = [];
  if (plan.dueDate < plan.startDate) {
    problems.push({ path: '/dueDate', message: `the due date lies before the start date ${plan.startDate}` });
  }
  if (scope.unitId === null && scope.channel === null && scope.touchpoint === null && scope.topic === null) {
    problems.push({ path: '/scope', message: 'name at least one of unit, channel, touchpoint or topic' });
  }
  if (scope.topic !== null && scope.touchpoint !== null) {
    problems.push({
      path: '/scope/touchpoint',
      message: 'a scope has a topic or a touchpoint, not both (no rollup keeps topics per touchpoint)',
    });
  }
  if (!measurableOnScope(plan.metric, scope)) {
    problems.push({
      path: '/metric',
      message:
        plan.metric === 'topic_share'
          ? 'a topic share needs a topic in the scope'
          : `${plan.metric} is not kept per topic; choose NPS, CSAT or sentiment for a topic scope`,
    });
  }
  const [exists, textSettings] = await Promise.all([
    actionReferencesExist(db, orgId, {
      unitId: scope.unitId,
      teamId: owner.teamId,
      memberId: owner.memberId,
      touchpoint: scope.touchpoint,
    }),
    scope.topic === null ? null : loadTextSettings(db, orgId),
  ]);
  if (!exists.unit)
    problems.push({ path: '/scope/unitId', message: 'no unit with this id in the organisation' });
  if (!exists.touchpoint) {
    problems.push({ path: '/scope/touchpoint', message: 'no touchpoint with this key in the journey' });
  }
  if (textSettings !== null) {
    const topics = new Set([
      ...DEFAULT_TOPICS.map((topic) => topic.id),
      ...textSettings.topics.map((t) => t.id),
    ]);
    if (!topics.has(scope.topic!)) {
      problems.push({ path: '/scope/topic', message: 'not a topic of the analysis' });
    }
  }
  if (!exists.team)
    problems.push({ path: '/owner/teamId', message: 'no team with this id in the organisation' });
  if (!exists.member) {
    problems.push({ path: '/owner/memberId', message: 'no member with this id in the organisation' });
  }
  return problems;
}

/** The origin must exist: a rising issue of this organisation, or an indicator or element of the framework. */
export async function originProblems(
  db: Db,
  orgId: string,
  origin: CreateActionBody['origin'],
): Promise<FieldProblem[]> {
  if (origin.kind === 'rising_issue') {
    const issue = await findRisingIssue(db, orgId, origin.risingIssueId);
    return issue
      ? []
      : [{ path: '/origin/risingIssueId', message: 'no rising issue with this id in the organisation' }];
  }
  if (origin.kind === 'ranked_action') {
    const known = findIndicator(origin.ref as IndicatorId) ?? findElement(origin.ref as ElementId);
    return known ? [] : [{ path: '/origin/ref', message: 'not an indicator or element of the framework' }];
  }
  return [];
}
