import fc from 'fast-check';
import { higherIsBetter } from '../attainment.js';
import type { Evidence, MetricObservation, ObjectiveRatings, SurveyResult } from '../evidence.js';
import { allElements, allIndicators } from '../framework/index.js';
import { type MetricDefinition, type MetricId, metricCatalogue } from '../metrics.js';

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

const objectivesArbitrary: fc.Arbitrary<ObjectiveRatings[]> = fc
  .uniqueArray(fc.constantFrom(...allElements.map((element) => element.id)), { maxLength: 12 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((elementId) =>
        fc.record({
          elementId: fc.constant(elementId),
          fully: fc.nat(3),
          partially: fc.nat(3),
          notYet: fc.nat(3),
        }),
      ),
    ),
  );

/** Any valid evidence: a random subset of metrics, survey items and objective ratings. */
export const evidenceArbitrary: fc.Arbitrary<Evidence> = fc.record({
  metrics: metricArbitrary,
  survey: surveyArbitrary,
  objectives: objectivesArbitrary,
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

/**
 * The same evidence made more favourable by `step` (0–1): metrics move towards better, survey means rise,
 * one assessor rating moves up a level. Sample sizes stay, so only the readings change.
 */
export function moreFavourable(evidence: Evidence, step: number): Evidence {
  return {
    metrics: (evidence.metrics ?? []).map((observation) => improveMetric(observation, step)),
    survey: (evidence.survey ?? []).map((result) => ({
      ...result,
      mean: Math.min(5, result.mean + step * 4),
    })),
    objectives: (evidence.objectives ?? []).map((ratings) =>
      ratings.notYet > 0
        ? { ...ratings, notYet: ratings.notYet - 1, partially: ratings.partially + 1 }
        : ratings.partially > 0
          ? { ...ratings, partially: ratings.partially - 1, fully: ratings.fully + 1 }
          : ratings,
    ),
  };
}
