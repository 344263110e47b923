import {
  type BgNbdParameters,
  bgNbdEstimates,
  conditionalExpectedPurchases,
  fitBgNbd,
  probabilityAlive,
  probabilityOfPurchases,
} from './bg-nbd.js';
import { fitGammaGamma, gammaGammaEstimates } from './gamma-gamma.js';
import { predictedLifetimeValue } from './lifetime-value.js';
import type { MaximumLikelihoodFit, ParameterEstimate } from './maximum-likelihood.js';
import type { PurchaseHistory } from './purchase-history.js';

/** A buyer as the value models read them: history in weeks and the mean value of repeat purchases. */
export interface Buyer {
  readonly history: PurchaseHistory;
  readonly meanRepeatValue: number;
}

/** Fewest buyers (and repeat buyers) before a model is fitted at all: below, estimates are mostly noise. */
export const MINIMUM_BUYERS = 200;
export const MINIMUM_REPEAT_BUYERS = 50;
/**
 * The fit check passes when expected and observed shares of customers per repeat count differ by less than
 * 2 points plus about two standard errors of a share (1/√n), so a right model is not failed by small samples.
 */
export function fitCheckTolerance(buyers: number): number {
  return 0.02 + 1 / Math.sqrt(buyers);
}

export interface FitCheckRow {
  readonly repeatPurchases: string;
  readonly observed: number;
  readonly expected: number;
}

export interface ValueModel {
  readonly bgNbd: Readonly<Record<string, ParameterEstimate>>;
  readonly gammaGamma: Readonly<Record<string, ParameterEstimate>>;
  readonly logLikelihood: number;
  /** Observed vs expected customers by repeat purchases 0…6, 7+ (Fader, Hardie & Lee 2005, figure 1). */
  readonly fitCheck: readonly FitCheckRow[];
  /** Largest gap between observed and expected shares in the fit check. */
  readonly fitCheckLargestGap: number;
  /** Converged, with intervals, and the fit check within tolerance. */
  readonly validated: boolean;
  readonly purchasing: BgNbdParameters;
  predictedValue(buyer: Buyer, options: { weeks: number; discountRatePerMonth: number }): number;
  predictedPurchases(buyer: Buyer, weeks: number): number;
  probabilityAlive(buyer: Buyer): number;
}

export type ValueModelOutcome = { fitted: true; model: ValueModel } | { fitted: false; reason: string };

const FIT_CHECK_BUCKETS = 8;

function usable(fit: MaximumLikelihoodFit<string>): boolean {
  return fit.converged && fit.hasIntervals;
}

/**
 * Fit BG/NBD and Gamma-Gamma to an organisation's buyers and check the purchase model against the
 * histogram of repeat purchases it was fitted on.
 */
export function fitValueModel(buyers: readonly Buyer[]): ValueModelOutcome {
  const repeatBuyers = buyers.filter((buyer) => buyer.history.frequency > 0 && buyer.meanRepeatValue > 0);
  if (buyers.length < MINIMUM_BUYERS) {
    return { fitted: false, reason: `${buyers.length} buyers; the models need at least ${MINIMUM_BUYERS}` };
  }
  if (repeatBuyers.length < MINIMUM_REPEAT_BUYERS) {
    return {
      fitted: false,
      reason: `${repeatBuyers.length} repeat buyers; the spend model needs at least ${MINIMUM_REPEAT_BUYERS}`,
    };
  }
  const purchaseFit = fitBgNbd(buyers.map((buyer) => buyer.history));
  const spendFit = fitGammaGamma(
    repeatBuyers.map((buyer) => ({ frequency: buyer.history.frequency, meanValue: buyer.meanRepeatValue })),
  );
  const purchasing = bgNbdEstimates(purchaseFit);
  const spending = gammaGammaEstimates(spendFit);
  if (!(spending.q > 1) || purchasing.a === 1) {
    return { fitted: false, reason: 'the fitted parameters leave expected spend or purchases undefined' };
  }

  const observed = new Array<number>(FIT_CHECK_BUCKETS).fill(0);
  const expected = new Array<number>(FIT_CHECK_BUCKETS).fill(0);
  for (const { history } of buyers) {
    observed[Math.min(history.frequency, FIT_CHECK_BUCKETS - 1)]! += 1;
    let below = 0;
    for (let x = 0; x < FIT_CHECK_BUCKETS - 1; x++) {
      const p = probabilityOfPurchases(purchasing, history.age, x);
      expected[x]! += p;
      below += p;
    }
    expected[FIT_CHECK_BUCKETS - 1]! += Math.max(0, 1 - below);
  }
  const fitCheck = observed.map((count, x) => ({
    repeatPurchases: x === FIT_CHECK_BUCKETS - 1 ? `${x}+` : String(x),
    observed: count,
    expected: expected[x]!,
  }));
  const fitCheckLargestGap = Math.max(
    ...fitCheck.map((row) => Math.abs(row.observed - row.expected) / buyers.length),
  );
  const model: ValueModel = {
    bgNbd: purchaseFit.parameters,
    gammaGamma: spendFit.parameters,
    logLikelihood: purchaseFit.logLikelihood,
    fitCheck,
    fitCheckLargestGap,
    validated:
      usable(purchaseFit) && usable(spendFit) && fitCheckLargestGap < fitCheckTolerance(buyers.length),
    purchasing,
    predictedValue: (buyer, { weeks, discountRatePerMonth }) =>
      predictedLifetimeValue(purchasing, spending, buyer.history, buyer.meanRepeatValue, {
        periods: Math.max(1, Math.round((weeks * 12) / 52)),
        periodLength: 52 / 12,
        discountRatePerPeriod: discountRatePerMonth,
      }),
    predictedPurchases: (buyer, weeks) => conditionalExpectedPurchases(purchasing, buyer.history, weeks),
    probabilityAlive: (buyer) => probabilityAlive(purchasing, buyer.history),
  };
  return { fitted: true, model };
}
