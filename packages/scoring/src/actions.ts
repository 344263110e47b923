import { type ElementScore, OBJECTIVE_SHARE, scoreElement } from './element.js';
import { findElement, findIndicator } from './framework/index.js';
import type { MetricId } from './metrics.js';
import type { ElementId, IndicatorId } from './model.js';
import { defaultStageBands } from './stages.js';

/**
 * Gains are kept to a millionth of a point: finer digits are floating-point noise, and rounding lets equal gains
 * tie exactly so they fall back to framework order.
 */
const GAIN_PRECISION = 1e6;

/**
 * One improvement action: rate an element's objective, or raise an indicator to full attainment (or first show
 * evidence for it). The ranked list is the framework's "high-priority action items" (D6.2).
 */
export interface ImprovementAction {
  readonly rank: number;
  /** Null for `rate_objective`. */
  readonly indicatorId: IndicatorId | null;
  readonly elementId: ElementId;
  readonly elementName: string;
  /** The indicator's statement, or the element's statement of objective for `rate_objective`. */
  readonly statement: string;
  /**
   * `rate_objective` when no assessor has rated the element's objective; `gather_evidence` when the indicator is
   * missing; `improve_practice` when it is measured (or overridden) below 1.
   */
  readonly kind: 'rate_objective' | 'gather_evidence' | 'improve_practice';
  readonly attainment: number | null;
  /** Points the total gains at best: the objective rated Fully, or the indicator at full attainment. */
  readonly pointsAvailable: number;
  /** Points the element still lacks to reach its target; 0 without a target or once reached. */
  readonly gapToTarget: number;
  /** What would show the improvement: the indicator's metrics, then its staff survey item; or the assessor. */
  readonly evidence: readonly (MetricId | 'staff_survey' | 'assessor_rating')[];
}

/**
 * Ranks the actions: elements short of a target come first, the largest gap first (a target is the
 * organisation saying where it wants to improve); then, and within an element, the most points first; ties in
 * framework order, with an element's objective before its indicators. Returns the first `limit`.
 *
 * @example rankImprovementActions(score.dimensions.flatMap((d) => d.elements), 5)[0]?.kind // 'rate_objective'
 */
export function rankImprovementActions(
  elements: readonly ElementScore[],
  limit: number,
): ImprovementAction[] {
  const candidates = elements.flatMap((score) => [...rateObjectiveAction(score), ...indicatorActions(score)]);
  candidates.sort(
    (a, b) =>
      b.gapToTarget - a.gapToTarget ||
      b.pointsAvailable - a.pointsAvailable ||
      byFrameworkOrder(a.indicatorId ?? a.elementId, b.indicatorId ?? b.elementId),
  );
  return candidates.slice(0, limit).map((candidate, index) => ({ rank: index + 1, ...candidate }));
}

type Candidate = Omit<ImprovementAction, 'rank'>;

const roundGain = (points: number) => Math.round(points * GAIN_PRECISION) / GAIN_PRECISION;

function rateObjectiveAction(score: ElementScore): Candidate[] {
  if (score.objective.source !== 'unrated' || score.max === 0) return [];
  return [
    {
      indicatorId: null,
      elementId: score.id,
      elementName: score.name,
      statement: findElement(score.id)!.objective,
      kind: 'rate_objective',
      attainment: null,
      pointsAvailable: roundGain(score.max * OBJECTIVE_SHARE),
      gapToTarget: score.target?.gap ?? 0,
      evidence: ['assessor_rating'],
    },
  ];
}

function indicatorActions(score: ElementScore): Candidate[] {
  const element = findElement(score.id)!;
  const context = {
    max: score.max,
    bands: defaultStageBands,
    ...(score.objective.rating === undefined ? {} : { rating: score.objective.rating }),
  };
  return score.indicators.flatMap((indicator, index): Candidate[] => {
    if (indicator.attainment === 1) return [];
    const improved = score.indicators.map((other, otherIndex) =>
      otherIndex === index ? { ...other, status: 'measured' as const, attainment: 1 } : other,
    );
    const gain = roundGain(scoreElement(element, improved, context).points - score.points);
    if (gain <= 0) return [];
    const declared = findIndicator(indicator.id)!.evidence;
    return [
      {
        indicatorId: indicator.id,
        elementId: score.id,
        elementName: score.name,
        statement: indicator.statement,
        kind: indicator.status === 'missing' ? 'gather_evidence' : 'improve_practice',
        attainment: indicator.attainment,
        pointsAvailable: gain,
        gapToTarget: score.target?.gap ?? 0,
        evidence: [...declared.metrics.map((rule) => rule.metric), 'staff_survey'],
      },
    ];
  });
}

/** Framework order of element and indicator ids (D5.2.10 after D5.2.9, D5.2 before D5.2.1), locale-free. */
function byFrameworkOrder(a: string, b: string): number {
  const partsA = a.slice(1).split('.').map(Number);
  const partsB = b.slice(1).split('.').map(Number);
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const difference = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
