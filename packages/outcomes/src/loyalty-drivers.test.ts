import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, type CustomerOutcome, loyaltyDrivers, Sfc32 } from './index.js';

/**
 * Simulated linkage: customers who raised "delivery delay" churn twice as often (40 % vs 20 %) and spend
 * less; "packaging" is a placebo raised just as often with no effect. Seeded.
 */
function simulateLinkedCustomers(count: number, seed: number): CustomerOutcome[] {
  const random = new Sfc32(seed);
  return Array.from({ length: count }, () => {
    const factors = new Set<string>();
    if (random.uniform() < 0.3) factors.add('delivery-delay');
    if (random.uniform() < 0.3) factors.add('packaging');
    const churned = random.uniform() < (factors.has('delivery-delay') ? 0.4 : 0.2);
    const spend = churned ? 0 : random.gamma(4, 4 / 60);
    return { factors, churned, spend };
  });
}

describe('loyaltyDrivers', () => {
  // One seeded sample can go either way for a placebo (that is what a 5 % error rate means), so the
  // claims are checked over 200 seeded replications: the real effect is found (interval above 1) nearly
  // always, the placebo flagged about as rarely as the false-discovery rate allows.
  const replications = Array.from({ length: 200 }, (_, seed) => {
    const drivers = loyaltyDrivers(simulateLinkedCustomers(3000, seed + 1));
    return new Map(drivers.map((driver) => [driver.factor, driver]));
  });

  it('finds a topic that doubles churn risk, with an interval excluding 1 (and covering 2)', () => {
    const delays = replications.map((drivers) => drivers.get('delivery-delay')!);
    const found = delays.filter((delay) => delay.significant && delay.relativeRiskLow > 1);
    expect(found.length).toBeGreaterThanOrEqual(196);
    const covering = delays.filter((delay) => delay.relativeRiskLow <= 2 && 2 <= delay.relativeRiskHigh);
    expect(covering.length).toBeGreaterThanOrEqual(180);
    expect(delays.filter((delay) => delay.spendDifferenceHigh < 0).length).toBeGreaterThanOrEqual(196);
  });

  it('finds nothing in a placebo topic (false discoveries at most as often as the 5 % rate allows)', () => {
    const placebos = replications.map((drivers) => drivers.get('packaging')!);
    expect(placebos.filter((placebo) => placebo.significant).length).toBeLessThanOrEqual(16);
    const coveringOne = placebos.filter((p) => p.relativeRiskLow <= 1 && 1 <= p.relativeRiskHigh);
    expect(coveringOne.length).toBeGreaterThanOrEqual(184);
  });

  it('does not test a factor below the minimum support', () => {
    const rare = simulateLinkedCustomers(200, 5).map((customer, i) =>
      i < 10 ? { ...customer, factors: new Set([...customer.factors, 'rare']) } : customer,
    );
    expect(loyaltyDrivers(rare, { minimumSupport: 30 }).map((d) => d.factor)).not.toContain('rare');
  });
});

describe('benjaminiHochberg', () => {
  it('adjusts p-values by rank and keeps them monotone (the 1995 paper’s step-up rule)', () => {
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    expect(adjusted).toEqual([
      0.04,
      expect.closeTo(0.04 * (4 / 3), 12),
      expect.closeTo(0.04 * (4 / 3), 12),
      0.2,
    ]);
  });
});
