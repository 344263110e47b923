import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence } from './evidence.js';
import { allIndicators } from './framework/index.js';
import { scoreFramework } from './score.js';
import { evidenceArbitrary, moreFavourable } from './testing/evidence-arbitraries.js';

/** Floating-point sums may differ in the last bit; anything larger is a real change. */
const EPSILON = 1e-9;

const elementPoints = (evidence: Evidence) =>
  scoreFramework(evidence).dimensions.flatMap((dimension) =>
    dimension.elements.map((element) => element.points),
  );

function shuffled<T>(items: readonly T[] | undefined, seed: number): T[] {
  const copy = [...(items ?? [])];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = (seed * (i + 7)) % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('scoring properties', () => {
  it('keeps the total within [0, 1000] and every element within [0, its points]', () => {
    fc.assert(
      fc.property(evidenceArbitrary, (evidence) => {
        const score = scoreFramework(evidence);
        expect(score.total).toBeGreaterThanOrEqual(0);
        expect(score.total).toBeLessThanOrEqual(1000 + EPSILON);
        for (const element of score.dimensions.flatMap((dimension) => dimension.elements)) {
          expect(element.points).toBeGreaterThanOrEqual(0);
          expect(element.points).toBeLessThanOrEqual(element.max + EPSILON);
          expect(element.confidence).toBeGreaterThanOrEqual(0);
          expect(element.confidence).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('never lowers a score for more favourable evidence', () => {
    fc.assert(
      fc.property(evidenceArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (evidence, step) => {
        const before = elementPoints(evidence);
        const after = elementPoints(moreFavourable(evidence, step));
        after.forEach((points, i) => {
          expect(points).toBeGreaterThanOrEqual(before[i]! - EPSILON);
        });
      }),
    );
  });

  it('never lowers a score when evidence arrives for a missing indicator', () => {
    fc.assert(
      fc.property(
        evidenceArbitrary,
        fc.constantFrom(...allIndicators.map((indicator) => indicator.id)),
        fc.double({ min: 1, max: 5, noNaN: true }),
        (evidence, indicatorId, mean) => {
          const before = scoreFramework(evidence);
          const indicator = before.dimensions
            .flatMap((dimension) => dimension.elements.flatMap((element) => element.indicators))
            .find((candidate) => candidate.id === indicatorId)!;
          fc.pre(indicator.status === 'missing');
          const survey = (evidence.survey ?? []).filter((result) => result.indicatorId !== indicatorId);
          const after = scoreFramework({
            ...evidence,
            survey: [...survey, { indicatorId, mean, respondents: 3 }],
          });
          expect(after.total).toBeGreaterThanOrEqual(before.total - EPSILON);
        },
      ),
    );
  });

  it('does not depend on the order of the evidence', () => {
    fc.assert(
      fc.property(evidenceArbitrary, fc.nat(1000), (evidence, seed) => {
        const permuted: Evidence = {
          metrics: shuffled(evidence.metrics, seed),
          survey: shuffled(evidence.survey, seed + 1),
          objectives: shuffled(evidence.objectives, seed + 2),
          staffObjectiveViews: shuffled(evidence.staffObjectiveViews, seed + 3),
          overrides: shuffled(evidence.overrides, seed + 4),
        };
        expect(scoreFramework(permuted)).toEqual(scoreFramework(evidence));
      }),
    );
  });

  it('gives identical output for the same evidence', () => {
    fc.assert(
      fc.property(evidenceArbitrary, (evidence) => {
        const copy = structuredClone(evidence);
        expect(JSON.stringify(scoreFramework(copy, { targetStage: 'align' }))).toBe(
          JSON.stringify(scoreFramework(evidence, { targetStage: 'align' })),
        );
      }),
    );
  });
});
