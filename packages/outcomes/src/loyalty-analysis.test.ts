import { describe, expect, it } from 'vitest';
import {
  analyseLoyalty,
  type CustomerRecord,
  expectedPurchases,
  type FeedbackRecord,
  probabilityOfPurchases,
  Sfc32,
  simulateCustomers,
} from './index.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;
const START = Date.UTC(2025, 0, 1);
const AS_OF = new Date(START + 52 * WEEK_MS);
const PURCHASING = { r: 0.8, alpha: 6, a: 1.2, b: 6 };

/**
 * A year of simulated buyers as summaries, and one answer each a quarter in. Customers who raised
 * "delivery-delay" are made to stop buying after answering twice as often as the others (built-in effect).
 */
function simulatedOrganisation(seed: number) {
  const simulated = simulateCustomers({
    customers: 3000,
    purchasing: PURCHASING,
    spending: { p: 6, q: 4, gamma: 60 },
    acquisitionSpan: 12,
    calibrationEnd: 52,
    holdoutLength: 0,
    seed,
  });
  const random = new Sfc32(seed + 1);
  const customers: CustomerRecord[] = [];
  const feedback: FeedbackRecord[] = [];
  simulated.forEach(({ history, repeatValues }, i) => {
    const customerRef = `c${i}`;
    const first = AS_OF.getTime() - history.age * WEEK_MS;
    const answeredAt = new Date(first + 2 * WEEK_MS);
    const delayed = random.uniform() < 0.3;
    const churns = random.uniform() < (delayed ? 0.6 : 0.3);
    // A churner buys nothing after the first purchase, so nothing after the answer either.
    const cut = churns ? [] : repeatValues;
    const recency = churns ? 0 : history.recency;
    const firstAmount = 40;
    customers.push({
      customerRef,
      segment: i % 2 === 0 ? 'retail' : 'trade',
      firstPurchaseAt: new Date(first),
      firstPurchaseAmount: firstAmount,
      lastPurchaseAt: new Date(first + recency * WEEK_MS),
      purchaseCount: 1 + cut.length,
      purchaseSpend: firstAmount + cut.reduce((sum, v) => sum + v, 0),
      contractStartedAt: null,
      cancelledAt: null,
      channels: i % 3 === 0 ? ['web', 'store'] : ['store'],
    });
    feedback.push({
      customerRef,
      answeredAt,
      nps: churns ? 4 : 9,
      topics: delayed ? ['delivery-delay'] : [],
    });
  });
  return { customers, feedback };
}

describe('analyseLoyalty', () => {
  const { customers, feedback } = simulatedOrganisation(11);
  const analysis = analyseLoyalty(customers, feedback, AS_OF);

  it('fits the value models and reports value segments', () => {
    expect(analysis.model.fitted).toBe(true);
    if (!analysis.model.fitted) return;
    expect(analysis.model.clv.topFifthShare).toBeGreaterThan(0.2);
    expect(analysis.model.clv.quantiles.p90).toBeGreaterThanOrEqual(analysis.model.clv.quantiles.p10);
    expect(analysis.model.fitCheck.reduce((sum, row) => sum + row.observed, 0)).toBe(3000);
  });

  it('reports retention, spend per segment and the repeat revenue', () => {
    expect(analysis.buyers).toBe(3000);
    expect(analysis.cohorts.length).toBeGreaterThan(0);
    expect(analysis.historicValue.bySegment.map((s) => s.segment)).toEqual(['retail', 'trade']);
    expect(analysis.historicValue.repeatRevenue).toBeCloseTo(
      customers.reduce((sum, c) => sum + c.purchaseSpend - 40, 0),
      6,
    );
  });

  it('finds the built-in driver: delivery-delay raises the risk of no repeat purchase', () => {
    const delay = analysis.drivers.find((driver) => driver.factor === 'topic:delivery-delay')!;
    expect(delay.significant).toBe(true);
    expect(delay.relativeRiskLow).toBeGreaterThan(1);
    const promoters = analysis.advocacy.find((a) => a.group === 'promoter' && a.windowDays === 90)!;
    const detractors = analysis.advocacy.find((a) => a.group === 'detractor' && a.windowDays === 90)!;
    expect(promoters.retention!.low).toBeGreaterThan(detractors.retention!.high);
  });
});

describe('P(X(t) = x)', () => {
  it('is a distribution whose mean is E[X(t)]', () => {
    const probabilities = Array.from({ length: 400 }, (_, x) => probabilityOfPurchases(PURCHASING, 39, x));
    expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 6);
    const mean = probabilities.reduce((sum, p, x) => sum + x * p, 0);
    expect(mean).toBeCloseTo(expectedPurchases(PURCHASING, 39), 4);
  });
});
