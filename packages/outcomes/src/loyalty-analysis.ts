import { type AdvocacyResult, advocacyRetention, npsGroupOf } from './advocacy.js';
import { type HoldoutBuyer, type HoldoutCheck, holdoutCheck } from './holdout.js';
import { type Interval, meanInterval } from './intervals.js';
import { type LoyaltyDriver, loyaltyDrivers } from './loyalty-drivers.js';
import {
  type CohortRetention,
  cohortRetention,
  contractRetentionCurve,
  repeatPurchaseRate,
  type SurvivalPoint,
} from './retention.js';
import { type Buyer, fitValueModel, type ValueModel } from './value-model.js';

/** One customer's summary, as the analysis reads it (times as Date, money in the customer's currency). */
export interface CustomerRecord {
  readonly customerRef: string;
  readonly segment: string | null;
  readonly firstPurchaseAt: Date | null;
  readonly firstPurchaseAmount: number;
  readonly lastPurchaseAt: Date | null;
  readonly purchaseCount: number;
  readonly purchaseSpend: number;
  readonly contractStartedAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly channels: readonly string[];
}

/** What a customer said: their first feedback with an NPS answer or topics in the period analysed. */
export interface FeedbackRecord {
  readonly customerRef: string;
  readonly answeredAt: Date;
  readonly nps: number | null;
  readonly topics: readonly string[];
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const CLV_WEEKS = 52;
const DISCOUNT_RATE_PER_MONTH = 0.01;
const ADVOCACY_WINDOWS = [90, 180] as const;

const monthIndex = (date: Date) => date.getUTCFullYear() * 12 + date.getUTCMonth();
const monthLabel = (index: number) =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export interface LoyaltyAnalysis {
  readonly asOf: string;
  readonly customers: number;
  readonly buyers: number;
  readonly repeatPurchaseRate: Interval | undefined;
  readonly cohorts: readonly (Omit<CohortRetention, 'cohortMonth'> & { cohort: string })[];
  readonly contractRetention: readonly SurvivalPoint[];
  readonly historicValue: {
    readonly spendPerCustomer: Interval | undefined;
    readonly bySegment: readonly { segment: string; spend: Interval | undefined }[];
    /** Money from repeat purchases: what loyalty is worth in the period observed. */
    readonly repeatRevenue: number;
    readonly totalRevenue: number;
  };
  /** Quantiles (10 … 90 %) of each repeat buyer's mean days between purchases. */
  readonly interPurchaseDays: Readonly<Record<'p10' | 'p25' | 'p50' | 'p75' | 'p90', number>> | undefined;
  readonly model:
    | { readonly fitted: false; readonly reason: string }
    | (Omit<ValueModel, 'predictedValue' | 'predictedPurchases' | 'probabilityAlive' | 'purchasing'> & {
        readonly fitted: true;
        readonly clv: {
          readonly horizonWeeks: number;
          readonly discountRatePerMonth: number;
          readonly quantiles: Readonly<Record<'p10' | 'p25' | 'p50' | 'p75' | 'p90', number>>;
          readonly total: number;
          /** Smallest predicted value in the top 20 %, and that group's share of all predicted value. */
          readonly topFifthThreshold: number;
          readonly topFifthShare: number;
          /** Share of top-20 % and of other customers who bought through each channel. */
          readonly channels: readonly { channel: string; topFifth: number; others: number }[];
        };
      });
  /** Calibration vs hold-out: purchases predicted after a split date by a fit on purchases before it. */
  readonly holdout: HoldoutCheck | undefined;
  readonly advocacy: readonly AdvocacyResult[];
  readonly drivers: readonly LoyaltyDriver[];
}

function buyerOf(customer: CustomerRecord, asOf: Date): Buyer | undefined {
  if (!customer.firstPurchaseAt || !customer.lastPurchaseAt || customer.purchaseCount === 0) return undefined;
  const first = customer.firstPurchaseAt.getTime();
  const repeats = customer.purchaseCount - 1;
  return {
    history: {
      frequency: repeats,
      recency: repeats > 0 ? (customer.lastPurchaseAt.getTime() - first) / WEEK_MS : 0,
      age: Math.max((asOf.getTime() - first) / WEEK_MS, 0),
    },
    meanRepeatValue: repeats > 0 ? (customer.purchaseSpend - customer.firstPurchaseAmount) / repeats : 0,
  };
}

/**
 * Everything the "Loyalty & value" view and the Discover/Devise indicators read, from per-customer
 * summaries and each customer's first answer: retention, historic and predicted value, value segments,
 * advocacy linked to retention and the feedback → outcome drivers, and the hold-out check when the caller
 * has split each buyer's purchases at a date. Pure: `asOf` is given.
 */
export function analyseLoyalty(
  customers: readonly CustomerRecord[],
  feedback: readonly FeedbackRecord[],
  asOf: Date,
  holdout?: { buyers: readonly HoldoutBuyer[]; calibrationEnd: Date; weeks: number },
): LoyaltyAnalysis {
  const buyersByRef = new Map<string, Buyer>();
  for (const customer of customers) {
    const buyer = buyerOf(customer, asOf);
    if (buyer) buyersByRef.set(customer.customerRef, buyer);
  }
  const purchasers = customers.filter((c) => buyersByRef.has(c.customerRef));
  const retention = purchasers.map((c) => ({
    firstPurchaseMonth: monthIndex(c.firstPurchaseAt!),
    lastPurchaseMonth: monthIndex(c.lastPurchaseAt!),
    repeatPurchases: c.purchaseCount - 1,
  }));
  const segments = [...new Set(purchasers.map((c) => c.segment ?? 'unsegmented'))].sort();
  const gaps = purchasers
    .filter((c) => c.purchaseCount > 1)
    .map((c) => (c.lastPurchaseAt!.getTime() - c.firstPurchaseAt!.getTime()) / DAY_MS / (c.purchaseCount - 1))
    .sort((a, b) => a - b);
  const quantiles = (sorted: readonly number[]) => ({
    p10: quantile(sorted, 0.1),
    p25: quantile(sorted, 0.25),
    p50: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
    p90: quantile(sorted, 0.9),
  });

  const outcome = fitValueModel([...buyersByRef.values()]);
  const fitted = outcome.fitted ? outcome.model : undefined;
  const linked = linkFeedback(customers, feedback, buyersByRef, fitted, asOf);

  return {
    asOf: asOf.toISOString(),
    customers: customers.length,
    buyers: purchasers.length,
    repeatPurchaseRate: repeatPurchaseRate(retention),
    cohorts: cohortRetention(retention, monthIndex(asOf)).map(({ cohortMonth, ...rest }) => ({
      cohort: monthLabel(cohortMonth),
      ...rest,
    })),
    contractRetention: contractRetentionCurve(
      customers
        .filter((c) => c.contractStartedAt)
        .map((c) => ({
          duration: Math.round(((c.cancelledAt ?? asOf).getTime() - c.contractStartedAt!.getTime()) / DAY_MS),
          cancelled: c.cancelledAt !== null,
        })),
    ),
    historicValue: {
      spendPerCustomer: meanInterval(purchasers.map((c) => c.purchaseSpend)),
      bySegment: segments.map((segment) => ({
        segment,
        spend: meanInterval(
          purchasers.filter((c) => (c.segment ?? 'unsegmented') === segment).map((c) => c.purchaseSpend),
        ),
      })),
      repeatRevenue: purchasers.reduce((sum, c) => sum + c.purchaseSpend - c.firstPurchaseAmount, 0),
      totalRevenue: purchasers.reduce((sum, c) => sum + c.purchaseSpend, 0),
    },
    interPurchaseDays: gaps.length > 0 ? quantiles(gaps) : undefined,
    model: fitted
      ? {
          fitted: true,
          bgNbd: fitted.bgNbd,
          gammaGamma: fitted.gammaGamma,
          logLikelihood: fitted.logLikelihood,
          fitCheck: fitted.fitCheck,
          fitCheckLargestGap: fitted.fitCheckLargestGap,
          validated: fitted.validated,
          clv: valueSegments(purchasers, buyersByRef, fitted, quantiles),
        }
      : { fitted: false, reason: outcome.fitted ? '' : outcome.reason },
    holdout: holdout && holdoutCheck(holdout.buyers, holdout.calibrationEnd, holdout.weeks),
    advocacy: advocacyRetention(linked.advocacy, [...ADVOCACY_WINDOWS]),
    drivers: loyaltyDrivers(linked.outcomes),
  };
}

function valueSegments(
  purchasers: readonly CustomerRecord[],
  buyersByRef: ReadonlyMap<string, Buyer>,
  model: ValueModel,
  quantiles: (sorted: readonly number[]) => Record<'p10' | 'p25' | 'p50' | 'p75' | 'p90', number>,
) {
  const valued = purchasers
    .map((customer) => ({
      customer,
      value: model.predictedValue(buyersByRef.get(customer.customerRef)!, {
        weeks: CLV_WEEKS,
        discountRatePerMonth: DISCOUNT_RATE_PER_MONTH,
      }),
    }))
    .sort((a, b) => b.value - a.value);
  const total = valued.reduce((sum, entry) => sum + entry.value, 0);
  const topCount = Math.max(1, Math.ceil(valued.length * 0.2));
  const top = valued.slice(0, topCount);
  const others = valued.slice(topCount);
  const channels = [...new Set(purchasers.flatMap((c) => c.channels))].sort();
  const shareUsing = (group: typeof valued, channel: string) =>
    group.length === 0 ? 0 : group.filter((e) => e.customer.channels.includes(channel)).length / group.length;
  return {
    horizonWeeks: CLV_WEEKS,
    discountRatePerMonth: DISCOUNT_RATE_PER_MONTH,
    quantiles: quantiles(valued.map((entry) => entry.value).reverse()),
    total,
    topFifthThreshold: top.at(-1)!.value,
    topFifthShare: total > 0 ? top.reduce((sum, entry) => sum + entry.value, 0) / total : 0,
    channels: channels.map((channel) => ({
      channel,
      topFifth: shareUsing(top, channel),
      others: shareUsing(others, channel),
    })),
  };
}

/**
 * Each customer's first answer in the period, joined to what they did after it. "Retained" over a window
 * means they bought again after answering and did not cancel within the window; windows not yet over are
 * left out. Spend in a window is the models' prediction for it (summaries hold no per-window spend).
 */
function linkFeedback(
  customers: readonly CustomerRecord[],
  feedback: readonly FeedbackRecord[],
  buyersByRef: ReadonlyMap<string, Buyer>,
  model: ValueModel | undefined,
  asOf: Date,
) {
  const byRef = new Map(customers.map((customer) => [customer.customerRef, customer]));
  const firstAnswer = new Map<string, FeedbackRecord>();
  for (const answer of feedback) {
    const seen = firstAnswer.get(answer.customerRef);
    if (!seen || answer.answeredAt < seen.answeredAt) firstAnswer.set(answer.customerRef, answer);
  }
  const advocacy = [];
  const outcomes = [];
  for (const answer of firstAnswer.values()) {
    const customer = byRef.get(answer.customerRef);
    const buyer = buyersByRef.get(answer.customerRef);
    if (!customer || !buyer) continue;
    const answered = answer.answeredAt.getTime();
    const windowOutcome = (days: number) => {
      if (answered + days * DAY_MS > asOf.getTime()) return undefined;
      const cancelledInWindow =
        customer.cancelledAt !== null &&
        customer.cancelledAt.getTime() > answered &&
        customer.cancelledAt.getTime() <= answered + days * DAY_MS;
      const boughtAfter = customer.lastPurchaseAt!.getTime() > answered;
      const spend = model ? model.predictedPurchases(buyer, days / 7) * averageValue(customer) : 0;
      return { retained: boughtAfter && !cancelledInWindow, spend };
    };
    const windows = Object.fromEntries(ADVOCACY_WINDOWS.map((days) => [days, windowOutcome(days)]));
    if (answer.nps !== null) advocacy.push({ group: npsGroupOf(answer.nps), windows });
    const first = windows[ADVOCACY_WINDOWS[0]];
    if (first) {
      const factors = new Set(answer.topics.map((topic) => `topic:${topic}`));
      if (answer.nps !== null) factors.add(`nps:${npsGroupOf(answer.nps)}`);
      outcomes.push({ factors, churned: !first.retained, spend: first.spend });
    }
  }
  return { advocacy, outcomes };
}

function averageValue(customer: CustomerRecord): number {
  return customer.purchaseCount > 0 ? customer.purchaseSpend / customer.purchaseCount : 0;
}
