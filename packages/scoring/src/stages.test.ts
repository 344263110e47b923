import { describe, expect, it } from 'vitest';
import { heldStagesOf, scoreFramework } from './score.js';
import { defaultStageBands, type StageId, stageForShare } from './stages.js';
import { rate } from './testing/evidence-arbitraries.js';

describe('stages: exact edges and hysteresis', () => {
  it('puts a share a floating-point hair below an edge in the stage of the edge', () => {
    expect(stageForShare(0.4999999999999999).stage).toBe('operationalize');
    expect(stageForShare(0.49999).stage).toBe('mobilize');
  });

  it('gives equal evidence the same stage, whatever the weights', () => {
    // Half of every indicator and a Partial objective: every element at exactly half its points.
    const score = scoreFramework(
      {
        survey: scoreFramework({})
          .dimensions.flatMap((d) => d.elements.flatMap((e) => e.indicators))
          .map((indicator) => ({ indicatorId: indicator.id, mean: 3, respondents: 9 })),
        objectives: scoreFramework({}).dimensions.flatMap((d) =>
          d.elements.map((e) => rate(e.id, 'partially')),
        ),
      },
      { weights: { 'D1.1': 15.3, 'D1.2': 36.8, 'D1.3': 3.3, 'D1.4': 20.4, 'D1.5': 24.2 } },
    );
    // D1's halves add up to 49.99999999999999 of 100 in floating point.
    expect(score.dimensions[0]!.attainment).toBeLessThan(0.5);
    const stages = new Set(score.dimensions.flatMap((d) => [d.stage, ...d.elements.map((e) => e.stage)]));
    expect([...stages]).toEqual(['operationalize']);
  });

  it('changes stage at most once while the share wobbles ±0.5 % around an edge', () => {
    const wobble = [0.497, 0.503, 0.4955, 0.5045, 0.4951, 0.5049, 0.4975, 0.5025, 0.499, 0.501];
    let held: StageId | undefined;
    let changes = 0;
    for (const share of wobble) {
      const stage = stageForShare(share, defaultStageBands, held).stage;
      if (held !== undefined && stage !== held) changes++;
      held = stage;
    }
    expect(changes).toBe(1);
    expect(held).toBe('operationalize');
  });

  it('still moves down once the share falls a full point below the edge', () => {
    expect(stageForShare(0.491, defaultStageBands, 'operationalize').stage).toBe('operationalize');
    expect(stageForShare(0.4899, defaultStageBands, 'operationalize').stage).toBe('mobilize');
    expect(stageForShare(0.2, defaultStageBands, 'operationalize').stage).toBe('explore');
    expect(stageForShare(0.7, defaultStageBands, 'mobilize').stage).toBe('align');
  });

  it('keeps the total, dimension and element stages of the previous score', () => {
    const evidenceAt = (level: 'fully' | 'partially') => ({
      objectives: scoreFramework({}).dimensions.flatMap((d) => d.elements.map((e) => rate(e.id, level))),
    });
    const previous = scoreFramework(evidenceAt('fully')); // 300 points: Mobilize
    expect(previous.stage).toBe('mobilize');
    const lower = scoreFramework(evidenceAt('partially'), { heldStages: heldStagesOf(previous) }); // 150
    expect(lower.stage).toBe('explore');
    const nudged = scoreFramework(
      { ...evidenceAt('fully'), survey: [] },
      { heldStages: { ...heldStagesOf(previous), total: 'operationalize' } },
    );
    expect(nudged.stage).toBe('mobilize'); // 0.3 is far more than a point below Operationalize
  });
});
