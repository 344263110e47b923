import { describe, expect, it } from 'vitest';
import { compareHoldout } from './holdout.js';
import {
  bgNbdEstimates,
  fitBgNbd,
  fitGammaGamma,
  type MaximumLikelihoodFit,
  simulateCustomers,
} from './index.js';
import { RECOVERY_PLANS } from './testing/recovery-plans.js';

function expectWithinIntervals<Name extends string>(
  fit: MaximumLikelihoodFit<Name>,
  truth: Readonly<Record<Name, number>>,
) {
  expect(fit.converged).toBe(true);
  expect(fit.hasIntervals).toBe(true);
  for (const [name, value] of Object.entries<number>(truth)) {
    const estimate = fit.parameters[name as Name];
    expect({ name, truth: value, low: estimate.low, high: estimate.high }).toSatisfy(
      () => estimate.low! <= value && value <= estimate.high!,
    );
  }
}

describe.each(RECOVERY_PLANS)('$name', (plan) => {
  const customers = simulateCustomers(plan);

  it('BG/NBD: every true parameter inside its 95 % interval; hold-out purchases within 5 %', () => {
    const fit = fitBgNbd(customers.map((c) => c.history));
    expectWithinIntervals(fit, plan.purchasing);

    // The same check the analysis runs on an organisation's purchases (holdout.ts).
    const check = compareHoldout(
      bgNbdEstimates(fit),
      customers.map((c) => ({ calibration: c.history, holdoutPurchases: c.holdoutPurchases })),
      new Date(),
      plan.holdoutLength,
    );
    expect(check.actual).toBe(customers.reduce((sum, c) => sum + c.holdoutPurchases, 0));
    expect(Math.abs(check.relativeError)).toBeLessThan(0.05);
  });

  it('Gamma-Gamma: every true parameter inside its 95 % interval', () => {
    const repeatBuyers = customers
      .filter((c) => c.repeatValues.length > 0)
      .map((c) => ({
        frequency: c.repeatValues.length,
        meanValue: c.repeatValues.reduce((sum, v) => sum + v, 0) / c.repeatValues.length,
      }));
    expectWithinIntervals(fitGammaGamma(repeatBuyers), plan.spending);
  });
});
