import { estimatesOf, fitByMaximumLikelihood, type MaximumLikelihoodFit } from './maximum-likelihood.js';
import { groupHistories, type PurchaseHistory, type WeightedHistory } from './purchase-history.js';
import { hypergeometric2F1, logBeta, logGamma } from './special.js';

/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b).
 */
export type BgNbdParameterName = 'r' | 'alpha' | 'a' | 'b';
export type BgNbdParameters = Readonly<Record<BgNbdParameterName, number>>;
export type BgNbdFit = MaximumLikelihoodFit<BgNbdParameterName>;

const NAMES: readonly BgNbdParameterName[] = ['r', 'alpha', 'a', 'b'];

/**
 * ln L(r, α, a, b | x, tₓ, T) for one customer, the paper's equation (6):
 * L = B(a, b+x)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+T)^(r+x))
 *   + 1{x>0} · B(a+1, b+x−1)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+tₓ)^(r+x)).
 * With B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1) both terms share the factor B(a, b+x)/B(a, b).
 */
export function bgNbdLogLikelihood(parameters: BgNbdParameters, history: PurchaseHistory): number {
  const { r, alpha, a, b } = parameters;
  const { frequency: x, recency, age } = history;
  const shared = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + logBeta(a, b + x) - logBeta(a, b);
  const stillAlive = -(r + x) * Math.log(alpha + age);
  if (x === 0) return shared + stillAlive;
  const droppedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + recency);
  const larger = Math.max(stillAlive, droppedAfterLast);
  return shared + larger + Math.log(Math.exp(stillAlive - larger) + Math.exp(droppedAfterLast - larger));
}

/**
 * Fit BG/NBD by maximum likelihood over all customers' histories.
 *
 * @example
 * const fit = fitBgNbd(histories); // fit.parameters.r.estimate, .low, .high …
 */
export function fitBgNbd(histories: readonly PurchaseHistory[]): BgNbdFit {
  if (histories.length === 0) throw new RangeError('fitBgNbd needs at least one customer');
  const byFrequency = groupByFrequency(groupHistories(histories));
  const meanAge = histories.reduce((sum, h) => sum + h.age, 0) / histories.length;
  const meanFrequency = histories.reduce((sum, h) => sum + h.frequency, 0) / histories.length;
  // Start where r/α matches the observed purchase rate; the optimiser does the rest.
  const start = { r: 1, alpha: Math.max(meanAge / Math.max(meanFrequency, 0.01), 1e-3), a: 1, b: 3 };
  return fitByMaximumLikelihood(NAMES, (parameters) => totalLogLikelihood(parameters, byFrequency), start);
}

interface FrequencyGroup {
  readonly frequency: number;
  readonly histories: readonly WeightedHistory[];
}

function groupByFrequency(histories: readonly WeightedHistory[]): FrequencyGroup[] {
  const groups = new Map<number, WeightedHistory[]>();
  for (const history of histories) {
    const group = groups.get(history.frequency);
    if (group) group.push(history);
    else groups.set(history.frequency, [history]);
  }
  return [...groups].map(([frequency, members]) => ({ frequency, histories: members }));
}

/**
 * The same sum as bgNbdLogLikelihood over every history, with the Γ and B terms (which depend on x only)
 * computed once per distinct x: the fit evaluates this a few hundred times over up to millions of customers.
 */
function totalLogLikelihood(parameters: BgNbdParameters, groups: readonly FrequencyGroup[]): number {
  const { r, alpha, a, b } = parameters;
  let total = 0;
  for (const { frequency: x, histories } of groups) {
    const shared = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + logBeta(a, b + x) - logBeta(a, b);
    const dropoutOdds = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
    for (const { recency, age, customers } of histories) {
      const stillAlive = -(r + x) * Math.log(alpha + age);
      let value = stillAlive;
      if (x > 0) {
        const droppedAfterLast = dropoutOdds - (r + x) * Math.log(alpha + recency);
        const larger = Math.max(stillAlive, droppedAfterLast);
        value = larger + Math.log(Math.exp(stillAlive - larger) + Math.exp(droppedAfterLast - larger));
      }
      total += customers * (shared + value);
    }
  }
  return total;
}

/** The point estimates of a BG/NBD fit. */
export function bgNbdEstimates(fit: BgNbdFit): BgNbdParameters {
  return estimatesOf(fit);
}

/**
 * E[X(t)]: expected repeat purchases of a randomly chosen new customer in their first t time units
 * (the paper's equation 9).
 */
export function expectedPurchases(parameters: BgNbdParameters, t: number): number {
  const { r, alpha, a, b } = parameters;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hypergeometric2F1(r, b, a + b - 1, z));
}

/**
 * P(alive | x, tₓ, T): the probability the customer has not dropped out by the end of observation
 * (Fader, Hardie & Lee 2005, equation 11 with the paper's note on x = 0).
 */
export function probabilityAlive(parameters: BgNbdParameters, history: PurchaseHistory): number {
  const { r, alpha, a, b } = parameters;
  const { frequency: x, recency, age } = history;
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * ((alpha + age) / (alpha + recency)) ** (r + x));
}

/**
 * E[Y(t) | x, tₓ, T]: expected purchases in the next t time units of a customer with this history
 * (the paper's equation 10; the closed form holds for a ≠ 1).
 */
export function conditionalExpectedPurchases(
  parameters: BgNbdParameters,
  history: PurchaseHistory,
  t: number,
): number {
  const { r, alpha, a, b } = parameters;
  const { frequency: x, age } = history;
  if (t <= 0) return 0;
  const z = t / (alpha + age + t);
  const future =
    ((a + b + x - 1) / (a - 1)) *
    (1 - ((alpha + age) / (alpha + age + t)) ** (r + x) * hypergeometric2F1(r + x, b + x, a + b + x - 1, z));
  return future * probabilityAlive(parameters, history);
}

/**
 * P(X(t) = x): probability that a randomly chosen customer makes exactly x repeat purchases in their first
 * t time units (the paper's equation 8). Summed over customers it gives the expected histogram of repeat
 * purchases, the paper's first check of a fit against the data it was fitted on.
 */
export function probabilityOfPurchases(parameters: BgNbdParameters, t: number, x: number): number {
  const { r, alpha, a, b } = parameters;
  const shareStayed = alpha / (alpha + t);
  const shareBought = t / (alpha + t);
  const logPoisson = (j: number) =>
    logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * Math.log(shareStayed) + j * Math.log(shareBought);
  const alive = Math.exp(logBeta(a, b + x) - logBeta(a, b) + logPoisson(x));
  if (x === 0) return alive;
  let partial = 0;
  for (let j = 0; j < x; j++) partial += Math.exp(logPoisson(j));
  return alive + Math.exp(logBeta(a + 1, b + x - 1) - logBeta(a, b)) * (1 - partial);
}
