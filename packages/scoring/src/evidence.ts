import { findElement, findIndicator } from './framework/index.js';
import { type MetricId, metricDefinition, metricValueProblem } from './metrics.js';
import type { ElementId, IndicatorId } from './model.js';
import type { ObjectiveLevel } from './objective.js';
import { defaultStageBands, type StageId } from './stages.js';

/**
 * Evidence the workers gather for one organisation. Scoring reads nothing else: the same evidence always gives
 * the same scores, whatever order its lists come in.
 */
export interface Evidence {
  readonly metrics?: readonly MetricObservation[];
  readonly survey?: readonly SurveyResult[];
  /** The assessor's current rating of each element's statement of objective (at most one per element). */
  readonly objectives?: readonly ObjectiveRating[];
  /** Staff survey answers to each objective question: shown beside the rating as staff's view, never scored. */
  readonly staffObjectiveViews?: readonly StaffObjectiveView[];
  /** An assessor's judgement replacing an indicator's computed attainment (at most one per indicator). */
  readonly overrides?: readonly IndicatorOverride[];
  /** What the organisation aims for per element (at most one per element). */
  readonly targets?: readonly ElementTarget[];
}

/** The period a metric was computed over, as ISO 8601 dates or date-times (inclusive), e.g. 2025-05-01. */
export interface MetricWindow {
  readonly from: string;
  readonly to: string;
}

/** One reading of a catalogue metric. */
export interface MetricObservation {
  readonly metric: MetricId;
  readonly value: number;
  /** What the catalogue's `sampleOf` counts (cases, feedback, channels …); 0 means nothing to measure. */
  readonly sampleSize: number;
  readonly window: MetricWindow;
}

/** How many staff chose 1, 2, 3, 4 and 5 ("strongly disagree" … "strongly agree"). */
export type LikertDistribution = readonly [number, number, number, number, number];

/** Staff answers to the survey item of one indicator. */
export interface SurveyResult {
  readonly indicatorId: IndicatorId;
  /** Mean answer on the 1–5 scale. */
  readonly mean: number;
  readonly respondents: number;
  readonly distribution?: LikertDistribution;
  /**
   * The organisation's minimum group size: an item answered by fewer staff contributes nothing (and the trail
   * says so without showing its answers). Absent: every answered item counts.
   */
  readonly minRespondents?: number;
}

/**
 * An assessor's rating of one element's statement of objective (seeds/002: the assessor determines Fully,
 * Partially or Not yet). It is the element's current rating; earlier ones live in the audit trail.
 */
export interface ObjectiveRating {
  readonly elementId: ElementId;
  readonly level: ObjectiveLevel;
  /** Why the assessor chose the level, in their words; required. */
  readonly reason: string;
  /** Who rated (a member id or name). */
  readonly ratedBy: string;
  /** When, as an ISO 8601 date-time. */
  readonly ratedAt: string;
}

/** How many staff answered an element's objective question Fully, Partially and Not yet. */
export interface StaffObjectiveView {
  readonly elementId: ElementId;
  readonly fully: number;
  readonly partially: number;
  readonly notYet: number;
}

/** An assessor's attainment for one indicator, used instead of the attainment its evidence gives. */
export interface IndicatorOverride {
  readonly indicatorId: IndicatorId;
  /** 0–1. */
  readonly attainment: number;
  readonly reason: string;
  readonly by: string;
  /** ISO 8601 date-time. */
  readonly at: string;
}

/** An element's target: points to reach, a stage to reach, or both (the higher of the two counts). */
export interface ElementTarget {
  readonly elementId: ElementId;
  readonly targetPoints?: number;
  readonly targetStage?: StageId;
}

/**
 * Evidence that cannot be read. `field` is the path of the offending value in the Evidence object (e.g.
 * `overrides[2].attainment`), so an API can answer problem+json naming it; the message repeats it.
 */
export class EvidenceError extends Error {
  override readonly name = 'EvidenceError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field === undefined ? message : `${field}: ${message}`);
  }
}

/** Evidence checked and keyed by what it informs. */
export interface IndexedEvidence {
  readonly metrics: ReadonlyMap<MetricId, MetricObservation>;
  readonly survey: ReadonlyMap<IndicatorId, SurveyResult>;
  readonly objectives: ReadonlyMap<ElementId, ObjectiveRating>;
  readonly staffObjectiveViews: ReadonlyMap<ElementId, StaffObjectiveView>;
  readonly overrides: ReadonlyMap<IndicatorId, IndicatorOverride>;
  readonly targets: ReadonlyMap<ElementId, ElementTarget>;
}

const OBJECTIVE_LEVELS: readonly ObjectiveLevel[] = ['fully', 'partially', 'not_yet'];

/**
 * Validates evidence and keys it by metric, indicator and element. Keying makes the input order irrelevant;
 * a second reading for the same key is an error rather than a silent choice between two values.
 *
 * @example indexEvidence({ metrics: [{ metric: 'active_channels_30d', value: 3, sampleSize: 412, window }] })
 */
export function indexEvidence(evidence: Evidence): IndexedEvidence {
  return {
    metrics: keyBy('metrics', evidence.metrics, checkMetric, (observation) => observation.metric),
    survey: keyBy('survey', evidence.survey, checkSurvey, (result) => result.indicatorId),
    objectives: keyBy('objectives', evidence.objectives, checkRating, (rating) => rating.elementId),
    staffObjectiveViews: keyBy(
      'staffObjectiveViews',
      evidence.staffObjectiveViews,
      checkStaffView,
      (view) => view.elementId,
    ),
    overrides: keyBy('overrides', evidence.overrides, checkOverride, (override) => override.indicatorId),
    targets: keyBy('targets', evidence.targets, checkTarget, (target) => target.elementId),
  };
}

