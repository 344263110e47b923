import { type Interval, proportionInterval } from './intervals.js';

/**
 * Retention read from per-customer summaries (first and last purchase only, never the transactions).
 * A customer counts as retained k months after their first purchase when they bought again in or after
 * that month: "still buying", the survival reading of cohort retention that summaries can answer exactly.
 */
export interface RetentionSummary {
  /** Month index (e.g. months since 1970-01) of the first purchase: the customer's cohort. */
  readonly firstPurchaseMonth: number;
  readonly lastPurchaseMonth: number;
  readonly repeatPurchases: number;
}

export interface CohortRetention {
  readonly cohortMonth: number;
  readonly customers: number;
  /** retained[k]: share of the cohort still buying k months on (k = 1 … as far as observed). */
  readonly retained: readonly Interval[];
}

/**
 * Retention curves per first-purchase cohort, up to `asOfMonth` (a month is only reported once it has
 * been fully observable for the cohort, so the last point is not understated by a half-finished month).
 */
export function cohortRetention(
  customers: Iterable<RetentionSummary>,
  asOfMonth: number,
  maxMonths = 12,
): CohortRetention[] {
  const cohorts = new Map<number, number[]>();
  for (const { firstPurchaseMonth, lastPurchaseMonth } of customers) {
    const monthsActive = lastPurchaseMonth - firstPurchaseMonth;
    const cohort = cohorts.get(firstPurchaseMonth);
    if (cohort) cohort.push(monthsActive);
    else cohorts.set(firstPurchaseMonth, [monthsActive]);
  }
  return [...cohorts]
    .sort(([a], [b]) => a - b)
    .map(([cohortMonth, monthsActive]) => {
      const observable = Math.min(maxMonths, asOfMonth - cohortMonth - 1);
      const retained: Interval[] = [];
      for (let k = 1; k <= observable; k++) {
        const still = monthsActive.filter((months) => months >= k).length;
        retained.push(proportionInterval(still, monthsActive.length)!);
      }
      return { cohortMonth, customers: monthsActive.length, retained };
    });
}

/** Share of customers who bought more than once. */
export function repeatPurchaseRate(customers: Iterable<RetentionSummary>): Interval | undefined {
  let total = 0;
  let repeaters = 0;
  for (const { repeatPurchases } of customers) {
    total++;
    if (repeatPurchases > 0) repeaters++;
  }
  return proportionInterval(repeaters, total);
}

/** A contract customer: how long they have been (or were) a customer, and whether they cancelled. */
export interface ContractSpell {
  readonly duration: number;
  readonly cancelled: boolean;
}

export interface SurvivalPoint {
  readonly time: number;
  readonly surviving: number;
  readonly atRisk: number;
}

/**
 * Kaplan–Meier retention curve for contractual businesses (renewals/cancellations): customers still under
 * contract are censored at their current duration, not counted as lost.
 */
export function contractRetentionCurve(spells: readonly ContractSpell[]): SurvivalPoint[] {
  const sorted = [...spells].sort((a, b) => a.duration - b.duration);
  const curve: SurvivalPoint[] = [];
  let surviving = 1;
  let atRisk = sorted.length;
  let i = 0;
  while (i < sorted.length) {
    const time = sorted[i]!.duration;
    let cancelled = 0;
    let leaving = 0;
    while (i < sorted.length && sorted[i]!.duration === time) {
      if (sorted[i]!.cancelled) cancelled++;
      leaving++;
      i++;
    }
    if (cancelled > 0) {
      surviving *= 1 - cancelled / atRisk;
      curve.push({ time, surviving, atRisk });
    }
    atRisk -= leaving;
  }
  return curve;
}
