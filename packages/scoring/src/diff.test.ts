import { describe, expect, it } from 'vitest';
import { diffScores } from './diff.js';
import { combineDiffs } from './diff-span.js';
import type { Evidence } from './evidence.js';
import { scoreFramework } from './score.js';
import { observe, rate } from './testing/evidence-arbitraries.js';

const lastMonth: Evidence = {
  metrics: [observe('closed_loop_rate_30d', 0.3, 40), observe('active_channels_30d', 2, 300)],
  survey: [{ indicatorId: 'D1.1.1', mean: 4, respondents: 12 }],
};

const thisMonth: Evidence = {
  metrics: [observe('closed_loop_rate_30d', 0.9, 55), observe('active_channels_30d', 2, 340)],
  survey: [{ indicatorId: 'D1.1.1', mean: 4, respondents: 12 }],
};

describe('diffScores', () => {
  const diff = diffScores(scoreFramework(lastMonth), scoreFramework(thisMonth));

  it('lists the elements that moved, by how much, and nothing else', () => {
    // closed_loop_rate_30d informs D4.2.5 and D5.2.5; active channels only changed its sample size.
    expect(diff.elements.map((change) => change.elementId).sort()).toEqual(['D4.2', 'D5.2']);
    const d52 = diff.elements.find((change) => change.elementId === 'D5.2')!;
    expect(d52.delta).toBeCloseTo(d52.after - d52.before, 12);
    expect(d52.delta).toBeGreaterThan(0);
    expect(diff.total.delta).toBeCloseTo(
      diff.elements.reduce((sum, change) => sum + change.delta, 0),
      9,
    );
    expect(diff.dimensions.map((change) => change.dimensionId)).toEqual(['D4', 'D5']);
  });

  it('names the indicator and the evidence that caused the move, adding up to the delta', () => {
    const d42 = diff.elements.find((change) => change.elementId === 'D4.2')!;
    const causes = d42.causes;
    expect(causes.reduce((sum, cause) => sum + cause.points, 0)).toBeCloseTo(d42.delta, 12);
    expect(causes[0]).toMatchObject({
      kind: 'indicator',
      indicatorId: 'D4.2.5',
      attainmentBefore: 0,
      attainmentAfter: 1,
      evidence: [
        {
          source: 'closed_loop_rate_30d',
          before: { value: 0.3, sampleSize: 40 },
          after: { value: 0.9, sampleSize: 55 },
        },
      ],
    });
    // The objective is the assessor's alone: an indicator moving never moves it.
    expect(causes.some((cause) => cause.kind === 'objective')).toBe(false);
    expect(causes[0]!.points).toBeCloseTo((50 * 0.7) / 7, 12);
  });

  it('reports an objective that moved, and a change of weight', () => {
    const before = scoreFramework(thisMonth);
    const after = scoreFramework(
      { ...thisMonth, objectives: [rate('D1.1', 'fully')] },
      { weights: { 'D1.1': 30, 'D1.2': 10 } },
    );
    const d11 = diffScores(before, after).elements.find((change) => change.elementId === 'D1.1')!;
    expect(d11.causes.map((cause) => cause.kind).sort()).toEqual(['objective', 'weight']);
    expect(d11.causes.reduce((sum, cause) => sum + cause.points, 0)).toBeCloseTo(d11.delta, 12);
    // The old share (1 indicator of 6 at 0.75, objective unrated) is 0.7 × 0.125; 10 more points at that share.
    expect(d11.causes.find((cause) => cause.kind === 'weight')?.points).toBeCloseTo(
      10 * 0.7 * (0.75 / 6),
      12,
    );
    expect(d11.causes.find((cause) => cause.kind === 'objective')).toMatchObject({
      levelBefore: null,
      levelAfter: 'fully',
      sourceAfter: 'assessor',
    });
  });

  it('is empty between identical scores', () => {
    const score = scoreFramework(thisMonth);
    const same = diffScores(score, scoreFramework(thisMonth));
    expect(same.elements).toEqual([]);
    expect(same.total.delta).toBe(0);
    expect(same.stageBefore).toBe(same.stageAfter);
  });
});

describe('combineDiffs', () => {
  it('folds consecutive diffs into the diff between the first and the last score', () => {
    const a = scoreFramework(lastMonth);
    const b = scoreFramework(thisMonth);
    const c = scoreFramework({
      ...thisMonth,
      metrics: [observe('closed_loop_rate_30d', 0.5, 70), observe('active_channels_30d', 4, 400)],
      objectives: [rate('D5.2', 'partially')],
    });
    const combined = combineDiffs([diffScores(a, b), diffScores(b, c)])!;
    const direct = diffScores(a, c);
    expect(combined.total.delta).toBeCloseTo(direct.total.delta, 9);
    const pointsByCause = (diff: typeof direct) =>
      Object.fromEntries(
        diff.elements.flatMap((element) =>
          element.causes.map((cause) => [
            `${element.elementId}/${cause.kind === 'indicator' ? cause.indicatorId : cause.kind}`,
            Math.round(cause.points * 1e9) / 1e9,
          ]),
        ),
      );
    expect(pointsByCause(combined)).toEqual(pointsByCause(direct));
    const d525 = combined.elements
      .find((element) => element.elementId === 'D5.2')!
      .causes.find((cause) => cause.kind === 'indicator' && cause.indicatorId === 'D5.2.5');
    expect(d525).toMatchObject({
      evidence: [
        {
          source: 'closed_loop_rate_30d',
          before: { value: 0.3, sampleSize: 40 },
          after: { value: 0.5, sampleSize: 70 },
        },
      ],
    });
    expect(combineDiffs([])).toBeUndefined();
  });
});
