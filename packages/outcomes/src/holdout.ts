import { type BgNbdParameters, bgNbdEstimates, conditionalExpectedPurchases, fitBgNbd } from './bg-nbd.js';
import type { PurchaseHistory } from './purchase-history.js';
import { MINIMUM_BUYERS } from './value-model.js';

/** A buyer seen up to the end of the calibration period, and how often they bought in the hold-out after it. */
export interface HoldoutBuyer {
  readonly calibration: PurchaseHistory;
  readonly holdoutPurchases: number;
}

export interface HoldoutCheck {
  /** End of the calibration period (ISO date); the hold-out runs from there to the analysis date. */
  readonly calibrationEnd: string;
  readonly holdoutWeeks: number;
  readonly buyers: number;
  /** Purchases the model fitted on the calibration period expects in the hold-out, all buyers together. */
  readonly predicted: number;
  readonly actual: number;
  /** (predicted − actual) / actual. */
  readonly relativeError: number;
}

/**
 * The papers' validation: fit BG/NBD on purchases up to a date, predict each buyer's purchases after it
 * (E[Y(t) | x, tₓ, T]) and compare the total with what they bought (Fader, Hardie & Lee 2005, figure 4).
 * Undefined below the models' minimum of buyers or without a single hold-out purchase to compare with.
 */
export function holdoutCheck(
  buyers: readonly HoldoutBuyer[],
  calibrationEnd: Date,
  holdoutWeeks: number,
): HoldoutCheck | undefined {
  const actual = buyers.reduce((sum, buyer) => sum + buyer.holdoutPurchases, 0);
  if (buyers.length < MINIMUM_BUYERS || actual === 0 || holdoutWeeks <= 0) return undefined;
  const purchasing = bgNbdEstimates(fitBgNbd(buyers.map((buyer) => buyer.calibration)));
  return compareHoldout(purchasing, buyers, calibrationEnd, holdoutWeeks);
}

/** The comparison itself, for parameters already fitted on the calibration period. */
export function compareHoldout(
  purchasing: BgNbdParameters,
  buyers: readonly HoldoutBuyer[],
  calibrationEnd: Date,
  holdoutWeeks: number,
): HoldoutCheck {
  const actual = buyers.reduce((sum, buyer) => sum + buyer.holdoutPurchases, 0);
  const predicted = buyers.reduce(
    (sum, buyer) => sum + conditionalExpectedPurchases(purchasing, buyer.calibration, holdoutWeeks),
    0,
  );
  return {
    calibrationEnd: calibrationEnd.toISOString().slice(0, 10),
    holdoutWeeks,
    buyers: buyers.length,
    predicted,
    actual,
    relativeError: (predicted - actual) / actual,
  };
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** The longest hold-out used: half a year, the papers' 39 weeks being longer than most histories here. */
const LONGEST_HOLDOUT_WEEKS = 26;
const SHORTEST_HOLDOUT_WEEKS = 4;

/**
 * Where to split an organisation's purchases for the hold-out check: the last half of what has been observed,
 * at most 26 weeks, so the calibration period keeps at least as long a history. Undefined when under eight
 * weeks have been observed.
 */
export function holdoutPeriodFor(
  firstPurchases: Iterable<Date>,
  asOf: Date,
): { calibrationEnd: Date; weeks: number } | undefined {
  let earliest = asOf.getTime();
  for (const first of firstPurchases) earliest = Math.min(earliest, first.getTime());
  const weeks = Math.min(LONGEST_HOLDOUT_WEEKS, Math.floor((asOf.getTime() - earliest) / WEEK_MS / 2));
  if (weeks < SHORTEST_HOLDOUT_WEEKS) return undefined;
  return { calibrationEnd: new Date(asOf.getTime() - weeks * WEEK_MS), weeks };
}

/** A buyer's purchases split at the end of the calibration period, as the hold-out check reads them. */
export function holdoutBuyerOf(
  purchases: {
    firstAt: Date;
    lastCalibrationAt: Date;
    calibrationCount: number;
    holdoutCount: number;
  },
  calibrationEnd: Date,
): HoldoutBuyer {
  const first = purchases.firstAt.getTime();
  return {
    calibration: {
      frequency: purchases.calibrationCount - 1,
      recency: purchases.calibrationCount > 1 ? (purchases.lastCalibrationAt.getTime() - first) / WEEK_MS : 0,
      age: (calibrationEnd.getTime() - first) / WEEK_MS,
    },
    holdoutPurchases: purchases.holdoutCount,
  };
}
