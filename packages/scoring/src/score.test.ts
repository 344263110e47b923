import { describe, expect, it } from 'vitest';
import type { ElementScore } from './element.js';
import type { Evidence, SurveyResult } from './evidence.js';
import type { FrameworkScore } from './score.js';
import { scoreFramework } from './score.js';
import { observe, rate } from './testing/evidence-arbitraries.js';

function element(score: FrameworkScore, id: string): ElementScore {
  const found = score.dimensions.flatMap((dimension) => dimension.elements).find((e) => e.id === id);
  if (found === undefined) throw new Error(`no element ${id}`);
  return found;
}

/** A survey result from `respondents` staff with the given mean. */
const survey = (indicatorId: string, mean: number, respondents = 20): SurveyResult => ({
  indicatorId,
  mean,
  respondents,
});

/** D5.2's five indicators at attainment 1, 0.5, missing, 1, 0: mean 0.5. */
const feedbackChannels: Evidence = {
  metrics: [observe('active_channels_30d', 4, 900)],
  survey: [survey('D5.2.2', 3), survey('D5.2.4', 5), survey('D5.2.5', 1)],
};

describe('scoreFramework: the 70/30 rule', () => {
  it('scores an element as points × (0.7 × indicator attainment + 0.3 × objective)', () => {
    const rated = scoreFramework({ ...feedbackChannels, objectives: [rate('D5.2', 'fully')] });
    const d52 = element(rated, 'D5.2');
    expect(d52.attainment).toBeCloseTo(0.5, 12);
    expect(d52.objective).toMatchObject({
      level: 'fully',
      achievement: 1,
      source: 'assessor',
      confidence: 1,
    });
    expect(d52.points).toBeCloseTo(50 * (0.7 * 0.5 + 0.3 * 1), 12); // 32.5
    expect(d52.missing).toEqual(['D5.2.3']);
    // active_channels_30d informs D5.2.1 alone (feedback channels are not delivery channels: not D6.4.3).
    expect(element(rated, 'D6.4').points).toBe(0);
    expect(rated.total).toBeCloseTo(32.5, 12);
  });

  it('never derives the objective from the indicators: unrated earns nothing, whatever they show', () => {
    const allFull: Evidence = {
      survey: ['D5.2.1', 'D5.2.2', 'D5.2.3', 'D5.2.4', 'D5.2.5'].map((id) => survey(id, 5)),
    };
    const d52 = element(scoreFramework(allFull), 'D5.2');
    expect(d52.attainment).toBe(1);
    expect(d52.objective).toMatchObject({ level: null, achievement: 0, source: 'unrated', confidence: 0 });
    expect(d52.points).toBeCloseTo(50 * 0.7, 12);
  });

  it('shows staff answers to the objective question beside the rating without scoring them', () => {
    const staffView = { elementId: 'D5.2', fully: 9, partially: 1, notYet: 0 };
    const unrated = element(
      scoreFramework({ ...feedbackChannels, staffObjectiveViews: [staffView] }),
      'D5.2',
    );
    expect(unrated.objective).toMatchObject({ source: 'unrated', achievement: 0, staffView });
    expect(unrated.points).toBeCloseTo(element(scoreFramework(feedbackChannels), 'D5.2').points, 12);
    const rated = element(
      scoreFramework({
        ...feedbackChannels,
        objectives: [rate('D5.2', 'not_yet')],
        staffObjectiveViews: [staffView],
      }),
      'D5.2',
    );
    expect(rated.objective).toMatchObject({
      level: 'not_yet',
      achievement: 0,
      source: 'assessor',
      staffView,
    });
  });

  it('scores a survey-only element the same way (D1.5, 20 points)', () => {
    const score = scoreFramework({
      survey: [survey('D1.5.1', 5), survey('D1.5.2', 5), survey('D1.5.3', 3)],
      objectives: [rate('D1.5', 'partially')],
    });
    const d15 = element(score, 'D1.5');
    expect(d15.attainment).toBeCloseTo(2.5 / 3, 12);
    expect(d15.points).toBeCloseTo(20 * (0.7 * (2.5 / 3) + 0.3 * 0.5), 12);
    expect(score.dimensions[0]!.points).toBeCloseTo(d15.points, 12);
  });

  it("scores the assessor's level: Fully 1, Partially ½, Not yet 0, and keeps the rating in the trail", () => {
    const objective = (level: 'fully' | 'partially' | 'not_yet') =>
      element(scoreFramework({ objectives: [rate('D2.1', level)] }), 'D2.1');
    expect(objective('fully').points).toBeCloseTo(20 * 0.3, 12);
    expect(objective('partially').points).toBeCloseTo(20 * 0.3 * 0.5, 12);
    expect(objective('not_yet').points).toBe(0);
    expect(objective('partially').objective.rating).toEqual(rate('D2.1', 'partially'));
  });
});

