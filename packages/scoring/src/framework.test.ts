import { describe, expect, it } from 'vitest';
import { higherIsBetter, mappingProblem } from './attainment.js';
import {
  allElements,
  allIndicators,
  cemFramework,
  findElement,
  findIndicator,
  listIndicators,
  surveyItemText,
} from './framework/index.js';
import { metricCatalogue } from './metrics.js';
import { toolsAndProcessesPulse } from './pulse.js';

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** One indicator per bullet of seeds/002 (see docs/scoring.md for the three unmarked bullets and D2.6). */
// biome-ignore format: one row per dimension reads like the seed
const bulletsPerElement: Record<string, number> = {
  'D1.1': 6, 'D1.2': 4, 'D1.3': 5, 'D1.4': 6, 'D1.5': 3,
  'D2.1': 6, 'D2.2': 6, 'D2.3': 7, 'D2.4': 5, 'D2.5': 6, 'D2.6': 7, 'D2.7': 4, 'D2.8': 4,
  'D3.1': 6, 'D3.2': 3, 'D3.3': 5, 'D3.4': 7, 'D3.5': 5, 'D3.6': 4, 'D3.7': 3,
  'D4.1': 6, 'D4.2': 7,
  'D5.1': 5, 'D5.2': 5, 'D5.3': 5, 'D5.4': 6, 'D5.5': 5,
  'D6.1': 8, 'D6.2': 6, 'D6.3': 6, 'D6.4': 5, 'D6.5': 4,
};

const automated = allIndicators.filter((indicator) => ['D5', 'D6'].includes(indicator.dimensionId));
/** Indicators that may read pipeline metrics: Discover, Devise and the response team (D4.2). */
const measurable = allIndicators.filter(
  (indicator) => ['D5', 'D6'].includes(indicator.dimensionId) || indicator.elementId === 'D4.2',
);

describe('the framework as data', () => {
  it('has the six dimensions in order and all 32 elements', () => {
    expect(cemFramework.dimensions.map((dimension) => dimension.name)).toEqual([
      'Define',
      'Design',
      'Develop',
      'Deploy',
      'Discover',
      'Devise',
    ]);
    expect(allElements.map((element) => element.id)).toEqual(Object.keys(bulletsPerElement));
  });

  it('weights sum exactly: 1000 in all, Alignment 400, Performance 600, Discover 250', () => {
    expect(sum(allElements.map((element) => element.points))).toBe(1000);
    const groupPoints = (group: string) =>
      sum(allElements.filter((e) => findDimension(e.dimensionId).group === group).map((e) => e.points));
    expect(groupPoints('alignment')).toBe(400);
    expect(groupPoints('performance')).toBe(600);
    expect(sum(findDimension('D5').elements.map((element) => element.points))).toBe(250);
    expect(findDimension('D5').elements.every((element) => element.points === 50)).toBe(true);
    for (const dimension of cemFramework.dimensions) {
      expect(sum(dimension.elements.map((element) => element.points)), dimension.name).toBe(dimension.points);
    }
    expect(cemFramework.dimensions.map((dimension) => dimension.points)).toEqual([
      100, 160, 140, 100, 250, 250,
    ]);
  });

  it('has one indicator per bullet of the seed, with stable ids', () => {
    for (const element of allElements) {
      expect(element.indicators.length, element.id).toBe(bulletsPerElement[element.id]);
      element.indicators.forEach((indicator, index) => {
        expect(indicator.id).toBe(`${element.id}.${index + 1}`);
        expect(indicator.elementId).toBe(element.id);
      });
    }
    expect(allIndicators).toHaveLength(170);
    expect(new Set(allIndicators.map((indicator) => indicator.id)).size).toBe(170);
  });

  it('phrases each indicator as a short clause completing "In our organisation, …"', () => {
    for (const indicator of allIndicators) {
      expect(indicator.statement, indicator.id).toMatch(/^([a-z]|[A-Z]{2,})/); // lower case unless an acronym (HR, CX)
      expect(indicator.statement, indicator.id).not.toMatch(/[.!?]$/);
      expect(indicator.statement.length, indicator.id).toBeLessThanOrEqual(120);
    }
    expect(surveyItemText(findIndicator('D5.1.5')!)).toBe(
      'In our organisation, customers are thanked or recognised for the time they give to feedback.',
    );
  });

  it('gives every element a statement of objective', () => {
    for (const element of allElements) expect(element.objective.length, element.id).toBeGreaterThan(20);
  });
});

