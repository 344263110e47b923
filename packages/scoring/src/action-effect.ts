/**
 * The measured effect of an improvement action on its target metric, from daily tallies (never raw feedback):
 * before vs after an anchor day with 95 % intervals, a difference-in-differences estimate against a comparison
 * group where one exists, the pre-period trends a reader needs to judge whether the groups moved in parallel,
 * and a verdict. Pure: same tallies in, same effect out.
 *
 * Every metric an action can target is a ratio of daily sums (NPS: (promoters − detractors) × 100 ÷ answers;
 * a mean rating: sum ÷ answers; a topic's share: mentions ÷ feedback). Its variance is estimated with days as
 * clusters (the linearised ratio estimator), which needs nothing beyond the rollups' daily sums and also
 * absorbs day-to-day swings, so an interval is honest when feedback on one day is not independent.
 */

import type { ActionMetric } from '@cxloop/contracts/actions';

/** +1 when a larger value is better, −1 when smaller is (an action on a topic aims to make it heard less). */
export const metricDirection: Record<ActionMetric, 1 | -1> = {
  nps: 1,
  csat: 1,
  ces: 1,
  sentiment: 1,
  topic_share: -1,
};

/** One day of one group: the metric's numerator summed over the day, and the observations it is over. */
export interface DailyTally {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly sum: number;
  readonly count: number;
}

export interface EffectInput {
  readonly metric: ActionMetric;
  /** First day of the after window (the action's start or done day). */
  readonly anchorDay: string;
  /** Length of each window in days: before = [anchor − windowDays, anchor), after = [anchor, anchor + windowDays). */
  readonly windowDays: number;
  /** The action's scope, per day. */
  readonly scope: readonly DailyTally[];
  /** A comparable group outside the scope (other units, the rest of the feedback); null when none exists. */
  readonly comparison: readonly DailyTally[] | null;
  /** Last day with data that can count (today): the after window is cut here until it is complete. */
  readonly throughDay: string;
}

/** A metric over one window: its value and the standard error of it. */
export interface PeriodEstimate {
  readonly value: number | null;
  readonly standardError: number | null;
  /** Observations (answers, feedback) in the window. */
  readonly sampleSize: number;
  /** Days with at least one observation. */
  readonly daysObserved: number;
}

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly standardError: number;
}

/** The slope of weekly values over the before window, in metric units per week. */
export interface PreTrend {
  /** Week starts (days) and the metric's value that week; null in a week without observations. */
  readonly weeks: {
    readonly weekStart: string;
    readonly value: number | null;
    readonly sampleSize: number;
  }[];
  readonly slopePerWeek: number | null;
}

export type EffectVerdict = 'improved' | 'no_detectable_change' | 'worse';

export interface ActionEffect {
  readonly metric: ActionMetric;
  readonly before: {
    readonly from: string;
    readonly to: string;
    readonly scope: PeriodEstimate;
    readonly comparison: PeriodEstimate | null;
  };
  readonly after: {
    readonly from: string;
    readonly to: string;
    readonly scope: PeriodEstimate;
    readonly comparison: PeriodEstimate | null;
  };
  /** After − before in the scope alone. */
  readonly naive: Interval | null;
  /** (After − before in the scope) − (after − before in the comparison group). */
  readonly differenceInDifferences: Interval | null;
  readonly preTrends: {
    readonly scope: PreTrend;
    readonly comparison: PreTrend | null;
    /** Scope slope − comparison slope with its interval; near 0 supports parallel trends. */
    readonly slopeDifference: Interval | null;
  };
  /** `measuring` until both windows hold enough observations; then the verdict is given. */
  readonly status: 'measuring' | 'measured';
  /** Which estimate the verdict reads: the difference in differences where a comparison exists. */
  readonly basis: 'difference_in_differences' | 'before_after' | null;
  readonly verdict: EffectVerdict | null;
  /** The smallest true change the chosen estimate would detect at 80 % power and 5 % two-sided significance. */
  readonly minimumDetectableEffect: number | null;
  /** Whether the after window is complete (no later feedback can change it). */
  readonly complete: boolean;
}

/** Two-sided 95 % normal quantile. */
const Z_95 = 1.959_963_985;
/** Quantile for 80 % power. */
const Z_POWER_80 = 0.841_621_234;
/** Below these, a window says too little to judge: a week of days, and 30 observations. */
export const MIN_DAYS_OBSERVED = 7;
export const MIN_SAMPLE = 30;

