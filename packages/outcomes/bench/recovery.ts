/**
 * Prints the parameter-recovery figures behind src/recovery.test.ts: true vs fitted parameters with 95 %
 * intervals and the hold-out error for each simulated parameter set, or, with `--replications N`, how many
 * true values fell inside their intervals over N simulations per set (seeds 7919·k, k = 1…N).
 * Run: node --import tsx packages/outcomes/bench/recovery.ts [--replications 12]
 */
import { parseArgs } from 'node:util';
import {
  bgNbdEstimates,
  conditionalExpectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  type ParameterEstimate,
  type SimulationPlan,
  simulateCustomers,
} from '../src/index.js';
import { RECOVERY_PLANS } from '../src/testing/recovery-plans.js';

function fitPlan(plan: SimulationPlan) {
  const customers = simulateCustomers(plan);
  const bgNbd = fitBgNbd(customers.map((c) => c.history));
  const repeatBuyers = customers
    .filter((c) => c.repeatValues.length > 0)
    .map((c) => ({
      frequency: c.repeatValues.length,
      meanValue: c.repeatValues.reduce((sum, v) => sum + v, 0) / c.repeatValues.length,
    }));
  const gammaGamma = fitGammaGamma(repeatBuyers);
  const estimates = bgNbdEstimates(bgNbd);
  const predicted = customers.reduce(
    (sum, c) => sum + conditionalExpectedPurchases(estimates, c.history, plan.holdoutLength),
    0,
  );
  const actual = customers.reduce((sum, c) => sum + c.holdoutPurchases, 0);
  const truth: Record<string, number> = { ...plan.purchasing, ...plan.spending };
  const fitted: Record<string, ParameterEstimate> = { ...bgNbd.parameters, ...gammaGamma.parameters };
  const rows = Object.entries(truth).map(([name, value]) => {
    const p = fitted[name]!;
    const inside = p.low !== undefined && p.high !== undefined && p.low <= value && value <= p.high;
    return { name, value, estimate: p, inside };
  });
  return { rows, predicted, actual, repeatBuyers: repeatBuyers.length, bgNbd, gammaGamma };
}

const { values } = parseArgs({ options: { replications: { type: 'string' } } });
const replications = values.replications ? Number(values.replications) : 0;

for (const plan of RECOVERY_PLANS) {
  if (replications > 0) {
    let inside = 0;
    let total = 0;
    for (let k = 1; k <= replications; k++) {
      const { rows } = fitPlan({ ...plan, seed: 7919 * k });
      inside += rows.filter((row) => row.inside).length;
      total += rows.length;
    }
    console.log(`${plan.name}: ${inside}/${total} true values inside their 95 % intervals`);
    continue;
  }
  const fit = fitPlan(plan);
  console.log(`${plan.name} (${plan.customers} customers, seed ${plan.seed})`);
  for (const { name, value, estimate, inside } of fit.rows) {
    console.log(
      `  ${name.padEnd(6)} true ${value.toFixed(3).padStart(8)}  fitted ${estimate.estimate.toFixed(3).padStart(8)}  95 % [${estimate.low?.toFixed(3)}, ${estimate.high?.toFixed(3)}] ${inside ? 'inside' : 'OUTSIDE'}`,
    );
  }
  console.log(
    `  hold-out purchases: predicted ${fit.predicted.toFixed(1)}, actual ${fit.actual}, error ${((100 * (fit.predicted - fit.actual)) / fit.actual).toFixed(2)} %; Gamma-Gamma on ${fit.repeatBuyers} repeat buyers`,
  );
}
