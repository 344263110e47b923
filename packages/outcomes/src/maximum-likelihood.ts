import { invertPositiveDefinite, minimise, numericalHessian } from './optimise.js';
import { Z_95 } from './special.js';

/** One fitted parameter: the estimate, its standard error and a 95 % interval. */
export interface ParameterEstimate {
  readonly estimate: number;
  /** Standard error by the delta method (estimate × SE of its logarithm); undefined without intervals. */
  readonly standardError: number | undefined;
  /** exp(ln θ̂ ± 1.96 · SE(ln θ̂)): positive like the parameter, asymmetric like its likelihood. */
  readonly low: number | undefined;
  readonly high: number | undefined;
}

export interface MaximumLikelihoodFit<Name extends string> {
  readonly parameters: Readonly<Record<Name, ParameterEstimate>>;
  readonly logLikelihood: number;
  /** The optimiser stopped on its tolerances, not on its evaluation budget. */
  readonly converged: boolean;
  /** The observed information was positive definite, so the intervals exist. */
  readonly hasIntervals: boolean;
  readonly evaluations: number;
}

/**
 * Maximise a log-likelihood over positive parameters. The search runs on ln θ (unconstrained); standard
 * errors come from the observed information, the inverse of the negative log-likelihood's Hessian in
 * ln θ at the maximum, and the 95 % intervals are formed on that scale.
 */
export function fitByMaximumLikelihood<Name extends string>(
  names: readonly Name[],
  logLikelihood: (parameters: Readonly<Record<Name, number>>) => number,
  start: Readonly<Record<Name, number>>,
): MaximumLikelihoodFit<Name> {
  const toParameters = (logPoint: readonly number[]) =>
    Object.fromEntries(names.map((name, i) => [name, Math.exp(logPoint[i]!)])) as Record<Name, number>;
  const negative = (logPoint: readonly number[]) => -logLikelihood(toParameters(logPoint));

  const minimum = minimise(
    negative,
    names.map((name) => Math.log(start[name])),
  );
  const covariance = invertPositiveDefinite(numericalHessian(negative, minimum.point));
  const parameters = Object.fromEntries(
    names.map((name, i) => {
      const logEstimate = minimum.point[i]!;
      const variance = covariance?.[i]?.[i];
      const logError = variance !== undefined && variance > 0 ? Math.sqrt(variance) : undefined;
      const estimate = Math.exp(logEstimate);
      return [
        name,
        {
          estimate,
          standardError: logError === undefined ? undefined : estimate * logError,
          low: logError === undefined ? undefined : Math.exp(logEstimate - Z_95 * logError),
          high: logError === undefined ? undefined : Math.exp(logEstimate + Z_95 * logError),
        },
      ];
    }),
  ) as Record<Name, ParameterEstimate>;
  return {
    parameters,
    logLikelihood: -minimum.value,
    converged: minimum.converged,
    hasIntervals: covariance !== undefined,
    evaluations: minimum.evaluations,
  };
}

/** The point estimates of a fit, by name. */
export function estimatesOf<Name extends string>(
  fit: MaximumLikelihoodFit<Name>,
): Readonly<Record<Name, number>> {
  return Object.fromEntries(
    Object.entries<ParameterEstimate>(fit.parameters).map(([name, parameter]) => [name, parameter.estimate]),
  ) as Record<Name, number>;
}
