import type { ElementTarget } from '@cxloop/db';
import { defaultStageBands } from '@cxloop/scoring';

/** A stage's lower edge as points of an element worth `max` points. */
export function pointsToReachStage(stage: string, max: number): number | undefined {
  const band = defaultStageBands.find((candidate) => candidate.stage === stage);
  return band === undefined ? undefined : band.minShare * max;
}

/** The points a target stands for: its points, or the lower edge of its stage. */
export function targetPoints(
  target: Pick<ElementTarget, 'target_points' | 'target_stage'>,
  max: number,
): number {
  if (target.target_points !== null) return target.target_points;
  return pointsToReachStage(target.target_stage ?? '', max) ?? max;
}

/**
 * How far an element is from its target: points still needed, 0 once reached.
 *
 * @example targetGap({ target_points: null, target_stage: 'align' }, 50, 20) // 15 (70 % of 50 is 35)
 */
export function targetGap(
  target: Pick<ElementTarget, 'target_points' | 'target_stage'>,
  max: number,
  current: number,
): number {
  return Math.max(0, targetPoints(target, max) - current);
}