const DAY_MS = 86_400_000;
export const WEEK_DAYS = 7;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function inWindow(tallies: readonly DailyTally[], from: string, toExclusive: string): DailyTally[] {
  return tallies.filter((tally) => tally.day >= from && tally.day < toExclusive && tally.count > 0);
}

/**
 * The ratio Σsum ÷ Σcount over a window, with a days-as-clusters standard error:
 * Var = D/(D−1) · Σ_d (sum_d − R·count_d)² ÷ (Σcount)².
 *
 * @example periodEstimate([{ day: '2026-01-01', sum: 8, count: 10 }, { day: '2026-01-02', sum: 6, count: 10 }]).value // 0.7
 */
export function periodEstimate(tallies: readonly DailyTally[]): PeriodEstimate {
  const days = tallies.filter((tally) => tally.count > 0);
  const total = days.reduce((acc, tally) => acc + tally.count, 0);
  if (total === 0) return { value: null, standardError: null, sampleSize: 0, daysObserved: 0 };
  const ratio = days.reduce((acc, tally) => acc + tally.sum, 0) / total;
  if (days.length < 2)
    return { value: ratio, standardError: null, sampleSize: total, daysObserved: days.length };
  const residuals = days.reduce((acc, tally) => acc + (tally.sum - ratio * tally.count) ** 2, 0);
  const variance = (days.length / (days.length - 1)) * (residuals / total ** 2);
  return { value: ratio, standardError: Math.sqrt(variance), sampleSize: total, daysObserved: days.length };
}

function interval(estimate: number, standardError: number): Interval {
  return {
    estimate,
    standardError,
    low: estimate - Z_95 * standardError,
    high: estimate + Z_95 * standardError,
  };
}

/** After − before, with the errors of two independent windows combined. */
function change(before: PeriodEstimate, after: PeriodEstimate): Interval | null {
  if (before.value === null || after.value === null) return null;
  if (before.standardError === null || after.standardError === null) return null;
  return interval(after.value - before.value, Math.hypot(before.standardError, after.standardError));
}

/** Whether a window holds enough to judge. */
function sufficient(estimate: PeriodEstimate): boolean {
  return (
    estimate.standardError !== null &&
    estimate.daysObserved >= MIN_DAYS_OBSERVED &&
    estimate.sampleSize >= MIN_SAMPLE
  );
}

/**
 * Weekly values over the before window and their slope, weighted by each week's precision (weighted least
 * squares with known variances, so a thin week pulls the line less).
 */
function preTrend(
  tallies: readonly DailyTally[],
  from: string,
  weeks: number,
): PreTrend & { slopeVariance: number | null } {
  const weekly = Array.from({ length: weeks }, (_, index) => {
    const weekStart = addDays(from, index * WEEK_DAYS);
    const estimate = periodEstimate(inWindow(tallies, weekStart, addDays(weekStart, WEEK_DAYS)));
    return { weekStart, index, estimate };
  });
  const points = weekly.filter(
    (week) =>
      week.estimate.value !== null && week.estimate.standardError !== null && week.estimate.standardError > 0,
  );
  let slope: number | null = null;
  let slopeVariance: number | null = null;
  if (points.length >= 2) {
    const weights = points.map((point) => 1 / point.estimate.standardError! ** 2);
    const weightTotal = weights.reduce((a, b) => a + b, 0);
    const meanX = points.reduce((acc, point, i) => acc + weights[i]! * point.index, 0) / weightTotal;
    const meanY =
      points.reduce((acc, point, i) => acc + weights[i]! * point.estimate.value!, 0) / weightTotal;
    const sxx = points.reduce((acc, point, i) => acc + weights[i]! * (point.index - meanX) ** 2, 0);
    const sxy = points.reduce(
      (acc, point, i) => acc + weights[i]! * (point.index - meanX) * (point.estimate.value! - meanY),
      0,
    );
    if (sxx > 0) {
      slope = sxy / sxx;
      slopeVariance = 1 / sxx;
    }
  }
  return {
    weeks: weekly.map((week) => ({
      weekStart: week.weekStart,
      value: week.estimate.value,
      sampleSize: week.estimate.sampleSize,
    })),
    slopePerWeek: slope,
    slopeVariance,
  };
}

