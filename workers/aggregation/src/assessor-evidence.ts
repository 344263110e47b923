import {
  type Db,
  ENTERPRISE_SCOPE,
  listElementTargets,
  listIndicatorOverrides,
  listObjectiveRatings,
  type ScoreScope,
} from '@cxloop/db';
import type { Evidence, StageId } from '@cxloop/scoring';

/**
 * What assessors put in by hand, as scoring evidence: the current objective rating of each element and the
 * indicator overrides (organisation-wide, so every scope is judged on the same ratings), and the scope's
 * own targets. The API validated ids, levels and ranges when they were stored.
 */
export async function assessorEvidence(
  db: Db,
  scope: ScoreScope,
): Promise<Pick<Evidence, 'objectives' | 'overrides' | 'targets'>> {
  const [ratings, overrides, targets] = await Promise.all([
    listObjectiveRatings(db, scope.orgId),
    listIndicatorOverrides(db, scope.orgId),
    listElementTargets(db, scope.orgId, scope.unitId ?? ENTERPRISE_SCOPE),
  ]);
  return {
    objectives: ratings.map((rating) => ({
      elementId: rating.element_id,
      level: rating.level,
      reason: rating.reason,
      ratedBy: rating.rated_by,
      ratedAt: rating.rated_at.toISOString(),
    })),
    overrides: overrides.map((override) => ({
      indicatorId: override.indicator_id,
      attainment: override.attainment,
      reason: override.reason,
      by: override.set_by,
      at: override.set_at.toISOString(),
    })),
    targets: targets.map((target) => ({
      elementId: target.element_id,
      ...(target.target_points === null ? {} : { targetPoints: target.target_points }),
      ...(target.target_stage === null ? {} : { targetStage: target.target_stage as StageId }),
    })),
  };
}