describe('scoreFramework: combining sources and confidence', () => {
  it('weights each source by its weight × confidence', () => {
    const score = scoreFramework({
      metrics: [observe('acknowledgement_rate_30d', 0.95, 10), observe('closed_loop_rate_30d', 0.3, 10)],
      survey: [survey('D5.2.5', 3, 5)],
    });
    const indicator = element(score, 'D5.2').indicators[4]!;
    // Weights: metric 2 × 0.5, metric 2 × 0.5, survey 1 × 0.5 → (1 × 1 + 1 × 0 + 0.5 × 0.5) / 2.5
    expect(indicator.attainment).toBeCloseTo(0.5, 12);
    expect(indicator.confidence).toBeCloseTo(1 - 0.5 ** 3, 12);
    expect(indicator.evidence.map((used) => used.source)).toEqual(['metric', 'metric', 'survey']);
  });

  it('lets confidence grow with sample size', () => {
    const confidenceAt = (sampleSize: number) =>
      element(scoreFramework({ metrics: [observe('closed_loop_rate_30d', 0.6, sampleSize)] }), 'D5.2')
        .indicators[4]!.confidence;
    expect(confidenceAt(1)).toBeLessThan(confidenceAt(10));
    expect(confidenceAt(10)).toBeCloseTo(0.5, 12);
    expect(confidenceAt(1000)).toBeGreaterThan(0.99);
  });

  it('reports an indicator without evidence as missing, not as a measured zero', () => {
    const score = scoreFramework({});
    expect(score.total).toBe(0);
    expect(score.coverage).toEqual({ indicators: 170, measured: 0, missing: 170 });
    const first = score.dimensions[0]!.elements[0]!;
    expect(first.indicators[0]).toMatchObject({
      status: 'missing',
      attainment: null,
      confidence: 0,
      evidence: [],
    });
    expect(first.objective).toMatchObject({ level: null, source: 'unrated', achievement: 0 });
    expect(score.stage).toBe('ignore');
    expect(score.confidence).toBe(0);
  });

  it('treats a reading with an empty sample as no evidence, but still shows it', () => {
    const score = scoreFramework({ metrics: [observe('rising_issues_planned_90d', 0, 0)] });
    const indicator = element(score, 'D6.2').indicators[0]!;
    expect(indicator.status).toBe('missing');
    expect(indicator.evidence).toEqual([
      expect.objectContaining({ metric: 'rising_issues_planned_90d', confidence: 0 }),
    ]);
  });

  it('reports per indicator the evidence used: values, n, window, and the attainment it gave', () => {
    const score = scoreFramework({ metrics: [observe('median_first_response_hours_30d', 6, 42)] });
    expect(element(score, 'D4.2').indicators[2]!.evidence[0]).toEqual({
      source: 'metric',
      metric: 'median_first_response_hours_30d',
      value: 6,
      sampleSize: 42,
      window: { from: '2025-05-01', to: '2025-05-30' },
      attainment: 0.8,
      confidence: 42 / 52,
    });
  });
});

