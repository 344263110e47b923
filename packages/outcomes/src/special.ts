/**
 * The special functions the purchase models need: log Γ, log B and the Gauss hypergeometric series.
 * Written out here (Lanczos 1964, g = 7; series of Abramowitz & Stegun 15.1.1) because JavaScript has none.
 */

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * ln Γ(x) for x > 0 (about 15 significant digits).
 *
 * @example
 * logGamma(5); // ln 24 ≈ 3.1781
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the approximation in the range where it is accurate.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const shifted = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0]!;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i]! / (shifted + i);
  const t = shifted + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const SERIES_TOLERANCE = 1e-14;
const SERIES_MAX_TERMS = 1_000_000;

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series. The BG/NBD
 * expectations only ever need z = t / (α + T + t) in [0, 1), where the series converges.
 *
 * @example
 * hypergeometric2F1(1, 1, 2, 0.5); // −ln(1 − 0.5) / 0.5 ≈ 1.3863
 */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hypergeometric2F1 needs 0 ≤ z < 1, got ${z}`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < SERIES_MAX_TERMS; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (Math.abs(term) <= SERIES_TOLERANCE * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hypergeometric2F1(${a}, ${b}, ${c}, ${z}) did not converge`);
}

/** The two-sided 95 % quantile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

/**
 * Two-sided p-value of a z statistic: 2·(1 − Φ(|z|)), with the normal tail from Abramowitz & Stegun 7.1.26
 * (absolute error < 1.5e-7, ample for p-values compared with 0.05-level thresholds). The tail is computed
 * directly rather than as 1 − Φ so small p-values keep their digits.
 */
export function twoSidedPValue(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const polynomial =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.min(1, polynomial * Math.exp(-x * x));
}