function keyBy<T, K>(
  list: string,
  items: readonly T[] | undefined,
  check: (item: T, path: string) => void,
  keyOf: (item: T) => K,
): Map<K, T> {
  const keyed = new Map<K, T>();
  (items ?? []).forEach((item, index) => {
    const path = `${list}[${index}]`;
    check(item, path);
    const key = keyOf(item);
    if (keyed.has(key)) throw new EvidenceError(`duplicate evidence for ${String(key)}`, path);
    keyed.set(key, item);
  });
  return keyed;
}

function checkCount(count: number, field: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new EvidenceError(`must be a whole number ≥ 0, got ${count}`, field);
  }
}

function checkElement(elementId: ElementId, field: string): void {
  if (findElement(elementId) === undefined) throw new EvidenceError(`unknown element "${elementId}"`, field);
}

function checkIndicator(indicatorId: IndicatorId, field: string): void {
  if (findIndicator(indicatorId) === undefined) {
    throw new EvidenceError(`unknown indicator "${indicatorId}"`, field);
  }
}

/** A manual judgement needs a reason, an author and a valid time, or the trail cannot explain it. */
function checkJudgement(reason: string, by: string, at: string, path: string, names: [string, string]) {
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new EvidenceError('a reason is required', `${path}.reason`);
  }
  if (typeof by !== 'string' || by.trim() === '') {
    throw new EvidenceError('who made the judgement is required', `${path}.${names[0]}`);
  }
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) {
    throw new EvidenceError(`must be an ISO 8601 date-time, got ${String(at)}`, `${path}.${names[1]}`);
  }
}

function checkMetric(observation: MetricObservation, path: string): void {
  const definition = metricDefinition(observation.metric);
  if (definition === undefined) {
    throw new EvidenceError(`unknown metric "${observation.metric}"`, `${path}.metric`);
  }
  const problem = metricValueProblem(definition, observation.value);
  if (problem !== undefined) {
    throw new EvidenceError(
      `metric ${observation.metric}: value ${observation.value} ${problem}`,
      `${path}.value`,
    );
  }
  checkCount(observation.sampleSize, `${path}.sampleSize`);
}

function checkSurvey(result: SurveyResult, path: string): void {
  checkIndicator(result.indicatorId, `${path}.indicatorId`);
  checkCount(result.respondents, `${path}.respondents`);
  if (result.minRespondents !== undefined) checkCount(result.minRespondents, `${path}.minRespondents`);
  if (!(result.mean >= 1 && result.mean <= 5)) {
    throw new EvidenceError(`mean must lie in [1, 5], got ${result.mean}`, `${path}.mean`);
  }
  if (result.distribution !== undefined) {
    result.distribution.forEach((count, index) => {
      checkCount(count, `${path}.distribution[${index}]`);
    });
    const total = result.distribution.reduce((sum, count) => sum + count, 0);
    if (total !== result.respondents) {
      throw new EvidenceError(
        `distribution adds up to ${total}, respondents is ${result.respondents}`,
        `${path}.distribution`,
      );
    }
  }
}

function checkRating(rating: ObjectiveRating, path: string): void {
  checkElement(rating.elementId, `${path}.elementId`);
  if (!OBJECTIVE_LEVELS.includes(rating.level)) {
    throw new EvidenceError(
      `level must be one of ${OBJECTIVE_LEVELS.join(', ')}, got ${String(rating.level)}`,
      `${path}.level`,
    );
  }
  checkJudgement(rating.reason, rating.ratedBy, rating.ratedAt, path, ['ratedBy', 'ratedAt']);
}

function checkStaffView(view: StaffObjectiveView, path: string): void {
  checkElement(view.elementId, `${path}.elementId`);
  for (const level of ['fully', 'partially', 'notYet'] as const) checkCount(view[level], `${path}.${level}`);
}

function checkOverride(override: IndicatorOverride, path: string): void {
  checkIndicator(override.indicatorId, `${path}.indicatorId`);
  if (!(override.attainment >= 0 && override.attainment <= 1)) {
    throw new EvidenceError(
      `attainment must lie in [0, 1], got ${override.attainment}`,
      `${path}.attainment`,
    );
  }
  checkJudgement(override.reason, override.by, override.at, path, ['by', 'at']);
}

function checkTarget(target: ElementTarget, path: string): void {
  checkElement(target.elementId, `${path}.elementId`);
  if (target.targetPoints === undefined && target.targetStage === undefined) {
    throw new EvidenceError('a target needs targetPoints or targetStage', path);
  }
  if (
    target.targetPoints !== undefined &&
    !(Number.isFinite(target.targetPoints) && target.targetPoints >= 0)
  ) {
    throw new EvidenceError(`must be a number ≥ 0, got ${target.targetPoints}`, `${path}.targetPoints`);
  }
  if (
    target.targetStage !== undefined &&
    !defaultStageBands.some((band) => band.stage === target.targetStage)
  ) {
    throw new EvidenceError(`unknown stage "${target.targetStage}"`, `${path}.targetStage`);
  }
}
