import { describe, expect, it } from 'vitest';
import type { ElementScore } from './element.js';
import { type Evidence, EvidenceError } from './evidence.js';
import { type FrameworkScore, scoreFramework } from './score.js';
import { override, rate } from './testing/evidence-arbitraries.js';

/** Assessors' judgements (overrides, targets) and the survey's minimum respondents, as scoring reads them. */

function element(score: FrameworkScore, id: string): ElementScore {
  return score.dimensions.flatMap((dimension) => dimension.elements).find((e) => e.id === id)!;
}

const d52Survey: Evidence = {
  survey: ['D5.2.1', 'D5.2.2', 'D5.2.3', 'D5.2.4', 'D5.2.5'].map((indicatorId) => ({
    indicatorId,
    mean: 3,
    respondents: 12,
  })),
};

describe('overrides', () => {
  it("replaces the indicator's attainment and shows the computed one beside it", () => {
    const score = scoreFramework({ ...d52Survey, overrides: [override('D5.2.1', 0.9)] });
    const indicator = element(score, 'D5.2').indicators[0]!;
    expect(indicator).toMatchObject({ status: 'overridden', attainment: 0.9, confidence: 1 });
    expect(indicator.override).toEqual({
      attainment: 0.9,
      computed: 0.5,
      reason: 'seen in the quarterly review',
      by: 'assessor',
      at: '2025-05-30T12:00:00Z',
    });
    expect(indicator.evidence).toHaveLength(1);
    expect(element(score, 'D5.2').attainment).toBeCloseTo((0.9 + 4 * 0.5) / 5, 12);
  });

  it('can give attainment to an indicator with no evidence (computed null)', () => {
    const indicator = element(scoreFramework({ overrides: [override('D6.1.2', 0.25)] }), 'D6.1')
      .indicators[1]!;
    expect(indicator).toMatchObject({ status: 'overridden', attainment: 0.25, override: { computed: null } });
  });
});

describe('targets', () => {
  it("shows each element's gap to its target points or stage, whichever is higher", () => {
    const score = scoreFramework({
      ...d52Survey,
      objectives: [rate('D5.2', 'partially')],
      targets: [
        { elementId: 'D5.2', targetPoints: 40 },
        { elementId: 'D5.3', targetStage: 'operationalize' },
        { elementId: 'D1.1', targetPoints: 2, targetStage: 'explore' },
      ],
    });
    // D5.2: 50 × (0.7 × 0.5 + 0.3 × 0.5) = 25 points; 15 short of 40.
    expect(element(score, 'D5.2').target).toEqual({ points: 40, gap: 15 });
    expect(element(score, 'D5.3').target).toEqual({ points: 25, stage: 'operationalize', gap: 25 });
    expect(element(score, 'D1.1').target).toEqual({ points: 3, stage: 'explore', gap: 3 });
    expect(element(score, 'D5.4').target).toBeUndefined();
  });

  it('ranks actions of the element with the largest gap first', () => {
    const targets = [
      { elementId: 'D1.2', targetPoints: 20 },
      { elementId: 'D3.7', targetPoints: 10 },
    ];
    const { actions } = scoreFramework({ targets }, { maxActions: 12 });
    // Without targets a 50-point objective (15 points) leads; with them D1.2 (gap 20) then D3.7 (gap 10).
    expect(actions[0]).toMatchObject({ elementId: 'D1.2', kind: 'rate_objective', gapToTarget: 20 });
    expect(actions.slice(0, 5).map((action) => action.elementId)).toEqual(Array(5).fill('D1.2'));
    expect(actions[5]).toMatchObject({ elementId: 'D3.7', kind: 'rate_objective', gapToTarget: 10 });
    expect(actions[9]).toMatchObject({ gapToTarget: 0, kind: 'rate_objective', elementId: 'D4.1' });
  });

  it('rejects a target above the element maximum, naming the field', () => {
    const attempt = () => scoreFramework({ targets: [{ elementId: 'D5.2', targetPoints: 51 }] });
    expect(attempt).toThrow(EvidenceError);
    expect(attempt).toThrow("targets[0].targetPoints: 51 exceeds D5.2's 50 points");
  });
});

describe('minimum respondents per survey item', () => {
  it('lets an item below the minimum contribute nothing, and says so without its answers', () => {
    const score = scoreFramework({
      survey: [
        { indicatorId: 'D2.1.1', mean: 5, respondents: 1, distribution: [0, 0, 0, 0, 1], minRespondents: 5 },
        { indicatorId: 'D2.1.2', mean: 5, respondents: 5, minRespondents: 5 },
      ],
    });
    const [held, counted] = element(score, 'D2.1').indicators;
    expect(held).toMatchObject({ status: 'missing', attainment: null, confidence: 0 });
    expect(held!.evidence).toEqual([{ source: 'survey_held_back', respondents: 1, minRespondents: 5 }]);
    expect(counted).toMatchObject({ status: 'measured', attainment: 1 });
  });
});

describe('judgements that cannot be read', () => {
  const cases: [string, Evidence, string][] = [
    [
      'a level outside the three',
      { objectives: [{ ...rate('D5.1', 'fully'), level: 'mostly' as 'fully' }] },
      'objectives[0].level',
    ],
    [
      'a rating without a reason',
      { objectives: [{ ...rate('D5.1', 'fully'), reason: ' ' }] },
      'objectives[0].reason',
    ],
    [
      'a rating without a time',
      { objectives: [{ ...rate('D5.1', 'fully'), ratedAt: 'yesterday' }] },
      'objectives[0].ratedAt',
    ],
    [
      'two ratings of one element',
      { objectives: [rate('D5.1', 'fully'), rate('D5.1', 'not_yet')] },
      'objectives[1]',
    ],
    ['an override above 1', { overrides: [override('D5.1.1', 1.5)] }, 'overrides[0].attainment'],
    [
      'an override of an unknown indicator',
      { overrides: [override('D5.1.9', 0.5)] },
      'overrides[0].indicatorId',
    ],
    [
      'an override without a reason',
      { overrides: [{ ...override('D5.1.1', 0.5), reason: '' }] },
      'overrides[0].reason',
    ],
    [
      'an override without its author',
      { overrides: [{ ...override('D5.1.1', 0.5), by: '' }] },
      'overrides[0].by',
    ],
    ['a target with neither points nor stage', { targets: [{ elementId: 'D5.1' }] }, 'targets[0]'],
    ['a negative target', { targets: [{ elementId: 'D5.1', targetPoints: -1 }] }, 'targets[0].targetPoints'],
    [
      'an unknown target stage',
      { targets: [{ elementId: 'D5.1', targetStage: 'win' as 'embed' }] },
      'targets[0].targetStage',
    ],
    [
      'a fractional staff view',
      { staffObjectiveViews: [{ elementId: 'D5.1', fully: 0.5, partially: 0, notYet: 0 }] },
      'staffObjectiveViews[0].fully',
    ],
    [
      'a fractional minimum',
      { survey: [{ indicatorId: 'D5.1.1', mean: 3, respondents: 3, minRespondents: 2.5 }] },
      'survey[0].minRespondents',
    ],
  ];
  it.each(cases)('rejects %s, naming the field', (_, evidence, field) => {
    try {
      scoreFramework(evidence);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EvidenceError);
      expect((error as EvidenceError).field).toBe(field);
    }
  });
});
