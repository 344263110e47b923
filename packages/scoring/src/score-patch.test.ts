import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence } from './evidence.js';
import { scoreFramework } from './score.js';
import { applyScorePatch, atShownPrecision, scorePatch } from './score-patch.js';
import { evidenceArbitrary, moreFavourable, observe } from './testing/evidence-arbitraries.js';

const lastHour: Evidence = {
  metrics: [observe('closed_loop_rate_30d', 0.3, 40), observe('active_channels_30d', 2, 300)],
  survey: [{ indicatorId: 'D1.1.1', mean: 4, respondents: 12 }],
};
const now: Evidence = {
  ...lastHour,
  metrics: [observe('closed_loop_rate_30d', 0.9, 55), lastHour.metrics![1]!],
};

describe('scorePatch', () => {
  it('names only the elements and indicators that changed', () => {
    const patch = scorePatch(scoreFramework(lastHour), scoreFramework(now));
    // closed_loop_rate_30d informs D4.2.5 and D5.2.5 only.
    expect(patch.elements.map((element) => element.id).sort()).toEqual(['D4.2', 'D5.2']);
    expect(
      patch.elements.flatMap((element) => element.indicators.map((indicator) => indicator.id)).sort(),
    ).toEqual(['D4.2.5', 'D5.2.5']);
    expect(patch.dimensions.map((dimension) => dimension.id).sort()).toEqual(['D4', 'D5']);
  });

  it('carries nothing per element when nothing shown changed', () => {
    const score = scoreFramework(lastHour);
    const patch = scorePatch(score, score);
    expect(patch.elements).toEqual([]);
    expect(patch.dimensions).toEqual([]);
    expect(patch.actions).toBeUndefined();
  });

  it('sees no change in a score read back with its keys in another order (jsonb)', () => {
    const score = scoreFramework(lastHour);
    const reordered = JSON.parse(
      JSON.stringify(score, (_key, field: unknown) =>
        field !== null && typeof field === 'object' && !Array.isArray(field)
          ? Object.fromEntries(Object.entries(field).reverse())
          : field,
      ),
    ) as typeof score;
    expect(scorePatch(reordered, score).elements).toEqual([]);
  });

  it('is a small fraction of the whole score', () => {
    const after = scoreFramework(now);
    const patchBytes = JSON.stringify(scorePatch(scoreFramework(lastHour), after)).length;
    expect(patchBytes * 10).toBeLessThan(JSON.stringify(after).length);
  });

  it('applied to the score before, shows what the score after shows', () => {
    fc.assert(
      fc.property(evidenceArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (evidence, step) => {
        const before = scoreFramework(evidence);
        const after = scoreFramework(moreFavourable(evidence, step));
        const patched = applyScorePatch(atShownPrecision(before), scorePatch(before, after));
        expect(patched).toEqual(atShownPrecision(after));
      }),
      { numRuns: 20 },
    );
  });
});
