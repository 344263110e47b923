import type { DimensionId, Element, ElementId, Framework, Indicator, IndicatorId } from '../model.js';
import { define } from './define.js';
import { deploy } from './deploy.js';
import { design } from './design.js';
import { develop } from './develop.js';
import { devise } from './devise.js';
import { discover } from './discover.js';

/**
 * The CEM framework as data: six dimensions, 32 elements, their indicators and default points (1000 in all:
 * Alignment 400, Performance 600, 50 per Discover element).
 */
export const cemFramework: Framework = {
  totalPoints: 1000,
  groups: { alignment: 400, performance: 600 },
  dimensions: [define, design, develop, deploy, discover, devise],
};

/** Every element, in framework order (D1.1 … D6.5). */
export const allElements: readonly Element[] = cemFramework.dimensions.flatMap(
  (dimension) => dimension.elements,
);

/** Every indicator, in framework order (D1.1.1 … D6.5.4). */
export const allIndicators: readonly Indicator[] = allElements.flatMap((element) => element.indicators);

const elementsById = new Map(allElements.map((element) => [element.id, element]));
const indicatorsById = new Map(allIndicators.map((indicator) => [indicator.id, indicator]));

/**
 * The element with this id, or undefined.
 *
 * @example findElement('D5.2')?.name // 'Feedback Channels'
 */
export function findElement(id: ElementId): Element | undefined {
  return elementsById.get(id);
}

/**
 * The indicator with this id, or undefined.
 *
 * @example findIndicator('D5.2.1')?.evidence.metrics[0]?.metric // 'active_channels_30d'
 */
export function findIndicator(id: IndicatorId): Indicator | undefined {
  return indicatorsById.get(id);
}

/** Which part of the framework to list: whole dimensions, single elements, or both (the union). */
export interface IndicatorSelection {
  readonly dimensions?: readonly DimensionId[];
  readonly elements?: readonly ElementId[];
}

/**
 * The indicators of the chosen dimensions and elements, in framework order; everything when nothing is chosen.
 * Throws on an id the framework does not have, so a typo in a survey definition fails loudly.
 *
 * @example listIndicators({ elements: ['D5.1'] }).map((i) => i.id) // ['D5.1.1', …, 'D5.1.5']
 */
export function listIndicators(selection: IndicatorSelection = {}): readonly Indicator[] {
  const dimensions = new Set(selection.dimensions ?? []);
  const elements = new Set(selection.elements ?? []);
  for (const id of dimensions) {
    if (!cemFramework.dimensions.some((dimension) => dimension.id === id)) {
      throw new RangeError(`unknown dimension "${id}"; expected one of D1 … D6`);
    }
  }
  for (const id of elements) {
    if (!elementsById.has(id)) throw new RangeError(`unknown element "${id}"; expected an id such as D5.2`);
  }
  if (dimensions.size === 0 && elements.size === 0) return allIndicators;
  return allIndicators.filter(
    (indicator) => dimensions.has(indicator.dimensionId) || elements.has(indicator.elementId),
  );
}

/**
 * The Likert item shown to staff for an indicator.
 *
 * @example surveyItemText(findIndicator('D5.1.5')!) // 'In our organisation, customers are thanked …'
 */
export function surveyItemText(indicator: Indicator): string {
  return `In our organisation, ${indicator.statement}.`;
}
