import { type ElementScore, scoreElement } from './element.js';
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
 * One improvement action: raise an indicator to full attainment (or first show evidence for it). The ranked
 * list is the framework's "high-priority action items" (D6.2): the indicators whose improvement gains the most.
 */
export interface ImprovementAction {
  readonly rank: number;
  readonly indicatorId: IndicatorId;
  readonly elementId: ElementId;
  readonly elementName: string;
  readonly statement: string;
  /** `gather_evidence` when the indicator is missing; `improve_practice` when it is measured below 1. */
  readonly kind: 'gather_evidence' | 'improve_practice';
  readonly attainment: number | null;
  /** Points the total gains if the indicator reaches full attainment, objective effect included. */
  readonly pointsAvailable: number;
  /** The evidence that would show the improvement: the indicator's metrics, then its staff survey item. */
  readonly evidence: readonly (MetricId | 'staff_survey')[];
}

/**
 * Ranks every indicator below full attainment by the points its full attainment would add (ties by id, so the
 * order is stable), and returns the first `limit`.
 *
 * @example rankImprovementActions(score.dimensions.flatMap((d) => d.elements), 5)[0]?.indicatorId // 'D5.2.5'
 */
export function rankImprovementActions(
  elements: readonly ElementScore[],
  limit: number,
): ImprovementAction[] {
  const candidates: Omit<ImprovementAction, 'rank'>[] = [];
  for (const score of elements) {
    const element = findElement(score.id)!;
    score.indicators.forEach((indicator, index) => {
      if (indicator.attainment === 1) return;
      const improved = score.indicators.map((other, otherIndex) =>
        otherIndex === index ? { ...other, status: 'measured' as const, attainment: 1 } : other,
      );
      const after = scoreElement(element, score.max, improved, score.objective.ratings, defaultStageBands);
      const gain = Math.round((after.points - score.points) * GAIN_PRECISION) / GAIN_PRECISION;
      if (gain <= 0) return;
      const declared = findIndicator(indicator.id)!.evidence;
      candidates.push({
        indicatorId: indicator.id,
        elementId: score.id,
        elementName: score.name,
        statement: indicator.statement,
        kind: indicator.status === 'missing' ? 'gather_evidence' : 'improve_practice',
        attainment: indicator.attainment,
        pointsAvailable: gain,
        evidence: [...declared.metrics.map((rule) => rule.metric), 'staff_survey'],
      });
    });
  }
  candidates.sort(
    (a, b) => b.pointsAvailable - a.pointsAvailable || byFrameworkOrder(a.indicatorId, b.indicatorId),
  );
  return candidates.slice(0, limit).map((candidate, index) => ({ rank: index + 1, ...candidate }));
}

/** Framework order of indicator ids (D5.2.10 after D5.2.9), independent of locale. */
function byFrameworkOrder(a: IndicatorId, b: IndicatorId): number {
  const partsA = a.slice(1).split('.').map(Number);
  const partsB = b.slice(1).split('.').map(Number);
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const difference = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
