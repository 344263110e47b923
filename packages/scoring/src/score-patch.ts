import type { ScoreChangeEvent } from '@cxloop/contracts';
import type { ImprovementAction } from './actions.js';
import { SHOWN_POINTS_DECIMALS } from './diff.js';
import type { ElementScore } from './element.js';
import type { IndicatorScore } from './indicator.js';
import type { DimensionScore, FrameworkScore, StageGap } from './score.js';

/**
 * A live score update carries only what a reader would see change, so an open dashboard does not download the
 * whole score (~90 KB with its evidence trail) on every recompute. Values are rounded to the precision the
 * page shows: points to one decimal, shares, attainments and confidences to a tenth of a percent.
 */

/** Keys whose numbers are points (shown to SHOWN_POINTS_DECIMALS); every other fraction is a share or a reading. */
const POINT_KEYS = new Set(['points', 'max', 'total', 'gap']);
const SHOWN_SHARE_DECIMALS = 3;

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A deep copy of `value` with every fraction rounded to the precision it is shown at. */
export function atShownPrecision<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, field: unknown) =>
      typeof field === 'number' && !Number.isInteger(field)
        ? roundTo(field, POINT_KEYS.has(key) ? SHOWN_POINTS_DECIMALS : SHOWN_SHARE_DECIMALS)
        : field,
    ),
  ) as T;
}

export type DimensionHead = Omit<DimensionScore, 'elements'>;

/** An element that changed: its own figures, and only those of its indicators that changed. */
export interface ElementPatch extends Omit<ElementScore, 'indicators'> {
  readonly indicators: readonly IndicatorScore[];
}

export interface ScorePatch {
  readonly total: number;
  readonly max: number;
  readonly stage: FrameworkScore['stage'];
  readonly confidence: number;
  readonly groups: FrameworkScore['groups'];
  readonly coverage: FrameworkScore['coverage'];
  /** null when the new score has no target stage. */
  readonly gap: StageGap | null;
  readonly dimensions: readonly DimensionHead[];
  readonly elements: readonly ElementPatch[];
  /** Present only when the ranked actions changed. */
  readonly actions?: readonly ImprovementAction[];
}

/** A score change as it travels to live clients: the event with its patch. */
export type LiveScoreChange = ScoreChangeEvent & { readonly patch?: ScorePatch };

/** JSON with object keys in one order: a score read back from PostgreSQL (jsonb) has its keys reordered. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : field,
  );
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

function headOf<T extends object, K extends keyof T>(whole: T, omitted: K): Omit<T, K> {
  const { [omitted]: _, ...head } = whole;
  return head;
}

/**
 * What changed from `before` to `after` at the precision shown; `applyScorePatch(before, patch)` then shows
 * what `after` shows.
 *
 * @example scorePatch(yesterday, today).elements.map((element) => element.id) // ['D5.2']
 */
export function scorePatch(before: FrameworkScore, after: FrameworkScore): ScorePatch {
  const was = atShownPrecision(before);
  const now = atShownPrecision(after);
  const earlierDimensions = new Map(was.dimensions.map((dimension) => [dimension.id, dimension]));
  const earlierElements = new Map(
    was.dimensions.flatMap((dimension) =>
      dimension.elements.map((element) => [element.id, element] as const),
    ),
  );
  const dimensions: DimensionHead[] = [];
  const elements: ElementPatch[] = [];
  for (const dimension of now.dimensions) {
    const head = headOf(dimension, 'elements');
    const earlier = earlierDimensions.get(dimension.id);
    if (!earlier || !same(headOf(earlier, 'elements'), head)) dimensions.push(head);
    for (const element of dimension.elements) {
      const previous = earlierElements.get(element.id);
      const previousIndicators = new Map(previous?.indicators.map((indicator) => [indicator.id, indicator]));
      const indicators = element.indicators.filter(
        (indicator) => !same(previousIndicators.get(indicator.id), indicator),
      );
      const elementHead = headOf(element, 'indicators');
      if (indicators.length > 0 || !previous || !same(headOf(previous, 'indicators'), elementHead)) {
        elements.push({ ...elementHead, indicators });
      }
    }
  }
  return {
    total: now.total,
    max: now.max,
    stage: now.stage,
    confidence: now.confidence,
    groups: now.groups,
    coverage: now.coverage,
    gap: now.gap ?? null,
    dimensions,
    elements,
    ...(same(was.actions, now.actions) ? {} : { actions: now.actions }),
  };
}

/** `score` with a patch applied: the patch's figures replace those they name; the rest stays as it was. */
export function applyScorePatch(score: FrameworkScore, patch: ScorePatch): FrameworkScore {
  const dimensionHeads = new Map(patch.dimensions.map((dimension) => [dimension.id, dimension]));
  const elementPatches = new Map(patch.elements.map((element) => [element.id, element]));
  const patchElement = (element: ElementScore): ElementScore => {
    const changed = elementPatches.get(element.id);
    if (!changed) return element;
    const indicators = new Map(changed.indicators.map((indicator) => [indicator.id, indicator]));
    return {
      ...changed,
      indicators: element.indicators.map((indicator) => indicators.get(indicator.id) ?? indicator),
    };
  };
  const { gap, dimensions: _dimensions, elements: _elements, actions, ...head } = patch;
  const { gap: _previousGap, ...rest } = score;
  return {
    ...rest,
    ...head,
    ...(gap === null ? {} : { gap }),
    actions: actions ?? score.actions,
    dimensions: score.dimensions.map((dimension) => ({
      ...dimension,
      ...dimensionHeads.get(dimension.id),
      elements: dimension.elements.map(patchElement),
    })),
  };
}
