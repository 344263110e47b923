import { type BgNbdParameters, conditionalExpectedPurchases } from './bg-nbd.js';
import { conditionalExpectedSpend, type GammaGammaParameters } from './gamma-gamma.js';
import type { PurchaseHistory } from './purchase-history.js';

export interface LifetimeValueOptions {
  /** How many periods ahead to value (e.g. 12 for a year in months). */
  readonly periods: number;
  /** Length of one period in the models' time unit (e.g. 52/12 weeks for a month). */
  readonly periodLength: number;
  /** Discount rate per period (e.g. 0.01 a month); future money is worth less today. */
  readonly discountRatePerPeriod: number;
}

/**
 * Predicted customer lifetime value: expected purchases in each coming period (BG/NBD, conditional on the
 * customer's history) times their expected value per purchase (Gamma-Gamma), discounted to today:
 * CLV = Σₖ (E[Y(k·L)] − E[Y((k−1)·L)]) · E[M] / (1 + d)ᵏ.
 *
 * @example
 * predictedLifetimeValue(bgNbd, gammaGamma, history, meanValue, { periods: 12, periodLength: 52 / 12, discountRatePerPeriod: 0.01 });
 */
export function predictedLifetimeValue(
  purchasing: BgNbdParameters,
  spending: GammaGammaParameters,
  history: PurchaseHistory,
  meanRepeatValue: number,
  options: LifetimeValueOptions,
): number {
  const valuePerPurchase = conditionalExpectedSpend(spending, {
    frequency: history.frequency,
    meanValue: meanRepeatValue,
  });
  let value = 0;
  let purchasedBefore = 0;
  for (let k = 1; k <= options.periods; k++) {
    const purchasedBy = conditionalExpectedPurchases(purchasing, history, k * options.periodLength);
    value += ((purchasedBy - purchasedBefore) * valuePerPurchase) / (1 + options.discountRatePerPeriod) ** k;
    purchasedBefore = purchasedBy;
  }
  return value;
}
