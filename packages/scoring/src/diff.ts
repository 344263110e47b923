import { type ElementScore, INDICATOR_SHARE, OBJECTIVE_SHARE } from './element.js';
import type { EvidenceListed, EvidenceUsed } from './indicator.js';
import type { DimensionId, ElementId, IndicatorId } from './model.js';
import type { ObjectiveLevel, ObjectiveScore } from './objective.js';
import type { FrameworkScore } from './score.js';
import type { StageId } from './stages.js';

/** Changes smaller than this are floating-point noise, not movement. */
const MOVEMENT = 1e-9;

/** Points are shown to one decimal (e.g. 512.3); a change that does not show at that precision is no change. */
export const SHOWN_POINTS_DECIMALS = 1;

const shown = (points: number) => Math.round(points * 10 ** SHOWN_POINTS_DECIMALS);

/** Whether two point values read the same at the precision shown (a move between them would show "+0.0"). */
export const sameShownPoints = (a: number, b: number) => shown(a) === shown(b);

/**
 * Whether `after` differs from `before` in anything a reader sees: the total, a dimension's or an element's
 * points at the precision shown, or a stage. A recompute that changes nothing visible writes no history entry
 * and sends no event; the next visible change is then explained against `before`, so small drifts add up
 * instead of vanishing.
 *
 * @example movedVisibly(scoreAt500_00, scoreAt500_04) // false: both show 500
 */
export function movedVisibly(before: FrameworkScore, after: FrameworkScore): boolean {
  if (before.stage !== after.stage || shown(before.total) !== shown(after.total)) return true;
  const earlier = new Map<string, { points: number; stage: StageId }>();
  for (const dimension of before.dimensions) {
    earlier.set(dimension.id, dimension);
    for (const element of dimension.elements) earlier.set(element.id, element);
  }
  const differs = (part: { id: string; points: number; stage: StageId }) => {
    const was = earlier.get(part.id);
    return was === undefined || was.stage !== part.stage || shown(was.points) !== shown(part.points);
  };
  return after.dimensions.some((dimension) => differs(dimension) || dimension.elements.some(differs));
}

export interface Movement {
  readonly before: number;
  readonly after: number;
  readonly delta: number;
}

/** A piece of evidence that changed: a metric or the staff survey, with its reading before and after. */
export interface EvidenceChange {
  /** The metric id, or `staff_survey`. */
  readonly source: string;
  readonly before?: { readonly value: number; readonly sampleSize: number };
  readonly after?: { readonly value: number; readonly sampleSize: number };
}

/** Why an element moved; `points` of all causes add up to the element's delta. */
export type Cause =
  | {
      readonly kind: 'indicator';
      readonly indicatorId: IndicatorId;
      readonly attainmentBefore: number | null;
      readonly attainmentAfter: number | null;
      readonly points: number;
      readonly evidence: readonly EvidenceChange[];
    }
  | {
      readonly kind: 'objective';
      readonly levelBefore: ObjectiveLevel | null;
      readonly levelAfter: ObjectiveLevel | null;
      readonly sourceAfter: ObjectiveScore['source'];
      readonly points: number;
    }
  | {
      readonly kind: 'weight';
      readonly maxBefore: number;
      readonly maxAfter: number;
      readonly points: number;
    };

export interface ElementChange extends Movement {
  readonly elementId: ElementId;
  readonly name: string;
  readonly stageBefore: StageId;
  readonly stageAfter: StageId;
  /** Largest effect first. */
  readonly causes: readonly Cause[];
}

export interface ScoreDiff {
  readonly total: Movement;
  readonly stageBefore: StageId;
  readonly stageAfter: StageId;
  readonly dimensions: readonly (Movement & { readonly dimensionId: DimensionId })[];
  /** Elements that moved, largest movement first. */
  readonly elements: readonly ElementChange[];
}

/**
 * Which elements moved between two scores, by how much, and because of which evidence. Each element's delta
 * is split exactly into its indicators' contributions, the objective's, and any change of the element's weight.
 *
 * @example diffScores(lastWeek, today).elements[0] // { elementId: 'D5.2', delta: 4.2, causes: [...] }
 */
