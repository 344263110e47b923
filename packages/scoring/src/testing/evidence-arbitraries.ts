import fc from 'fast-check';
import { higherIsBetter } from '../attainment.js';
import type {
  Evidence,
  IndicatorOverride,
  MetricObservation,
  ObjectiveRating,
  StaffObjectiveView,
  SurveyResult,
} from '../evidence.js';
import { allElements, allIndicators } from '../framework/index.js';
import { type MetricDefinition, type MetricId, metricCatalogue } from '../metrics.js';
import type { ObjectiveLevel } from '../objective.js';

/** Helpers for the scoring tests: a fixed window and random but valid evidence for property tests. */

export const window = { from: '2025-05-01', to: '2025-05-30' } as const;

/** A metric reading in the fixed window. */
export function observe(metric: MetricId, value: number, sampleSize = 100): MetricObservation {
  return { metric, value, sampleSize, window };
}

/** Whether a larger value of the metric is better, from the rules that read it (they all agree; tested). */
export function metricHigherIsBetter(metric: MetricId): boolean {
  const rule = allIndicators
    .flatMap((indicator) => indicator.evidence.metrics)
    .find((r) => r.metric === metric);
  return rule === undefined ? true : higherIsBetter(rule.mapping);
}

function valueArbitrary(definition: MetricDefinition): fc.Arbitrary<number> {
  switch (definition.unit) {
    case 'share':
      return fc.double({ min: 0, max: 1, noNaN: true });
    case 'count':
      return fc.integer({ min: 0, max: 150 });
    default:
      return fc.double({ min: 0, max: 2000, noNaN: true });
  }
}

const metricArbitrary: fc.Arbitrary<MetricObservation[]> = fc
  .subarray([...metricCatalogue])
  .chain((definitions) =>
    fc.tuple(
      ...definitions.map((definition) =>
        fc.record({
          metric: fc.constant(definition.id as MetricId),
          value: valueArbitrary(definition),
          sampleSize: fc.integer({ min: 0, max: 500 }),
          window: fc.constant(window),
        }),
      ),
    ),
  );

const surveyArbitrary: fc.Arbitrary<SurveyResult[]> = fc
  .uniqueArray(fc.constantFrom(...allIndicators.map((indicator) => indicator.id)), { maxLength: 60 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((indicatorId) =>
        fc.record({
          indicatorId: fc.constant(indicatorId),
          mean: fc.double({ min: 1, max: 5, noNaN: true }),
          respondents: fc.integer({ min: 0, max: 40 }),
        }),
      ),
    ),
  );

/** An assessor's rating of an element's objective. */
export function rate(elementId: string, level: ObjectiveLevel): ObjectiveRating {
  return {
    elementId,
    level,
    reason: 'checked against the programme plan',
    ratedBy: 'assessor',
    ratedAt: '2025-05-30T12:00:00Z',
  };
}

/** An assessor's override of an indicator's attainment. */
export function override(indicatorId: string, attainment: number): IndicatorOverride {
  return {
    indicatorId,
    attainment,
    reason: 'seen in the quarterly review',
    by: 'assessor',
    at: '2025-05-30T12:00:00Z',
  };
}

const elementIds = allElements.map((element) => element.id);

const objectivesArbitrary: fc.Arbitrary<ObjectiveRating[]> = fc
  .uniqueArray(fc.constantFrom(...elementIds), { maxLength: 12 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((elementId) =>
        fc
          .constantFrom<ObjectiveLevel>('fully', 'partially', 'not_yet')
          .map((level) => rate(elementId, level)),
      ),
    ),
  );

const staffViewsArbitrary: fc.Arbitrary<StaffObjectiveView[]> = fc
  .uniqueArray(fc.constantFrom(...elementIds), { maxLength: 12 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((elementId) =>
        fc.record({
          elementId: fc.constant(elementId),
          fully: fc.nat(9),
          partially: fc.nat(9),
          notYet: fc.nat(9),
        }),
      ),
    ),
  );

const overridesArbitrary: fc.Arbitrary<IndicatorOverride[]> = fc
  .uniqueArray(fc.constantFrom(...allIndicators.map((indicator) => indicator.id)), { maxLength: 8 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) => fc.double({ min: 0, max: 1, noNaN: true }).map((value) => override(id, value))),
    ),
  );

/** Any valid evidence: a random subset of metrics, survey items, ratings, staff views and overrides. */
export const evidenceArbitrary: fc.Arbitrary<Evidence> = fc.record({
  metrics: metricArbitrary,
  survey: surveyArbitrary,
  objectives: objectivesArbitrary,
  staffObjectiveViews: staffViewsArbitrary,
  overrides: overridesArbitrary,
});

/** How far one "step" of improvement moves a metric of each unit. */
const improvementScale = { share: 1, count: 10, hours: 100, minutes: 100 } as const;

/** A metric reading moved towards "better" by `step`, kept inside the metric's valid range. */
function improveMetric(observation: MetricObservation, step: number): MetricObservation {
  const definition = metricCatalogue.find((candidate) => candidate.id === observation.metric)!;
  const distance = step * improvementScale[definition.unit];
  const moved = observation.value + (metricHigherIsBetter(observation.metric) ? distance : -distance);
  const upper = definition.unit === 'share' ? 1 : Number.POSITIVE_INFINITY;
  const whole = definition.unit === 'count' ? Math.ceil(moved) : moved;
  return { ...observation, value: Math.min(upper, Math.max(0, whole)) };
}

const LEVEL_UP: Readonly<Record<ObjectiveLevel, ObjectiveLevel>> = {
  not_yet: 'partially',
  partially: 'fully',
  fully: 'fully',
};

/**
 * The same evidence made more favourable by `step` (0–1): metrics move towards better, survey means and
 * overrides rise, every assessor rating moves up a level. Sample sizes stay, so only the readings change.
 */
export function moreFavourable(evidence: Evidence, step: number): Evidence {
  return {
    metrics: (evidence.metrics ?? []).map((observation) => improveMetric(observation, step)),
    survey: (evidence.survey ?? []).map((result) => ({
      ...result,
      mean: Math.min(5, result.mean + step * 4),
    })),
    objectives: (evidence.objectives ?? []).map((rating) => ({ ...rating, level: LEVEL_UP[rating.level] })),
    overrides: (evidence.overrides ?? []).map((entry) => ({
      ...entry,
      attainment: Math.min(1, entry.attainment + step),
    })),
    ...(evidence.staffObjectiveViews === undefined
      ? {}
      : { staffObjectiveViews: evidence.staffObjectiveViews }),
  };
}
