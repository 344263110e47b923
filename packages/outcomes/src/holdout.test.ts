import { describe, expect, it } from 'vitest';
import { holdoutCheck } from './holdout.js';

// Its accuracy on simulated BG/NBD customers is tested with the parameter recovery (recovery.test.ts).
describe('holdoutCheck', () => {
  const buyers = (count: number, holdoutPurchases: number) =>
    Array.from({ length: count }, (_, i) => ({
      calibration: { frequency: i % 4, recency: i % 4 === 0 ? 0 : 5 + (i % 7), age: 20 + (i % 9) },
      holdoutPurchases,
    }));

  it('says nothing below the models’ minimum of buyers, or without a purchase to compare with', () => {
    expect(holdoutCheck(buyers(50, 1), new Date(), 10)).toBeUndefined();
    expect(holdoutCheck(buyers(400, 0), new Date(), 10)).toBeUndefined();
  });

  it('reports the period, the buyers and the purchases it compared', () => {
    const check = holdoutCheck(buyers(400, 1), new Date('2026-06-01T00:00:00Z'), 10)!;
    expect(check).toMatchObject({ calibrationEnd: '2026-06-01', holdoutWeeks: 10, buyers: 400, actual: 400 });
    expect(check.relativeError).toBeCloseTo((check.predicted - 400) / 400, 10);
  });
});