describe('scoreFramework: totals, stages, gap and actions', () => {
  it('reaches 1000 and Embed when every indicator and objective is fully met', () => {
    const perfect = scoreFramework(fullEvidence());
    expect(perfect.total).toBeCloseTo(1000, 9);
    expect(perfect.stage).toBe('embed');
    expect(perfect.groups.alignment.points).toBeCloseTo(400, 9);
    expect(perfect.groups.performance.points).toBeCloseTo(600, 9);
    expect(perfect.actions).toEqual([]);
  });

  it('puts the total in its stage band and measures the gap to a target stage', () => {
    const half = scoreFramework(fullEvidence(3), { targetStage: 'align' });
    // Every indicator at 0.5 → objective Partially → every element at half its points.
    expect(half.total).toBeCloseTo(500, 9);
    expect(half.stage).toBe('operationalize');
    expect(half.gap?.target).toBe('align');
    expect(half.gap?.reached).toBe(false);
    expect(half.gap?.points).toBeCloseTo(200, 9);
    expect(half.gap?.dimensions.find((gap) => gap.id === 'D5')?.points).toBeCloseTo(0.2 * 250, 9);
    expect(scoreFramework(fullEvidence(3), { targetStage: 'mobilize' }).gap).toMatchObject({
      reached: true,
      points: 0,
    });
  });

  it('ranks improvement actions by the points they would add, rating an objective first', () => {
    const unrated = scoreFramework({}, { maxActions: 500 });
    // An unrated 50-point objective is worth 50 × 0.3 = 15, more than any single indicator; D4.1 comes first.
    expect(unrated.actions[0]).toMatchObject({
      rank: 1,
      kind: 'rate_objective',
      indicatorId: null,
      elementId: 'D4.1',
      pointsAvailable: 15,
      evidence: ['assessor_rating'],
    });
    expect(unrated.actions.filter((action) => action.kind === 'rate_objective')).toHaveLength(32);

    const rated = scoreFramework(
      { objectives: allElementIds().map((id) => rate(id, 'not_yet')) },
      { maxActions: 3 },
    );
    // An indicator of D6.5 (4 indicators, 50 points) is worth 50 × 0.7 / 4 = 8.75, the most of any.
    expect(rated.actions.map((action) => action.indicatorId)).toEqual(['D6.5.1', 'D6.5.2', 'D6.5.3']);
    expect(rated.actions[0]).toMatchObject({
      rank: 1,
      kind: 'gather_evidence',
      attainment: null,
      evidence: ['staff_survey'],
    });
    expect(rated.actions[0]!.pointsAvailable).toBeCloseTo(8.75, 12);
  });

  it('values an improvement at its indicator share only: the objective does not follow the indicators', () => {
    const score = scoreFramework(
      {
        survey: ['D6.5.1', 'D6.5.2', 'D6.5.3', 'D6.5.4'].map((id) => survey(id, 4)),
        objectives: [rate('D6.5', 'partially')],
      },
      { maxActions: 200 },
    );
    const action = score.actions.find((candidate) => candidate.indicatorId === 'D6.5.1');
    expect(action?.kind).toBe('improve_practice');
    expect(action?.pointsAvailable).toBeCloseTo((50 * 0.7 * 0.25) / 4, 12);
  });
});

describe('scoreFramework: options and bad input', () => {
  it('applies weight overrides', () => {
    const score = scoreFramework(fullEvidence(), { weights: { 'D1.1': 40, 'D1.2': 0 } });
    expect(element(score, 'D1.1').max).toBe(40);
    expect(element(score, 'D1.2').share).toBe(0);
    expect(score.total).toBeCloseTo(1000, 9);
  });

  it('rejects evidence it cannot read, naming what is wrong', () => {
    expect(() =>
      scoreFramework({ metrics: [observe('no_such_metric' as 'active_channels_30d', 1)] }),
    ).toThrow(/unknown metric "no_such_metric"/);
    expect(() => scoreFramework({ metrics: [observe('closed_loop_rate_30d', 1.2)] })).toThrow(
      /closed_loop_rate_30d: value 1.2 is a share/,
    );
    expect(() =>
      scoreFramework({ metrics: [observe('active_channels_30d', 2), observe('active_channels_30d', 3)] }),
    ).toThrow(/duplicate evidence for active_channels_30d/);
    expect(() => scoreFramework({ survey: [survey('D5.1.9', 3)] })).toThrow(/unknown indicator "D5.1.9"/);
    expect(() => scoreFramework({ survey: [survey('D5.1.1', 6)] })).toThrow(/mean must lie in \[1, 5\]/);
    expect(() =>
      scoreFramework({
        survey: [{ indicatorId: 'D5.1.1', mean: 3, respondents: 4, distribution: [1, 1, 1, 0, 0] }],
      }),
    ).toThrow(/distribution adds up to 3, respondents is 4/);
    expect(() => scoreFramework({ objectives: [rate('D7.1', 'fully')] })).toThrow(
      'objectives[0].elementId: unknown element "D7.1"',
    );
  });

  it('rejects a negative number of actions', () => {
    expect(() => scoreFramework({}, { maxActions: -1 })).toThrow(/maxActions must be a whole number/);
  });

  it('rejects stage bands out of order', () => {
    expect(() => scoreFramework({}, { stageBands: [] })).toThrow(/expected 6 bands/);
  });
});

function allElementIds(): string[] {
  return scoreFramework({}).dimensions.flatMap((dimension) => dimension.elements.map((e) => e.id));
}

/** Every indicator answered with the same survey mean, and every objective rated to match. */
function fullEvidence(mean = 5): Evidence {
  const ids = scoreFramework({}).dimensions.flatMap((dimension) => dimension.elements);
  return {
    survey: ids.flatMap((e) => e.indicators.map((indicator) => survey(indicator.id, mean))),
    objectives: ids.map((e) => rate(e.id, mean === 5 ? 'fully' : 'partially')),
  };
}
