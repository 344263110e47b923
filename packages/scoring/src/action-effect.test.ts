import { describe, expect, it } from 'vitest';
import { addDays, type DailyTally, measureEffect, periodEstimate } from './action-effect.js';
import { type NpsMix, seededRandom, simulateNpsDays } from './testing/nps-days.js';

const ANCHOR = '2026-03-01';
const WINDOW = 28;
const FROM = addDays(ANCHOR, -WINDOW);
const THROUGH = addDays(ANCHOR, WINDOW - 1);

/** NPS 10: 40 % promoters, 30 % detractors. */
const BASE: NpsMix = { promoters: 0.4, detractors: 0.3 };
/** NPS 35. */
const RAISED: NpsMix = { promoters: 0.55, detractors: 0.2 };

function history(
  seed: number,
  mixes: { scope: (day: string) => NpsMix; comparison: (day: string) => NpsMix },
) {
  const random = seededRandom(seed);
  const days = { from: FROM, days: 2 * WINDOW, random };
  return {
    scope: simulateNpsDays({ ...days, perDay: 40, mixOn: mixes.scope }),
    comparison: simulateNpsDays({ ...days, perDay: 160, mixOn: mixes.comparison }),
  };
}

const afterAnchor = (before: NpsMix, after: NpsMix) => (day: string) => (day < ANCHOR ? before : after);

function measure(tallies: { scope: DailyTally[]; comparison: DailyTally[] | null }, throughDay = THROUGH) {
  return measureEffect({ metric: 'nps', anchorDay: ANCHOR, windowDays: WINDOW, throughDay, ...tallies });
}

describe('periodEstimate', () => {
  it('is the ratio of sums, with a days-as-clusters error that shrinks with more days', () => {
    const estimate = periodEstimate([
      { day: '2026-01-01', sum: 8, count: 10 },
      { day: '2026-01-02', sum: 6, count: 10 },
    ]);
    expect(estimate.value).toBeCloseTo(0.7, 12);
    // D/(D−1) · ((8 − 7)² + (6 − 7)²) / 20² = 2 · 2 / 400
    expect(estimate.standardError).toBeCloseTo(Math.sqrt(0.01), 12);
    expect(periodEstimate([]).value).toBeNull();
  });
});

describe('measureEffect on seeded histories', () => {
  it('recovers a known improvement in one unit after the anchor within its intervals', () => {
    const effect = measure(history(1, { scope: afterAnchor(BASE, RAISED), comparison: () => BASE }));
    expect(effect.status).toBe('measured');
    expect(effect.basis).toBe('difference_in_differences');
    expect(effect.verdict).toBe('improved');
    const truth = 25;
    for (const estimate of [effect.naive!, effect.differenceInDifferences!]) {
      expect(estimate.low).toBeLessThan(truth);
      expect(estimate.high).toBeGreaterThan(truth);
    }
  });

  it('covers the true effect at about the stated rate and calls a placebo a change only rarely', () => {
    let covered = 0;
    let placeboFlagged = 0;
    const runs = 60;
    for (let seed = 1; seed <= runs; seed++) {
      const improved = measure(history(seed, { scope: afterAnchor(BASE, RAISED), comparison: () => BASE }));
      const did = improved.differenceInDifferences!;
      if (did.low <= 25 && did.high >= 25) covered += 1;
      const placebo = measure(history(1000 + seed, { scope: () => BASE, comparison: () => BASE }));
      if (placebo.verdict !== 'no_detectable_change') placeboFlagged += 1;
    }
    // 95 % intervals: about 57 of 60 cover; a miscalibrated error would fall far below.
    expect(covered).toBeGreaterThanOrEqual(52);
    expect(placeboFlagged).toBeLessThanOrEqual(8);
  });

  it('reports a placebo action as no detectable change, with the minimum detectable effect at this sample', () => {
    const effect = measure(history(11, { scope: () => BASE, comparison: () => BASE }));
    expect(effect.verdict).toBe('no_detectable_change');
    expect(effect.differenceInDifferences!.low).toBeLessThan(0);
    expect(effect.differenceInDifferences!.high).toBeGreaterThan(0);
    // 2.8 standard errors: with ~1,100 answers a side an NPS change of roughly 10–20 points is detectable.
    expect(effect.minimumDetectableEffect).toBeGreaterThan(5);
    expect(effect.minimumDetectableEffect).toBeLessThan(25);
  });

  it('does not credit a seasonal shift everywhere to a one-unit action, though the naive change would', () => {
    const seasonal = afterAnchor(BASE, RAISED);
    const effect = measure(history(3, { scope: seasonal, comparison: seasonal }));
    expect(effect.naive!.low).toBeGreaterThan(0);
    expect(effect.basis).toBe('difference_in_differences');
    expect(effect.verdict).toBe('no_detectable_change');
    expect(effect.differenceInDifferences!.low).toBeLessThan(0);
    expect(effect.differenceInDifferences!.high).toBeGreaterThan(0);
  });

  it('falls back to before/after without a comparison group, and says worse when the metric fell', () => {
    const { scope } = history(5, { scope: afterAnchor(RAISED, BASE), comparison: () => BASE });
    const effect = measure({ scope, comparison: null });
    expect(effect.basis).toBe('before_after');
    expect(effect.differenceInDifferences).toBeNull();
    expect(effect.verdict).toBe('worse');
  });

  it('keeps measuring until the after window holds a week of data', () => {
    const tallies = history(9, { scope: afterAnchor(BASE, RAISED), comparison: () => BASE });
    const early = measure(tallies, addDays(ANCHOR, 3));
    expect(early.status).toBe('measuring');
    expect(early.verdict).toBeNull();
    expect(early.complete).toBe(false);
    expect(early.after.scope.daysObserved).toBe(4);
    expect(measure(tallies).complete).toBe(true);
  });

  it('shows diverging pre-period trends: a scope already rising before the action', () => {
    const rising = (day: string): NpsMix => {
      const weeksIn = Math.max(0, (Date.parse(day) - Date.parse(FROM)) / (7 * 86_400_000));
      return { promoters: 0.3 + 0.06 * weeksIn, detractors: 0.3 };
    };
    const effect = measure(history(21, { scope: rising, comparison: () => BASE }));
    expect(effect.preTrends.scope.weeks).toHaveLength(4);
    expect(effect.preTrends.scope.slopePerWeek).toBeGreaterThan(0);
    expect(effect.preTrends.slopeDifference!.low).toBeGreaterThan(0);
  });

  it('counts a smaller topic share as the better direction', () => {
    const days = Array.from({ length: 2 * WINDOW }, (_, i) => addDays(FROM, i));
    const share = (day: string, i: number) => ({
      day,
      sum: day < ANCHOR ? 30 + (i % 3) : 15 + (i % 3),
      count: 100,
    });
    const effect = measureEffect({
      metric: 'topic_share',
      anchorDay: ANCHOR,
      windowDays: WINDOW,
      throughDay: THROUGH,
      scope: days.map(share),
      comparison: null,
    });
    expect(effect.naive!.estimate).toBeCloseTo(-0.15, 2);
    expect(effect.verdict).toBe('improved');
  });
});
