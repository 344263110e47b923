import type { ElementTarget, ObjectiveRating, StaffObjectiveView } from './evidence.js';
import type { IndicatorScore } from './indicator.js';
import type { DimensionId, Element, ElementId } from './model.js';
import { type ObjectiveScore, scoreObjective } from './objective.js';
import { type StageBand, type StageId, stageForShare } from './stages.js';

/** The framework's split of an element's points: 70 % indicators, 30 % statement of objective. */
export const INDICATOR_SHARE = 0.7;
export const OBJECTIVE_SHARE = 0.3;

/** An element's target as resolved against its maximum, and how far the element is from it. */
export interface ElementTargetGap {
  /** The points aimed for: targetPoints, or the target stage's lower edge × max, whichever is higher. */
  readonly points: number;
  readonly stage?: StageId;
  /** Points still missing (0 once reached). */
  readonly gap: number;
}

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
  readonly target?: ElementTargetGap;
}

/** What an element is scored against besides its indicators. */
export interface ElementContext {
  readonly max: number;
  readonly bands: readonly StageBand[];
  readonly rating?: ObjectiveRating | undefined;
  readonly staffView?: StaffObjectiveView | undefined;
  readonly target?: ElementTarget | undefined;
  /** The stage the element held in the previous score (for hysteresis). */
  readonly heldStage?: StageId | undefined;
}

/**
 * Combines an element's indicator results and objective into points:
 * points = max × (0.7 × indicator attainment + 0.3 × objective achievement).
 * Missing indicators and an unrated objective earn nothing: points are only given for practice something shows.
 *
 * @example scoreElement(element, indicators, { max: 50, bands: defaultStageBands, rating })
 */
export function scoreElement(
  element: Element,
  indicators: readonly IndicatorScore[],
  context: ElementContext,
): ElementScore {
  const { max, bands } = context;
  const count = indicators.length;
  const attainment = indicators.reduce((sum, indicator) => sum + (indicator.attainment ?? 0), 0) / count;
  const indicatorConfidence = indicators.reduce((sum, indicator) => sum + indicator.confidence, 0) / count;
  const missing = indicators
    .filter((indicator) => indicator.status === 'missing')
    .map((indicator) => indicator.id);
  const objective = scoreObjective(context.rating, context.staffView);
  const points = max * (INDICATOR_SHARE * attainment + OBJECTIVE_SHARE * objective.achievement);
  const share = max > 0 ? points / max : 0;
  const target = context.target === undefined ? undefined : targetGap(context.target, points, max, bands);
  return {
    id: element.id,
    dimensionId: element.dimensionId,
    name: element.name,
    points,
    max,
    share,
    attainment,
    objective,
    stage: stageForShare(share, bands, context.heldStage).stage,
    confidence: INDICATOR_SHARE * indicatorConfidence + OBJECTIVE_SHARE * objective.confidence,
    missing,
    indicators,
    ...(target === undefined ? {} : { target }),
  };
}

function targetGap(
  target: ElementTarget,
  points: number,
  max: number,
  bands: readonly StageBand[],
): ElementTargetGap {
  const stageEdge = bands.find((band) => band.stage === target.targetStage)?.minShare ?? 0;
  const aimed = Math.max(target.targetPoints ?? 0, stageEdge * max);
  return {
    points: aimed,
    ...(target.targetStage === undefined ? {} : { stage: target.targetStage }),
    // Kept to a millionth of a point, so a target met exactly shows no gap of floating-point noise.
    gap: Math.max(0, Math.round((aimed - points) * 1e6) / 1e6),
  };
}
