import type { BgNbdParameters } from './bg-nbd.js';
import type { GammaGammaParameters } from './gamma-gamma.js';
import type { PurchaseHistory } from './purchase-history.js';

/**
 * Customers drawn from known BG/NBD and Gamma-Gamma parameters, seeded: the ground truth that parameter
 * recovery tests, the demo and the benchmark need. Pure (no clock; the seed is the only source of chance).
 */

/** sfc32 (Doty-Humphrey's small fast counting generator): 128 bits of state, good enough for simulation. */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    // Discard the first outputs so nearby seeds give unrelated streams.
    for (let i = 0; i < 15; i++) this.uniform();
  }

  /** A float in [0, 1). */
  uniform(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4_294_967_296;
  }

  /** A float in (0, 1), for logarithms. */
  positiveUniform(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  standardNormal(): number {
    // Box–Muller; one of the pair is enough here.
    return Math.sqrt(-2 * Math.log(this.positiveUniform())) * Math.cos(2 * Math.PI * this.uniform());
  }

  exponential(rate: number): number {
    return -Math.log(this.positiveUniform()) / rate;
  }

  /** Gamma(shape, rate) by Marsaglia & Tsang (2000), boosted for shape < 1. */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * this.positiveUniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = this.standardNormal();
      const v = (1 + c * z) ** 3;
      if (v <= 0) continue;
      const u = this.positiveUniform();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    return x / (x + this.gamma(b, 1));
  }
}

export interface SimulatedCustomer {
  /** Calibration-period history, times from the customer's first purchase. */
  readonly history: PurchaseHistory;
  /** Values of the repeat purchases in the calibration period. */
  readonly repeatValues: readonly number[];
  /** Purchases in the hold-out period that follows calibration. */
  readonly holdoutPurchases: number;
}

export interface SimulationPlan {
  readonly customers: number;
  readonly purchasing: BgNbdParameters;
  readonly spending: GammaGammaParameters;
  /** First purchases fall uniformly in [0, acquisitionSpan) (CDNOW's cohort: 12 weeks). */
  readonly acquisitionSpan: number;
  /** End of the calibration period, on the same clock as acquisition (CDNOW: 39 weeks). */
  readonly calibrationEnd: number;
  /** Length of the hold-out period after calibration (CDNOW: 39 weeks). */
  readonly holdoutLength: number;
  readonly seed: number;
}

/**
 * Simulate a cohort: each customer draws λ ~ Gamma(r, α), p ~ Beta(a, b) and a spend scale
 * ν ~ Gamma(q, γ); buys at exponential intervals with rate λ; after each repeat purchase leaves with
 * probability p; each purchase is worth Gamma(p_spend, ν).
 */
export function simulateCustomers(plan: SimulationPlan): SimulatedCustomer[] {
  const random = new Sfc32(plan.seed);
  const { r, alpha, a, b } = plan.purchasing;
  const holdoutEnd = plan.calibrationEnd + plan.holdoutLength;
  const customers: SimulatedCustomer[] = [];
  for (let i = 0; i < plan.customers; i++) {
    const firstPurchase = random.uniform() * plan.acquisitionSpan;
    const rate = random.gamma(r, alpha);
    const dropout = random.beta(a, b);
    const spendScale = random.gamma(plan.spending.q, plan.spending.gamma);
    const age = plan.calibrationEnd - firstPurchase;
    let time = firstPurchase;
    let frequency = 0;
    let recency = 0;
    let holdoutPurchases = 0;
    const repeatValues: number[] = [];
    for (;;) {
      time += random.exponential(rate);
      if (time >= holdoutEnd) break;
      if (time < plan.calibrationEnd) {
        frequency++;
        recency = time - firstPurchase;
        repeatValues.push(random.gamma(plan.spending.p, spendScale));
      } else {
        holdoutPurchases++;
      }
      if (random.uniform() < dropout) break;
    }
    customers.push({ history: { frequency, recency, age }, repeatValues, holdoutPurchases });
  }
  return customers;
}
