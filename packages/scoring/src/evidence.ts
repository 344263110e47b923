import { findElement, findIndicator } from './framework/index.js';
import { type MetricId, metricDefinition, metricValueProblem } from './metrics.js';
import type { ElementId, IndicatorId } from './model.js';

/**
 * Evidence the workers gather for one organisation. Scoring reads nothing else: the same evidence always gives
 * the same scores, whatever order its lists come in.
 */
export interface Evidence {
  readonly metrics?: readonly MetricObservation[];
  readonly survey?: readonly SurveyResult[];
  readonly objectives?: readonly ObjectiveRatings[];
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
}

/** Assessors' ratings of one element's statement of objective. */
export interface ObjectiveRatings {
  readonly elementId: ElementId;
  readonly fully: number;
  readonly partially: number;
  readonly notYet: number;
}

/** Evidence that cannot be read; the message names the metric, indicator or element at fault. */
export class EvidenceError extends Error {
  override readonly name = 'EvidenceError';
}

/** Evidence checked and keyed by what it informs. */
export interface IndexedEvidence {
  readonly metrics: ReadonlyMap<MetricId, MetricObservation>;
  readonly survey: ReadonlyMap<IndicatorId, SurveyResult>;
  readonly objectives: ReadonlyMap<ElementId, ObjectiveRatings>;
}

/**
 * Validates evidence and keys it by metric, indicator and element. Keying makes the input order irrelevant;
 * a second reading for the same key is an error rather than a silent choice between two values.
 *
 * @example indexEvidence({ metrics: [{ metric: 'active_channels_30d', value: 3, sampleSize: 412, window }] })
 */
export function indexEvidence(evidence: Evidence): IndexedEvidence {
  return {
    metrics: keyBy(evidence.metrics ?? [], (observation) => {
      checkMetric(observation);
      return observation.metric;
    }),
    survey: keyBy(evidence.survey ?? [], (result) => {
      checkSurvey(result);
      return result.indicatorId;
    }),
    objectives: keyBy(evidence.objectives ?? [], (ratings) => {
      checkObjective(ratings);
      return ratings.elementId;
    }),
  };
}

function keyBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T> {
  const keyed = new Map<K, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (keyed.has(key)) throw new EvidenceError(`duplicate evidence for ${String(key)}`);
    keyed.set(key, item);
  }
  return keyed;
}

function checkCount(count: number, what: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new EvidenceError(`${what} must be a whole number ≥ 0, got ${count}`);
  }
}

function checkMetric(observation: MetricObservation): void {
  const definition = metricDefinition(observation.metric);
  if (definition === undefined) throw new EvidenceError(`unknown metric "${observation.metric}"`);
  const problem = metricValueProblem(definition, observation.value);
  if (problem !== undefined) {
    throw new EvidenceError(`metric ${observation.metric}: value ${observation.value} ${problem}`);
  }
  checkCount(observation.sampleSize, `metric ${observation.metric}: sampleSize`);
}

function checkSurvey(result: SurveyResult): void {
  if (findIndicator(result.indicatorId) === undefined) {
    throw new EvidenceError(`survey: unknown indicator "${result.indicatorId}"`);
  }
  checkCount(result.respondents, `survey ${result.indicatorId}: respondents`);
  if (!(result.mean >= 1 && result.mean <= 5)) {
    throw new EvidenceError(`survey ${result.indicatorId}: mean must lie in [1, 5], got ${result.mean}`);
  }
  if (result.distribution !== undefined) {
    result.distribution.forEach((count, index) => {
      checkCount(count, `survey ${result.indicatorId}: distribution[${index + 1}]`);
    });
    const total = result.distribution.reduce((sum, count) => sum + count, 0);
    if (total !== result.respondents) {
      throw new EvidenceError(
        `survey ${result.indicatorId}: distribution adds up to ${total}, respondents is ${result.respondents}`,
      );
    }
  }
}

function checkObjective(ratings: ObjectiveRatings): void {
  if (findElement(ratings.elementId) === undefined) {
    throw new EvidenceError(`objective ratings: unknown element "${ratings.elementId}"`);
  }
  for (const level of ['fully', 'partially', 'notYet'] as const) {
    checkCount(ratings[level], `objective ${ratings.elementId}: ${level}`);
  }
}
