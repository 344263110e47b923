import { describe, expect, it } from 'vitest';
import {
  advocacyRetention,
  cohortRetention,
  conditionalExpectedPurchases,
  contractRetentionCurve,
  expectedPurchases,
  predictedLifetimeValue,
  probabilityAlive,
  proportionInterval,
  Sfc32,
  simulateCustomers,
} from './index.js';
import { hypergeometric2F1, logGamma, twoSidedPValue } from './special.js';

const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('special functions', () => {
  it('log Γ matches factorials and Γ(½) = √π', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });

  it('₂F₁ matches its closed forms', () => {
    expect(hypergeometric2F1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    expect(hypergeometric2F1(2, 3, 3, 0.9)).toBeCloseTo(0.1 ** -2, 8);
  });

  it('p-values of familiar z statistics', () => {
    expect(twoSidedPValue(1.959963984540054)).toBeCloseTo(0.05, 6);
    expect(twoSidedPValue(0)).toBeCloseTo(1, 6);
  });
});

describe('BG/NBD expectations', () => {
  it('E[X(t)] agrees with simulated customers (60 000, CDNOW parameters)', () => {
    const customers = simulateCustomers({
      customers: 60_000,
      purchasing: CDNOW,
      spending: { p: 6.25, q: 3.74, gamma: 15.44 },
      acquisitionSpan: 0,
      calibrationEnd: 39,
      holdoutLength: 0,
      seed: 9,
    });
    const simulated = customers.reduce((sum, c) => sum + c.history.frequency, 0) / customers.length;
    expect(expectedPurchases(CDNOW, 39)).toBeCloseTo(simulated, 1);
  });

  it('P(alive) is 1 without repeat purchases and falls with time since the last one', () => {
    expect(probabilityAlive(CDNOW, { frequency: 0, recency: 0, age: 30 })).toBe(1);
    const recent = probabilityAlive(CDNOW, { frequency: 4, recency: 29, age: 30 });
    const lapsed = probabilityAlive(CDNOW, { frequency: 4, recency: 5, age: 30 });
    expect(recent).toBeGreaterThan(0.8);
    expect(lapsed).toBeLessThan(recent / 2);
  });

  it('the paper’s worked customer: x = 2, tₓ = 30.43, T = 38.86 expects about 1.23 purchases in 39 weeks', () => {
    // Fader, Hardie & Lee (2005), section 5: customer 1 of the CDNOW sample expects ≈ 1.226.
    const history = { frequency: 2, recency: 30.43, age: 38.86 };
    expect(conditionalExpectedPurchases(CDNOW, history, 39)).toBeCloseTo(1.226, 1);
  });
});

describe('predicted lifetime value', () => {
  const spending = { p: 6.25, q: 3.74, gamma: 15.44 };
  const history = { frequency: 3, recency: 20, age: 30 };
  const options = { periods: 12, periodLength: 52 / 12, discountRatePerPeriod: 0.01 };

  it('is expected purchases × expected value when nothing is discounted', () => {
    const value = predictedLifetimeValue(CDNOW, spending, history, 40, {
      ...options,
      discountRatePerPeriod: 0,
    });
    const purchases = conditionalExpectedPurchases(CDNOW, history, 52);
    const perPurchase = (spending.p * (spending.gamma + 3 * 40)) / (spending.p * 3 + spending.q - 1);
    expect(value).toBeCloseTo(purchases * perPurchase, 6);
  });

  it('discounting lowers it', () => {
    const undiscounted = predictedLifetimeValue(CDNOW, spending, history, 40, {
      ...options,
      discountRatePerPeriod: 0,
    });
    expect(predictedLifetimeValue(CDNOW, spending, history, 40, options)).toBeLessThan(undiscounted);
  });
});

describe('retention', () => {
  it('cohort retention counts customers still buying k months on, only for observed months', () => {
    const cohorts = cohortRetention(
      [
        { firstPurchaseMonth: 10, lastPurchaseMonth: 10, repeatPurchases: 0 },
        { firstPurchaseMonth: 10, lastPurchaseMonth: 12, repeatPurchases: 2 },
        { firstPurchaseMonth: 10, lastPurchaseMonth: 11, repeatPurchases: 1 },
        { firstPurchaseMonth: 12, lastPurchaseMonth: 12, repeatPurchases: 0 },
      ],
      14,
    );
    expect(cohorts.map((c) => [c.cohortMonth, c.customers, c.retained.map((r) => r.estimate)])).toEqual([
      [10, 3, [2 / 3, 1 / 3, 0]],
      [12, 1, [0]],
    ]);
  });

  it('Kaplan–Meier censors customers still under contract', () => {
    const curve = contractRetentionCurve([
      { duration: 1, cancelled: true },
      { duration: 2, cancelled: false },
      { duration: 3, cancelled: true },
      { duration: 4, cancelled: false },
    ]);
    expect(curve).toEqual([
      { time: 1, surviving: 0.75, atRisk: 4 },
      { time: 3, surviving: 0.75 * 0.5, atRisk: 2 },
    ]);
  });

  it('Wilson interval of 45/100', () => {
    const interval = proportionInterval(45, 100)!;
    expect(interval.low).toBeCloseTo(0.3557, 3);
    expect(interval.high).toBeCloseTo(0.5478, 3);
  });
});

describe('advocacy linked to retention', () => {
  it('reports each NPS group per window and leaves out windows not yet over', () => {
    const random = new Sfc32(4);
    const observations = Array.from({ length: 600 }, (_, i) => {
      const group = (['promoter', 'passive', 'detractor'] as const)[i % 3]!;
      const keeps = { promoter: 0.8, passive: 0.6, detractor: 0.4 }[group];
      const retained = random.uniform() < keeps;
      return {
        group,
        windows: {
          90: { retained, spend: retained ? 50 : 0 },
          180: i < 300 ? { retained, spend: 0 } : undefined,
        },
      };
    });
    const results = advocacyRetention(observations);
    const promoters90 = results.find((r) => r.group === 'promoter' && r.windowDays === 90)!;
    const detractors90 = results.find((r) => r.group === 'detractor' && r.windowDays === 90)!;
    expect(promoters90.retention!.sampleSize).toBe(200);
    expect(promoters90.retention!.low).toBeGreaterThan(detractors90.retention!.high);
    expect(results.find((r) => r.group === 'promoter' && r.windowDays === 180)!.retention!.sampleSize).toBe(
      100,
    );
  });
});
