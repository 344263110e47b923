/**
 * The six stages of CX maturity (seeds/004) as bands over the share of points earned. Bands are data: an
 * organisation or a benchmark may supply its own, checked by `validateStageBands`.
 */

export type StageId = 'ignore' | 'explore' | 'mobilize' | 'operationalize' | 'align' | 'embed';

export interface StageBand {
  readonly stage: StageId;
  readonly name: string;
  /** The lowest share of points (0–1) that reaches this stage. */
  readonly minShare: number;
  /** What the stage looks like, in our words. */
  readonly description: string;
  /** What usually holds an organisation back from the next stage. */
  readonly obstacle: string;
}

/**
 * Default bands. The early stages are narrow (15 points in 100) because a little structured work moves an
 * organisation quickly out of ignoring CX; the top band starts at 85 % because the seed reports that very few
 * companies reach excellence, so Embed must be rare.
 */
export const defaultStageBands: readonly StageBand[] = [
  {
    stage: 'ignore',
    name: 'Ignore',
    minShare: 0,
    description: 'CX is not treated as a strategic priority.',
    obstacle: 'Creating awareness of and interest in CX.',
  },
  {
    stage: 'explore',
    name: 'Explore',
    minShare: 0.15,
    description: 'A senior sponsor and an informal group are working out what matters to customers.',
    obstacle: 'Getting the key executives aligned.',
  },
  {
    stage: 'mobilize',
    name: 'Mobilize',
    minShare: 0.3,
    description: 'A CX leader and team are in place; journey maps and a voice-of-customer programme start.',
    obstacle: 'Holding CX against competing priorities.',
  },
  {
    stage: 'operationalize',
    name: 'Operationalize',
    minShare: 0.5,
    description:
      'Governance is in place, processes are redesigned, CX metrics are used and all staff engaged.',
    obstacle: 'Moving the middle-management inertia.',
  },
  {
    stage: 'align',
    name: 'Align',
    minShare: 0.7,
    description: 'Measurement and HR practices reinforce customer-centred behaviour.',
    obstacle: 'Keeping the customer in focus as other issues arise.',
  },
  {
    stage: 'embed',
    name: 'Embed',
    minShare: 0.85,
    description: 'Great CX is simply how the brand delivers its mission, not a separate programme.',
    obstacle: 'Renewing the brand identity as the company evolves.',
  },
];

/**
 * Checks supplied bands: all six stages, in order, starting at 0 with strictly rising thresholds ≤ 1.
 * Throws a RangeError that names the offending band.
 *
 * @example validateStageBands(defaultStageBands) // returns the bands unchanged
 */
export function validateStageBands(bands: readonly StageBand[]): readonly StageBand[] {
  const order = defaultStageBands.map((band) => band.stage);
  if (bands.length !== order.length) {
    throw new RangeError(
      `stage bands: expected ${order.length} bands (${order.join(', ')}), got ${bands.length}`,
    );
  }
  bands.forEach((band, index) => {
    if (band.stage !== order[index]) {
      throw new RangeError(`stage bands: band ${index + 1} must be "${order[index]}", got "${band.stage}"`);
    }
    const previous = bands[index - 1];
    const valid =
      Number.isFinite(band.minShare) &&
      band.minShare <= 1 &&
      (previous === undefined ? band.minShare === 0 : band.minShare > previous.minShare);
    if (!valid) {
      throw new RangeError(
        `stage bands: "${band.stage}" minShare ${band.minShare} must ${
          previous === undefined ? 'be 0' : `exceed ${previous.minShare} and be at most 1`
        }`,
      );
    }
  });
  return bands;
}

/**
 * Shares are compared with band edges after rounding to nine decimals. Points are sums of products of
 * fractions, so two routes to the same share can land on either side of an edge (0.4999999999999999 vs 0.5);
 * no evidence is that precise, and rounding makes equal evidence give equal stages.
 */
const SHARE_DECIMALS = 1e9;

/**
 * Hysteresis: a scope that holds a stage keeps it until its share falls one percentage point below that
 * stage's lower edge (10 points of 1000; 0.5 of a 50-point element). Moving up needs only reaching the next
 * edge. Noise around an edge (a survey answer arriving, a day rolling out of a window) therefore changes the
 * stage at most once instead of flipping it on every recompute; a real decline still shows.
 */
export const STAGE_HYSTERESIS = 0.01;

/** A share rounded to the precision stages are judged at. */
export function roundShare(share: number): number {
  return Math.round(share * SHARE_DECIMALS) / SHARE_DECIMALS;
}

/**
 * The band a share of points falls in. With `held` (the stage the scope had before), a lower band is taken
 * only once the share is STAGE_HYSTERESIS below the held stage's edge.
 *
 * @example stageForShare(0.62).stage // 'operationalize'
 * @example stageForShare(0.495, defaultStageBands, 'operationalize').stage // 'operationalize' (kept)
 */
export function stageForShare(
  share: number,
  bands: readonly StageBand[] = defaultStageBands,
  held?: StageId,
): StageBand {
  const rounded = roundShare(share);
  let reached = bands[0]!;
  for (const band of bands) {
    if (rounded >= band.minShare) reached = band;
  }
  const heldIndex = held === undefined ? -1 : bands.findIndex((band) => band.stage === held);
  const heldBand = bands[heldIndex];
  if (heldBand !== undefined && heldIndex > bands.indexOf(reached)) {
    const keeps = rounded >= roundShare(heldBand.minShare - STAGE_HYSTERESIS);
    if (keeps) return heldBand;
  }
  return reached;
}
