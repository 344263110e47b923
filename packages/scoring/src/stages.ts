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
 * The band a share of points falls in.
 *
 * @example stageForShare(0.62).stage // 'operationalize'
 */
export function stageForShare(share: number, bands: readonly StageBand[] = defaultStageBands): StageBand {
  let reached = bands[0]!;
  for (const band of bands) {
    if (share >= band.minShare) reached = band;
  }
  return reached;
}
