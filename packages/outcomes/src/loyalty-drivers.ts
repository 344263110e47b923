import { meanAndVariance } from './intervals.js';
import { twoSidedPValue, Z_95 } from './special.js';

/**
 * Feedback → outcome links ("drivers of loyalty"): for each factor (a topic a customer raised, or their
 * NPS group), the relative risk of churn among customers with the factor vs those without, and the
 * difference in their subsequent spend. Observational: a link is an association to investigate, not proof
 * that the factor causes the churn (docs/outcomes.md).
 */
export interface CustomerOutcome {
  /** Factors seen in the customer's feedback before the outcome window (topics, `nps:detractor` …). */
  readonly factors: ReadonlySet<string>;
  /** Churned (cancelled, or no repeat purchase) in the window after their feedback. */
  readonly churned: boolean;
  /** Spend in the same window. */
  readonly spend: number;
}

export interface LoyaltyDriver {
  readonly factor: string;
  readonly exposed: number;
  readonly unexposed: number;
  readonly churnRiskExposed: number;
  readonly churnRiskUnexposed: number;
  /** Relative risk of churn with its 95 % interval (log-RR method, Katz et al. 1978). */
  readonly relativeRisk: number;
  readonly relativeRiskLow: number;
  readonly relativeRiskHigh: number;
  readonly pValue: number;
  /** Benjamini–Hochberg adjusted p-value over every factor tested together. */
  readonly qValue: number;
  /** q < the false-discovery rate: a link worth tracking. */
  readonly significant: boolean;
  /** Mean spend with the factor minus without, with a 95 % (Welch, normal) interval. */
  readonly spendDifference: number;
  readonly spendDifferenceLow: number;
  readonly spendDifferenceHigh: number;
}

export interface LoyaltyDriverOptions {
  /** Fewest customers with and without the factor before it is tested at all. */
  readonly minimumSupport?: number;
  /** False-discovery rate for the Benjamini–Hochberg procedure. */
  readonly falseDiscoveryRate?: number;
}

/**
 * Test every factor seen with enough support; the result is sorted by q-value.
 *
 * @example
 * loyaltyDrivers(customers, { minimumSupport: 30 }).filter((d) => d.significant);
 */
export function loyaltyDrivers(
  customers: readonly CustomerOutcome[],
  options: LoyaltyDriverOptions = {},
): LoyaltyDriver[] {
  const minimumSupport = options.minimumSupport ?? 30;
  const falseDiscoveryRate = options.falseDiscoveryRate ?? 0.05;
  const factors = new Set(customers.flatMap((customer) => [...customer.factors]));
  const tested = [...factors].flatMap((factor) => {
    const exposed = customers.filter((customer) => customer.factors.has(factor));
    const unexposed = customers.filter((customer) => !customer.factors.has(factor));
    if (exposed.length < minimumSupport || unexposed.length < minimumSupport) return [];
    return [{ factor, ...compare(exposed, unexposed) }];
  });
  const qValues = benjaminiHochberg(tested.map((driver) => driver.pValue));
  return tested
    .map((driver, i) => ({ ...driver, qValue: qValues[i]!, significant: qValues[i]! < falseDiscoveryRate }))
    .sort((a, b) => a.qValue - b.qValue);
}

function compare(exposed: readonly CustomerOutcome[], unexposed: readonly CustomerOutcome[]) {
  const churnedExposed = exposed.filter((customer) => customer.churned).length;
  const churnedUnexposed = unexposed.filter((customer) => customer.churned).length;
  // Haldane's ½ correction only when a cell is empty, so the log stays finite.
  const correction = churnedExposed === 0 || churnedUnexposed === 0 ? 0.5 : 0;
  const a = churnedExposed + correction;
  const c = churnedUnexposed + correction;
  const n1 = exposed.length + 2 * correction;
  const n0 = unexposed.length + 2 * correction;
  const logRelativeRisk = Math.log(a / n1 / (c / n0));
  const standardError = Math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0);

  const spendExposed = meanAndVariance(exposed.map((customer) => customer.spend));
  const spendUnexposed = meanAndVariance(unexposed.map((customer) => customer.spend));
  const spendDifference = spendExposed.mean - spendUnexposed.mean;
  const spendError = Math.sqrt(
    spendExposed.variance / spendExposed.n + spendUnexposed.variance / spendUnexposed.n,
  );
  return {
    exposed: exposed.length,
    unexposed: unexposed.length,
    churnRiskExposed: churnedExposed / exposed.length,
    churnRiskUnexposed: churnedUnexposed / unexposed.length,
    relativeRisk: Math.exp(logRelativeRisk),
    relativeRiskLow: Math.exp(logRelativeRisk - Z_95 * standardError),
    relativeRiskHigh: Math.exp(logRelativeRisk + Z_95 * standardError),
    pValue: twoSidedPValue(logRelativeRisk / standardError),
    spendDifference,
    spendDifferenceLow: spendDifference - Z_95 * spendError,
    spendDifferenceHigh: spendDifference + Z_95 * spendError,
  };
}

/**
 * Benjamini–Hochberg (1995) adjusted p-values, in the order given: q₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎·m/j.
 * Testing every topic at 5 % would otherwise "find" one spurious driver in twenty.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1]!;
    running = Math.min(running, (pValues[index]! * m) / rank);
    adjusted[index] = running;
  }
  return adjusted;
}