describe('evidence declarations', () => {
  it('every Discover and Devise indicator has at least one evidence source', () => {
    expect(automated).toHaveLength(55);
    for (const indicator of automated) {
      const sources = indicator.evidence.metrics.length + (indicator.evidence.survey ? 1 : 0);
      expect(sources, indicator.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('uses pipeline metrics in Discover, Devise and the response team (D4.2) only', () => {
    const elsewhere = allIndicators.filter(
      (indicator) => !measurable.includes(indicator) && indicator.evidence.metrics.length > 0,
    );
    expect(elsewhere).toEqual([]);
    // The response team is scored from its own work: four of its seven indicators read triage metrics.
    expect(listIndicators({ elements: ['D4.2'] }).filter((i) => i.evidence.metrics.length > 0)).toHaveLength(
      4,
    );
  });

  it('reads every catalogue metric somewhere, and only catalogue metrics', () => {
    const used = new Set(
      measurable.flatMap((indicator) => indicator.evidence.metrics.map((rule) => rule.metric)),
    );
    expect([...used].sort()).toEqual(metricCatalogue.map((metric) => metric.id).sort());
  });

  it('declares well-formed mappings with a reason, one favourable direction per metric', () => {
    const direction = new Map<string, boolean>();
    for (const indicator of measurable) {
      for (const rule of indicator.evidence.metrics) {
        expect(mappingProblem(rule.mapping), `${indicator.id} ${rule.metric}`).toBeUndefined();
        expect(rule.reason.length).toBeGreaterThan(30);
        const better = higherIsBetter(rule.mapping);
        expect(direction.get(rule.metric) ?? better, rule.metric).toBe(better);
        direction.set(rule.metric, better);
      }
    }
  });
});

describe('metric catalogue', () => {
  it('documents every metric: snake_case id, unit, window, description, sample', () => {
    for (const metric of metricCatalogue) {
      expect(metric.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(metric.windowDays).toBeGreaterThan(0);
      expect(metric.id, 'the id names its window').toMatch(new RegExp(`_${metric.windowDays}d$`));
      expect(metric.description.length).toBeGreaterThan(60);
      expect(metric.sampleOf.length).toBeGreaterThan(3);
      expect(metric.halfConfidenceAt).toBeGreaterThan(0);
    }
  });

  it("has no metric about cxloop's own processing", () => {
    // Backlog, analysis lag and "channels connected to cxloop" measure our workers and onboarding, not the
    // organisation; they live in /metrics and doctor. The integration tests prove a backlog moves no score.
    const ids = metricCatalogue.map((metric) => metric.id);
    for (const removed of [
      'analysis_coverage_30d',
      'median_analysis_lag_minutes_30d',
      'channels_added_180d',
      'new_channel_effect_measured_180d',
      'customer_value_coverage_90d',
    ]) {
      expect(ids).not.toContain(removed);
    }
    for (const metric of metricCatalogue) {
      expect(metric.description, metric.id).not.toMatch(/analys(is|ed)|backlog|\blag\b|connected|metadata/i);
    }
  });
});

describe('listIndicators', () => {
  it('lists the indicators of chosen elements and dimensions, in framework order', () => {
    expect(listIndicators({ elements: ['D5.1'] }).map((indicator) => indicator.id)).toEqual([
      'D5.1.1',
      'D5.1.2',
      'D5.1.3',
      'D5.1.4',
      'D5.1.5',
    ]);
    const chosen = listIndicators({ dimensions: ['D4'], elements: ['D6.5', 'D1.5'] });
    expect(chosen.map((indicator) => indicator.elementId)).toEqual([
      'D1.5',
      'D1.5',
      'D1.5',
      ...Array(6).fill('D4.1'),
      ...Array(7).fill('D4.2'),
      'D6.5',
      'D6.5',
      'D6.5',
      'D6.5',
    ]);
    expect(listIndicators()).toHaveLength(170);
  });

  it('rejects ids the framework does not have', () => {
    expect(() => listIndicators({ elements: ['D5.9'] })).toThrow(/unknown element "D5.9"/);
    expect(() => listIndicators({ dimensions: ['D7' as 'D1'] })).toThrow(/unknown dimension "D7"/);
  });
});

describe('tools and processes pulse', () => {
  it('maps seven questions to indicators that exist', () => {
    expect(toolsAndProcessesPulse).toHaveLength(7);
    expect(new Set(toolsAndProcessesPulse.map((question) => question.id)).size).toBe(7);
    for (const question of toolsAndProcessesPulse) {
      expect(question.informs.length, question.id).toBeGreaterThan(0);
      for (const id of question.informs) expect(findIndicator(id), `${question.id} → ${id}`).toBeDefined();
    }
  });
});

function findDimension(id: string) {
  const dimension = cemFramework.dimensions.find((candidate) => candidate.id === id);
  if (dimension === undefined) throw new Error(`no dimension ${id}`);
  return dimension;
}

it('finds elements by id', () => {
  expect(findElement('D5.2')?.name).toBe('Feedback Channels');
  expect(findElement('D9.9')).toBeUndefined();
});
