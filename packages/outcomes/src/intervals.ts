import { Z_95 } from './special.js';

/** An estimate with its 95 % interval and the sample it rests on. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly sampleSize: number;
}

/**
 * A proportion with its Wilson score interval (Wilson 1927): unlike the plain normal interval it stays
 * inside [0, 1] and behaves at small n and near 0 or 1, which retention rates often are.
 *
 * @example
 * proportionInterval(45, 100); // { estimate: 0.45, low ≈ 0.355, high ≈ 0.548, sampleSize: 100 }
 */
export function proportionInterval(successes: number, trials: number): Interval | undefined {
  if (trials <= 0) return undefined;
  const share = successes / trials;
  const z2 = Z_95 * Z_95;
  const centre = (share + z2 / (2 * trials)) / (1 + z2 / trials);
  const halfWidth =
    (Z_95 * Math.sqrt((share * (1 - share)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { estimate: share, low: centre - halfWidth, high: centre + halfWidth, sampleSize: trials };
}

/** Mean and sample variance of a list of numbers (Welford, stable for long lists of money). */
export function meanAndVariance(values: Iterable<number>): { n: number; mean: number; variance: number } {
  let n = 0;
  let mean = 0;
  let squares = 0;
  for (const value of values) {
    n++;
    const delta = value - mean;
    mean += delta / n;
    squares += delta * (value - mean);
  }
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/**
 * A mean with its normal-approximation 95 % interval (mean ± 1.96 · s/√n). Spend is skewed, so callers
 * only report it above a minimum sample, where the central limit theorem makes the interval fair.
 */
export function meanInterval(values: readonly number[]): Interval | undefined {
  const { n, mean, variance } = meanAndVariance(values);
  if (n < 2) return undefined;
  const halfWidth = Z_95 * Math.sqrt(variance / n);
  return { estimate: mean, low: mean - halfWidth, high: mean + halfWidth, sampleSize: n };
}