export function diffScores(before: FrameworkScore, after: FrameworkScore): ScoreDiff {
  const beforeElements = new Map(
    before.dimensions.flatMap((dimension) => dimension.elements).map((element) => [element.id, element]),
  );
  const elements: ElementChange[] = [];
  for (const element of after.dimensions.flatMap((dimension) => dimension.elements)) {
    const previous = beforeElements.get(element.id);
    if (previous === undefined) continue;
    const delta = element.points - previous.points;
    if (Math.abs(delta) < MOVEMENT) continue;
    elements.push({
      elementId: element.id,
      name: element.name,
      before: previous.points,
      after: element.points,
      delta,
      stageBefore: previous.stage,
      stageAfter: element.stage,
      causes: causesOf(previous, element, delta),
    });
  }
  elements.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.elementId < b.elementId ? -1 : 1));

  const dimensions = after.dimensions.flatMap((dimension) => {
    const previous = before.dimensions.find((candidate) => candidate.id === dimension.id);
    if (previous === undefined) return [];
    const movement = movementOf(previous.points, dimension.points);
    return Math.abs(movement.delta) < MOVEMENT ? [] : [{ dimensionId: dimension.id, ...movement }];
  });

  return {
    total: movementOf(before.total, after.total),
    stageBefore: before.stage,
    stageAfter: after.stage,
    dimensions,
    elements,
  };
}

function movementOf(before: number, after: number): Movement {
  return { before, after, delta: after - before };
}

/**
 * Splits an element's delta exactly: each indicator's and the objective's change are valued at the new
 * maximum, and a change of weight is valued at the old share, so the parts add up to the delta.
 */
function causesOf(before: ElementScore, after: ElementScore, delta: number): Cause[] {
  const perIndicator = (after.max * INDICATOR_SHARE) / after.indicators.length;
  const causes: Cause[] = [];
  after.indicators.forEach((indicator, index) => {
    const previous = before.indicators[index]!;
    const points = perIndicator * ((indicator.attainment ?? 0) - (previous.attainment ?? 0));
    const evidence = evidenceChanges(previous.evidence, indicator.evidence);
    if (Math.abs(points) < MOVEMENT && evidence.length === 0) return;
    causes.push({
      kind: 'indicator',
      indicatorId: indicator.id,
      attainmentBefore: previous.attainment,
      attainmentAfter: indicator.attainment,
      points,
      evidence,
    });
  });
  const objectivePoints =
    after.max * OBJECTIVE_SHARE * (after.objective.achievement - before.objective.achievement);
  if (Math.abs(objectivePoints) >= MOVEMENT) {
    causes.push({
      kind: 'objective',
      levelBefore: before.objective.level,
      levelAfter: after.objective.level,
      sourceAfter: after.objective.source,
      points: objectivePoints,
    });
  }
  if (after.max !== before.max) {
    // What the new weight alone does to the old result; computed as the remainder so the parts add up exactly.
    const explained = causes.reduce((total, cause) => total + cause.points, 0);
    causes.push({ kind: 'weight', maxBefore: before.max, maxAfter: after.max, points: delta - explained });
  }
  return causes.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
}

/** The evidence that carried weight; a survey item held back (too few respondents) has no reading to show. */
function readings(listed: readonly EvidenceListed[]) {
  const reading = (used: EvidenceUsed) =>
    used.source === 'metric'
      ? { key: used.metric, value: used.value, sampleSize: used.sampleSize }
      : { key: 'staff_survey', value: used.mean, sampleSize: used.respondents };
  return new Map(
    listed
      .filter((entry): entry is EvidenceUsed => entry.source !== 'survey_held_back')
      .map((used) => [reading(used).key, reading(used)]),
  );
}

function evidenceChanges(
  before: readonly EvidenceListed[],
  after: readonly EvidenceListed[],
): EvidenceChange[] {
  const previous = readings(before);
  const current = readings(after);
  const changes: EvidenceChange[] = [];
  for (const key of new Set([...previous.keys(), ...current.keys()])) {
    const was = previous.get(key);
    const is = current.get(key);
    if (was?.value === is?.value && was?.sampleSize === is?.sampleSize) continue;
    changes.push({
      source: key,
      ...(was === undefined ? {} : { before: { value: was.value, sampleSize: was.sampleSize } }),
      ...(is === undefined ? {} : { after: { value: is.value, sampleSize: is.sampleSize } }),
    });
  }
  return changes;
}