function judge(basis: Interval, direction: 1 | -1): EffectVerdict {
  if (direction * basis.low > 0 && direction * basis.high > 0) return 'improved';
  if (direction * basis.low < 0 && direction * basis.high < 0) return 'worse';
  return 'no_detectable_change';
}

/**
 * Measures an action's effect. The verdict reads the difference in differences when the comparison group
 * has enough data in both windows (a change that happened everywhere is then not credited to the action),
 * otherwise the plain before/after change.
 *
 * @example
 * measureEffect({ metric: 'nps', anchorDay: '2026-03-01', windowDays: 28, throughDay: '2026-04-01', scope, comparison })
 *   .verdict // 'improved' | 'no_detectable_change' | 'worse' (null while measuring)
 */
export function measureEffect(input: EffectInput): ActionEffect {
  const beforeFrom = addDays(input.anchorDay, -input.windowDays);
  const afterEnd = addDays(input.anchorDay, input.windowDays);
  // The after window ends at its full length, or after today while it is still running (empty before the anchor).
  const afterTo =
    input.throughDay < input.anchorDay
      ? input.anchorDay
      : input.throughDay < afterEnd
        ? addDays(input.throughDay, 1)
        : afterEnd;
  const estimate = (tallies: readonly DailyTally[]) => ({
    before: periodEstimate(inWindow(tallies, beforeFrom, input.anchorDay)),
    after: periodEstimate(inWindow(tallies, input.anchorDay, afterTo)),
  });
  const scope = estimate(input.scope);
  const comparison = input.comparison === null ? null : estimate(input.comparison);
  const naive = change(scope.before, scope.after);
  const comparisonChange = comparison === null ? null : change(comparison.before, comparison.after);
  const differenceInDifferences =
    naive === null || comparisonChange === null
      ? null
      : interval(
          naive.estimate - comparisonChange.estimate,
          Math.hypot(naive.standardError, comparisonChange.standardError),
        );

  const weeks = Math.floor(input.windowDays / WEEK_DAYS);
  const trendFrom = addDays(input.anchorDay, -weeks * WEEK_DAYS);
  const scopeTrend = preTrend(input.scope, trendFrom, weeks);
  const comparisonTrend = input.comparison === null ? null : preTrend(input.comparison, trendFrom, weeks);
  const slopeDifference =
    comparisonTrend === null ||
    scopeTrend.slopePerWeek === null ||
    comparisonTrend.slopePerWeek === null ||
    scopeTrend.slopeVariance === null ||
    comparisonTrend.slopeVariance === null
      ? null
      : interval(
          scopeTrend.slopePerWeek - comparisonTrend.slopePerWeek,
          Math.sqrt(scopeTrend.slopeVariance + comparisonTrend.slopeVariance),
        );

  const scopeReady = sufficient(scope.before) && sufficient(scope.after);
  const comparisonReady =
    comparison !== null && sufficient(comparison.before) && sufficient(comparison.after);
  const basis = scopeReady
    ? comparisonReady && differenceInDifferences
      ? differenceInDifferences
      : naive
    : null;
  const strip = ({ slopeVariance: _, ...trend }: PreTrend & { slopeVariance: number | null }): PreTrend =>
    trend;
  return {
    metric: input.metric,
    before: {
      from: beforeFrom,
      to: addDays(input.anchorDay, -1),
      scope: scope.before,
      comparison: comparison?.before ?? null,
    },
    after: {
      from: input.anchorDay,
      to: addDays(afterTo, -1),
      scope: scope.after,
      comparison: comparison?.after ?? null,
    },
    naive,
    differenceInDifferences,
    preTrends: {
      scope: strip(scopeTrend),
      comparison: comparisonTrend === null ? null : strip(comparisonTrend),
      slopeDifference,
    },
    status: basis === null ? 'measuring' : 'measured',
    basis: basis === null ? null : basis === naive ? 'before_after' : 'difference_in_differences',
    verdict: basis === null ? null : judge(basis, metricDirection[input.metric]),
    minimumDetectableEffect: basis === null ? null : (Z_95 + Z_POWER_80) * basis.standardError,
    complete: input.throughDay >= addDays(afterEnd, -1),
  };
}
