/**
 * How a measured value becomes attainment 0–1. Two shapes cover every metric in the catalogue:
 *
 * - a **ramp** for quantities where each bit of progress matters (rates, shares, hours): attainment rises
 *   linearly from 0 at `zeroAt` to 1 at `fullAt`. `fullAt < zeroAt` means lower is better (response time).
 * - **thresholds** for counts where only whole steps mean something (number of channels, loyalty signals):
 *   the value earns the attainment of the highest level it reaches.
 */
export type AttainmentMapping = Ramp | Thresholds;

export interface Ramp {
  readonly kind: 'ramp';
  readonly zeroAt: number;
  readonly fullAt: number;
}

export interface Thresholds {
  readonly kind: 'thresholds';
  readonly direction: 'higher_is_better' | 'lower_is_better';
  /** Levels in the order they are reached, each with a higher attainment than the one before. */
  readonly levels: readonly ThresholdLevel[];
}

export interface ThresholdLevel {
  readonly value: number;
  readonly attainment: number;
}

/**
 * Linear ramp from 0 at `zeroAt` to 1 at `fullAt`.
 *
 * @example ramp(0.5, 0.9) // a closed-loop rate of 0.7 gives attainment 0.5
 */
export function ramp(zeroAt: number, fullAt: number): Ramp {
  return { kind: 'ramp', zeroAt, fullAt };
}

/**
 * Step levels where a larger value is better.
 *
 * @example atLeast([1, 0.2], [2, 0.5], [4, 1]) // 3 active channels give 0.5
 */
export function atLeast(...levels: readonly (readonly [number, number])[]): Thresholds {
  return thresholds('higher_is_better', levels);
}

/**
 * Step levels where a smaller value is better.
 *
 * @example atMost([72, 0.2], [24, 0.5], [4, 1]) // a 10-hour median first response gives 0.5
 */
export function atMost(...levels: readonly (readonly [number, number])[]): Thresholds {
  return thresholds('lower_is_better', levels);
}

function thresholds(direction: Thresholds['direction'], levels: readonly (readonly [number, number])[]) {
  return {
    kind: 'thresholds' as const,
    direction,
    levels: levels.map(([value, attainment]) => ({ value, attainment })),
  };
}

/** Whether a larger value of the mapped quantity earns more: the favourable direction of the metric. */
export function higherIsBetter(mapping: AttainmentMapping): boolean {
  return mapping.kind === 'ramp' ? mapping.fullAt > mapping.zeroAt : mapping.direction === 'higher_is_better';
}

/**
 * Attainment 0–1 a value earns under a mapping. Monotone in the favourable direction by construction, so more
 * favourable evidence can never lower a score.
 *
 * @example attainmentOf(ramp(0.5, 0.9), 0.7) // 0.5
 */
export function attainmentOf(mapping: AttainmentMapping, value: number): number {
  if (mapping.kind === 'ramp') {
    const progress = (value - mapping.zeroAt) / (mapping.fullAt - mapping.zeroAt);
    return Math.min(1, Math.max(0, progress));
  }
  const reached = (level: ThresholdLevel) =>
    mapping.direction === 'higher_is_better' ? value >= level.value : value <= level.value;
  let attainment = 0;
  for (const level of mapping.levels) {
    if (reached(level)) attainment = Math.max(attainment, level.attainment);
  }
  return attainment;
}

/** A short human description of a mapping, e.g. "0 at ≤ 0.5, 1 at ≥ 0.9, linear between". */
export function describeMapping(mapping: AttainmentMapping): string {
  if (mapping.kind === 'ramp') {
    const [low, high] = higherIsBetter(mapping) ? ['≤', '≥'] : ['≥', '≤'];
    return `0 at ${low} ${mapping.zeroAt}, 1 at ${high} ${mapping.fullAt}, linear between`;
  }
  const comparison = mapping.direction === 'higher_is_better' ? '≥' : '≤';
  const steps = mapping.levels.map((level) => `${comparison} ${level.value} → ${level.attainment}`);
  return `${steps.join('; ')}; otherwise 0`;
}

/**
 * The problem with a mapping, or undefined when it is well formed: a ramp needs two different ends; threshold
 * levels must be reached in order and each earn more than the last, ending at 1.
 */
export function mappingProblem(mapping: AttainmentMapping): string | undefined {
  if (mapping.kind === 'ramp') {
    return mapping.zeroAt === mapping.fullAt ? 'a ramp needs zeroAt ≠ fullAt' : undefined;
  }
  const step = mapping.direction === 'higher_is_better' ? 1 : -1;
  for (let i = 1; i < mapping.levels.length; i++) {
    const previous = mapping.levels[i - 1]!;
    const level = mapping.levels[i]!;
    if ((level.value - previous.value) * step <= 0) return 'threshold values must be reached in order';
    if (level.attainment <= previous.attainment) return 'threshold attainments must increase';
  }
  const last = mapping.levels.at(-1);
  if (last === undefined || last.attainment !== 1) return 'the last threshold must give attainment 1';
  return undefined;
}
