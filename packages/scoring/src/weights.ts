import { allElements, cemFramework, findElement } from './framework/index.js';
import type { DimensionId, ElementId } from './model.js';

/** Points per element id. */
export type ElementWeights = Readonly<Record<ElementId, number>>;

/** An organisation's changes to element points; elements left out keep their default. */
export type WeightOverrides = Readonly<Partial<Record<ElementId, number>>>;

/** A weight override that would break the framework; names the dimension or element at fault. */
export class WeightError extends Error {
  override readonly name = 'WeightError';
  constructor(
    message: string,
    readonly at: { readonly dimensionId?: DimensionId; readonly elementId?: ElementId },
  ) {
    super(message);
  }
}

/** The default points: Define, Design, Develop 20 per element; Deploy, Discover, Devise 50 per element. */
export const defaultWeights: ElementWeights = Object.fromEntries(
  allElements.map((element) => [element.id, element.points]),
);

// Sums of decimal weights such as 12.5 + 7.5 are not always exact in binary floating point.
const SUM_TOLERANCE = 1e-9;

/**
 * Applies overrides to the default points and checks that every dimension still adds up to its total, so the
 * framework keeps 1000 points (Alignment 400, Performance 600). Throws a WeightError naming the first unknown
 * element, invalid value or dimension whose elements no longer add up.
 *
 * @example validateWeights({ 'D1.1': 30, 'D1.2': 10 }) // Define still 100: ok
 * @example validateWeights({ 'D5.1': 60 }) // throws: Discover (D5) elements add up to 260, expected 250
 */
export function validateWeights(overrides: WeightOverrides = {}): ElementWeights {
  for (const [elementId, points] of Object.entries(overrides)) {
    if (findElement(elementId) === undefined) {
      throw new WeightError(`unknown element "${elementId}" in weight overrides`, { elementId });
    }
    if (points === undefined || !Number.isFinite(points) || points < 0) {
      throw new WeightError(`element ${elementId}: points must be a finite number ≥ 0, got ${points}`, {
        elementId,
      });
    }
  }
  const weights: ElementWeights = { ...defaultWeights, ...overrides } as ElementWeights;
  for (const dimension of cemFramework.dimensions) {
    const sum = dimension.elements.reduce((total, element) => total + (weights[element.id] ?? 0), 0);
    if (Math.abs(sum - dimension.points) > SUM_TOLERANCE) {
      throw new WeightError(
        `${dimension.name} (${dimension.id}) elements add up to ${sum} points, expected ${dimension.points}`,
        { dimensionId: dimension.id },
      );
    }
  }
  return weights;
}
