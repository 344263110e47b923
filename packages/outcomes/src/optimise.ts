/**
 * Nelder–Mead simplex minimisation and a numerical Hessian: enough to fit the purchase models by maximum
 * likelihood on log-parameters (unconstrained) and read standard errors off the observed information.
 */

export interface Minimum {
  readonly point: readonly number[];
  readonly value: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

export interface MinimiseOptions {
  /** Stop when the simplex's function values differ by less than this (absolute). */
  readonly valueTolerance?: number;
  /** Stop when every vertex lies within this distance of the best one, per coordinate. */
  readonly pointTolerance?: number;
  readonly maxEvaluations?: number;
  /** Edge length of the first simplex around the start. */
  readonly initialStep?: number;
}

/**
 * Minimise `objective` from `start` with the Nelder–Mead simplex (standard coefficients 1, 2, ½, ½),
 * restarting from the best vertex until a restart no longer improves: a collapsed simplex is the method's
 * known failure, and a restart costs little next to a wrong fit.
 *
 * @example
 * minimise(([x, y]) => (x! - 1) ** 2 + (y! + 2) ** 2, [0, 0]).point; // ≈ [1, −2]
 */
export function minimise(
  objective: (point: readonly number[]) => number,
  start: readonly number[],
  options: MinimiseOptions = {},
): Minimum {
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  let best = simplexSearch(objective, start, options, maxEvaluations);
  let evaluations = best.evaluations;
  for (let restart = 0; restart < 5 && evaluations < maxEvaluations; restart++) {
    const again = simplexSearch(objective, best.point, options, maxEvaluations - evaluations);
    evaluations += again.evaluations;
    const improved = best.value - again.value > (options.valueTolerance ?? 1e-9);
    best = again.value < best.value ? again : best;
    if (!improved) break;
  }
  return { ...best, evaluations };
}

function simplexSearch(
  objective: (point: readonly number[]) => number,
  start: readonly number[],
  options: MinimiseOptions,
  maxEvaluations: number,
): Minimum {
  const valueTolerance = options.valueTolerance ?? 1e-9;
  const pointTolerance = options.pointTolerance ?? 1e-7;
  const step = options.initialStep ?? 0.5;
  const dimensions = start.length;
  let evaluations = 0;
  const evaluate = (point: number[]): number => {
    evaluations++;
    const value = objective(point);
    // An invalid region (NaN) is treated as infinitely bad so the simplex walks away from it.
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };

  let simplex = [start.slice()];
  for (let i = 0; i < dimensions; i++) {
    const vertex = start.slice();
    vertex[i] = vertex[i]! + step;
    simplex.push(vertex);
  }
  let values = simplex.map(evaluate);

  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const bestVertex = simplex[0]!;
    const spread = values[dimensions]! - values[0]!;
    const size = Math.max(
      ...simplex.slice(1).flatMap((vertex) => vertex.map((x, i) => Math.abs(x - bestVertex[i]!))),
    );
    if (spread <= valueTolerance && size <= pointTolerance * 100) break;
    if (size <= pointTolerance) break;

    const centroid = new Array<number>(dimensions).fill(0);
    for (const vertex of simplex.slice(0, dimensions)) {
      for (let i = 0; i < dimensions; i++) centroid[i] = centroid[i]! + vertex[i]! / dimensions;
    }
    const worst = simplex[dimensions]!;
    const along = (factor: number) => centroid.map((c, i) => c + factor * (c - worst[i]!));

    const reflected = along(1);
    const reflectedValue = evaluate(reflected);
    if (reflectedValue < values[0]!) {
      const expanded = along(2);
      const expandedValue = evaluate(expanded);
      [simplex[dimensions], values[dimensions]] =
        expandedValue < reflectedValue ? [expanded, expandedValue] : [reflected, reflectedValue];
      continue;
    }
    if (reflectedValue < values[dimensions - 1]!) {
      simplex[dimensions] = reflected;
      values[dimensions] = reflectedValue;
      continue;
    }
    const outside = reflectedValue < values[dimensions]!;
    const contracted = along(outside ? 0.5 : -0.5);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : values[dimensions]!)) {
      simplex[dimensions] = contracted;
      values[dimensions] = contractedValue;
      continue;
    }
    // Shrink every vertex halfway towards the best one.
    for (let v = 1; v <= dimensions; v++) {
      simplex[v] = simplex[v]!.map((x, i) => bestVertex[i]! + 0.5 * (x - bestVertex[i]!));
      values[v] = evaluate(simplex[v]!);
    }
  }
  const bestIndex = values.indexOf(Math.min(...values));
  return {
    point: simplex[bestIndex]!,
    value: values[bestIndex]!,
    evaluations,
    converged: evaluations < maxEvaluations,
  };
}

/**
 * The Hessian of `f` at `point` by central differences with step `h` in every coordinate.
 */
export function numericalHessian(
  f: (point: readonly number[]) => number,
  point: readonly number[],
  h = 1e-4,
): number[][] {
  const n = point.length;
  const at = (offsets: readonly (readonly [number, number])[]): number => {
    const shifted = point.slice();
    for (const [index, delta] of offsets) shifted[index] = shifted[index]! + delta;
    return f(shifted);
  };
  const centre = f(point);
  const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    hessian[i]![i] = (at([[i, h]]) - 2 * centre + at([[i, -h]])) / (h * h);
    for (let j = 0; j < i; j++) {
      const value =
        (at([
          [i, h],
          [j, h],
        ]) -
          at([
            [i, h],
            [j, -h],
          ]) -
          at([
            [i, -h],
            [j, h],
          ]) +
          at([
            [i, -h],
            [j, -h],
          ])) /
        (4 * h * h);
      hessian[i]![j] = value;
      hessian[j]![i] = value;
    }
  }
  return hessian;
}

/**
 * The inverse of a symmetric positive-definite matrix by Cholesky decomposition, or undefined when the
 * matrix is not positive definite (a likelihood surface that is flat or not at a maximum: no intervals).
 */
export function invertPositiveDefinite(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const n = matrix.length;
  const lower = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= lower[i]![k]! * lower[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) return undefined;
        lower[i]![i] = Math.sqrt(sum);
      } else {
        lower[i]![j] = sum / lower[j]![j]!;
      }
    }
  }
  // Invert L, then A⁻¹ = L⁻ᵀ L⁻¹.
  const inverseLower = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    inverseLower[i]![i] = 1 / lower[i]![i]!;
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= lower[i]![k]! * inverseLower[k]![j]!;
      inverseLower[i]![j] = sum / lower[i]![i]!;
    }
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let sum = 0;
      for (let k = Math.max(i, j); k < n; k++) sum += inverseLower[k]![i]! * inverseLower[k]![j]!;
      return sum;
    }),
  );
}
