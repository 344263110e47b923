import { estimatesOf, fitByMaximumLikelihood, type MaximumLikelihoodFit } from './maximum-likelihood.js';
import { logGamma } from './special.js';

/**
 * The Gamma-Gamma model of spend per purchase (Fader & Hardie 2013, "The Gamma-Gamma model of monetary
 * value"): a customer's purchase values are Gamma(p, ν) with their own scale ν ~ Gamma(q, γ), independent
 * of how often they buy. It is fitted on the customers with at least one repeat purchase, from the number
 * x and the mean value m̄ₓ of their repeat purchases.
 */
export type GammaGammaParameterName = 'p' | 'q' | 'gamma';
export type GammaGammaParameters = Readonly<Record<GammaGammaParameterName, number>>;
export type GammaGammaFit = MaximumLikelihoodFit<GammaGammaParameterName>;

/** A repeat buyer's spend: how many repeat purchases and their mean value. */
export interface SpendHistory {
  readonly frequency: number;
  readonly meanValue: number;
}

const NAMES: readonly GammaGammaParameterName[] = ['p', 'q', 'gamma'];

/**
 * ln f(m̄ₓ | p, q, γ; x), the density of a customer's mean purchase value (the note's equation 3):
 * f = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · m̄ₓ^(px−1) · x^(px) / (γ + m̄ₓ x)^(px+q).
 */
export function gammaGammaLogLikelihood(parameters: GammaGammaParameters, spend: SpendHistory): number {
  const { p, q, gamma } = parameters;
  const { frequency: x, meanValue: m } = spend;
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + m * x)
  );
}

/**
 * Fit Gamma-Gamma by maximum likelihood. Customers without repeat purchases or with a non-positive mean
 * carry no information for this model and must be left out by the caller.
 */
export function fitGammaGamma(spends: readonly SpendHistory[]): GammaGammaFit {
  if (spends.length === 0) throw new RangeError('fitGammaGamma needs at least one repeat buyer');
  for (const { frequency, meanValue } of spends) {
    if (!(frequency >= 1 && meanValue > 0)) {
      throw new RangeError(`spend needs frequency ≥ 1 and a positive mean, got ${frequency}, ${meanValue}`);
    }
  }
  const overallMean = spends.reduce((sum, s) => sum + s.meanValue, 0) / spends.length;
  // Start with a mean per purchase pγ/(q−1) equal to the observed one.
  const start = { p: 2, q: 3, gamma: overallMean };
  return fitByMaximumLikelihood(
    NAMES,
    (parameters) => spends.reduce((sum, spend) => sum + gammaGammaLogLikelihood(parameters, spend), 0),
    start,
  );
}

export function gammaGammaEstimates(fit: GammaGammaFit): GammaGammaParameters {
  return estimatesOf(fit);
}

/**
 * E[M | p, q, γ, m̄ₓ, x]: the expected value of this customer's future purchases, a weighted mean of the
 * population mean pγ/(q−1) and their own observed mean (the note's equation 5). For a customer without
 * repeat purchases (x = 0) it is the population mean. Needs q > 1.
 */
export function conditionalExpectedSpend(parameters: GammaGammaParameters, spend: SpendHistory): number {
  const { p, q, gamma } = parameters;
  const { frequency: x, meanValue: m } = spend;
  if (x === 0) return (p * gamma) / (q - 1);
  return (p * (gamma + x * m)) / (p * x + q - 1);
}
