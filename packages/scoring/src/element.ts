import type { ObjectiveRatings } from './evidence.js';
import type { IndicatorScore } from './indicator.js';
import type { DimensionId, Element, ElementId } from './model.js';
import { type ObjectiveScore, scoreObjective } from './objective.js';
import { type StageBand, type StageId, stageForShare } from './stages.js';

/** The framework's split of an element's points: 70 % indicators, 30 % statement of objective. */
export const INDICATOR_SHARE = 0.7;
export const OBJECTIVE_SHARE = 0.3;

export interface ElementScore {
  readonly id: ElementId;
  readonly dimensionId: DimensionId;
  readonly name: string;
  readonly points: number;
  readonly max: number;
  /** points ÷ max, 0–1 (0 when the element carries no points). */
  readonly share: number;
  /** Mean indicator attainment 0–1; a missing indicator counts as 0 (and is listed in `missing`). */
  readonly attainment: number;
  readonly objective: ObjectiveScore;
  readonly stage: StageId;
  readonly confidence: number;
  /** Ids of indicators with no evidence yet. */
  readonly missing: readonly string[];
  readonly indicators: readonly IndicatorScore[];
}

/**
 * Combines an element's indicator results and objective into points:
 * points = max × (0.7 × indicator attainment + 0.3 × objective achievement).
 * Missing indicators earn nothing: points are only given for practice something shows.
 *
 * @example scoreElement(element, 50, indicators, { elementId: 'D5.2', fully: 1, partially: 0, notYet: 0 })
 */
export function scoreElement(
  element: Element,
  max: number,
  indicators: readonly IndicatorScore[],
  ratings: ObjectiveRatings | undefined,
  bands: readonly StageBand[],
): ElementScore {
  const count = indicators.length;
  const attainment = indicators.reduce((sum, indicator) => sum + (indicator.attainment ?? 0), 0) / count;
  const indicatorConfidence = indicators.reduce((sum, indicator) => sum + indicator.confidence, 0) / count;
  const missing = indicators
    .filter((indicator) => indicator.status === 'missing')
    .map((indicator) => indicator.id);
  const objective = scoreObjective(ratings, {
    attainment,
    confidence: indicatorConfidence,
    measured: count - missing.length,
  });
  const points = max * (INDICATOR_SHARE * attainment + OBJECTIVE_SHARE * objective.achievement);
  const share = max > 0 ? points / max : 0;
  return {
    id: element.id,
    dimensionId: element.dimensionId,
    name: element.name,
    points,
    max,
    share,
    attainment,
    objective,
    stage: stageForShare(share, bands).stage,
    confidence: INDICATOR_SHARE * indicatorConfidence + OBJECTIVE_SHARE * objective.confidence,
    missing,
    indicators,
  };
}
