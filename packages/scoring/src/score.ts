import { type ImprovementAction, rankImprovementActions } from './actions.js';
import { type ElementScore, scoreElement } from './element.js';
import { type Evidence, EvidenceError, indexEvidence } from './evidence.js';
import { cemFramework } from './framework/index.js';
import { scoreIndicator } from './indicator.js';
import type { DimensionGroup, DimensionId, ElementId } from './model.js';
import {
  defaultStageBands,
  type StageBand,
  type StageId,
  stageForShare,
  validateStageBands,
} from './stages.js';
import { validateWeights, type WeightOverrides } from './weights.js';

export interface ScoreOptions {
  /** The organisation's element points; validated against the dimension totals. */
  readonly weights?: WeightOverrides;
  /** Stage bands to use instead of the defaults; validated. */
  readonly stageBands?: readonly StageBand[];
  /** A stage to aim for: the result then says how many points are missing to reach it. */
  readonly targetStage?: StageId;
  /** How many improvement actions to list (default 10). */
  readonly maxActions?: number;
  /** The stages of the previous score of the same scope, for hysteresis (see STAGE_HYSTERESIS). */
  readonly heldStages?: HeldStages;
}

/** The stages a scope held: overall, per dimension and per element. */
export interface HeldStages {
  readonly total: StageId;
  readonly dimensions: Readonly<Partial<Record<DimensionId, StageId>>>;
  readonly elements: Readonly<Record<ElementId, StageId>>;
}

/**
 * The stages a score holds, to pass as `heldStages` to the next score of the same scope.
 *
 * @example scoreFramework(evidence, { heldStages: heldStagesOf(previous) })
 */
export function heldStagesOf(score: FrameworkScore): HeldStages {
  const elements: Record<ElementId, StageId> = {};
  const dimensions: Partial<Record<DimensionId, StageId>> = {};
  for (const dimension of score.dimensions) {
    dimensions[dimension.id] = dimension.stage;
    for (const element of dimension.elements) elements[element.id] = element.stage;
  }
  return { total: score.stage, dimensions, elements };
}

export interface DimensionScore {
  readonly id: DimensionId;
  readonly name: string;
  readonly group: DimensionGroup;
  readonly points: number;
  readonly max: number;
  /** points ÷ max, 0–1. */
  readonly attainment: number;
  readonly stage: StageId;
  /** Points-weighted mean of the elements' confidence. */
  readonly confidence: number;
  readonly elements: readonly ElementScore[];
}

/** How far a score is from a target stage, overall and per dimension. */
export interface StageGap {
  readonly target: StageId;
  readonly reached: boolean;
  /** Points still needed overall (0 once reached). */
  readonly points: number;
  /** Points each dimension still needs to reach the target stage on its own. */
  readonly dimensions: readonly { readonly id: DimensionId; readonly points: number }[];
}

export interface FrameworkScore {
  readonly total: number;
  readonly max: number;
  readonly stage: StageId;
  readonly confidence: number;
  readonly groups: Readonly<Record<DimensionGroup, { readonly points: number; readonly max: number }>>;
  /** How many indicators have evidence, and which have none. */
  readonly coverage: { readonly indicators: number; readonly measured: number; readonly missing: number };
  readonly dimensions: readonly DimensionScore[];
  readonly gap?: StageGap;
  readonly actions: readonly ImprovementAction[];
}

const DEFAULT_MAX_ACTIONS = 10;

/**
 * Scores the whole framework from evidence: indicators → elements (70 % indicators, 30 % objective) →
 * dimensions → 1000 points, with stages, confidence, the evidence trail, the gap to a target stage and the
 * ranked improvement actions. Pure: the same evidence and options always give the same result.
 *
 * @example
 * const score = scoreFramework(
 *   { metrics: [{ metric: 'active_channels_30d', value: 3, sampleSize: 412, window: { from: '2025-05-01', to: '2025-05-30' } }] },
 *   { targetStage: 'operationalize' },
 * );
 * score.total; // points of 1000
 */
export function scoreFramework(evidence: Evidence, options: ScoreOptions = {}): FrameworkScore {
  const weights = validateWeights(options.weights);
  const bands = validateStageBands(options.stageBands ?? defaultStageBands);
  const maxActions = options.maxActions ?? DEFAULT_MAX_ACTIONS;
  if (!Number.isInteger(maxActions) || maxActions < 0) {
    throw new RangeError(`maxActions must be a whole number ≥ 0, got ${maxActions}`);
  }
  const indexed = indexEvidence(evidence);
  (evidence.targets ?? []).forEach((target, index) => {
    const max = weights[target.elementId] ?? 0;
    if (target.targetPoints !== undefined && target.targetPoints > max) {
      throw new EvidenceError(
        `${target.targetPoints} exceeds ${target.elementId}'s ${max} points`,
        `targets[${index}].targetPoints`,
      );
    }
  });
  const held = options.heldStages;

  const dimensions = cemFramework.dimensions.map((dimension): DimensionScore => {
    const elements = dimension.elements.map((element) => {
      const context = {
        max: weights[element.id] ?? 0,
        bands,
        rating: indexed.objectives.get(element.id),
        staffView: indexed.staffObjectiveViews.get(element.id),
        target: indexed.targets.get(element.id),
        heldStage: held?.elements[element.id],
      };
      const indicators = element.indicators.map((indicator) => scoreIndicator(indicator, indexed));
      return scoreElement(element, indicators, context);
    });
    const points = sum(elements.map((element) => element.points));
    const attainment = points / dimension.points;
    return {
      id: dimension.id,
      name: dimension.name,
      group: dimension.group,
      points,
      max: dimension.points,
      attainment,
      stage: stageForShare(attainment, bands, held?.dimensions[dimension.id]).stage,
      confidence: sum(elements.map((element) => element.confidence * element.max)) / dimension.points,
      elements,
    };
  });

  const total = sum(dimensions.map((dimension) => dimension.points));
  const max = cemFramework.totalPoints;
  const groupTotals = (group: DimensionGroup) => ({
    points: sum(
      dimensions.filter((dimension) => dimension.group === group).map((dimension) => dimension.points),
    ),
    max: cemFramework.groups[group],
  });
  const indicators = dimensions.flatMap((dimension) =>
    dimension.elements.flatMap((element) => element.indicators),
  );
  const missing = indicators.filter((indicator) => indicator.status === 'missing').length;
  const elements = dimensions.flatMap((dimension) => dimension.elements);

  return {
    total,
    max,
    stage: stageForShare(total / max, bands, held?.total).stage,
    confidence: sum(dimensions.map((dimension) => dimension.confidence * dimension.max)) / max,
    groups: { alignment: groupTotals('alignment'), performance: groupTotals('performance') },
    coverage: { indicators: indicators.length, measured: indicators.length - missing, missing },
    dimensions,
    ...(options.targetStage === undefined
      ? {}
      : { gap: stageGap(options.targetStage, total, max, dimensions, bands) }),
    actions: rankImprovementActions(elements, maxActions),
  };
}

function stageGap(
  target: StageId,
  total: number,
  max: number,
  dimensions: readonly DimensionScore[],
  bands: readonly StageBand[],
): StageGap {
  const band = bands.find((candidate) => candidate.stage === target);
  if (band === undefined) throw new RangeError(`unknown target stage "${target}"`);
  const missingPoints = (points: number, of: number) => Math.max(0, band.minShare * of - points);
  const points = missingPoints(total, max);
  return {
    target,
    reached: points === 0,
    points,
    dimensions: dimensions.map((dimension) => ({
      id: dimension.id,
      points: missingPoints(dimension.points, dimension.max),
    })),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
