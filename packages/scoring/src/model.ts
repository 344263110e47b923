import type { AttainmentMapping } from './attainment.js';
import type { MetricId } from './metrics.js';

/** D1 … D6, in the framework's order (Define → Devise). */
export type DimensionId = 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'D6';

/** The framework's two halves: Alignment (D1–D3, 400 points) and Performance (D4–D6, 600 points). */
export type DimensionGroup = 'alignment' | 'performance';

/** An element id such as `D5.2`. */
export type ElementId = string;

/** An indicator id such as `D5.2.3`: the element id and the indicator's position in the seed's bullet list. */
export type IndicatorId = string;

/**
 * How one pipeline metric informs an indicator: the mapping from the metric's value to attainment 0–1 and why
 * that mapping is right. A CX manager reads `reason` in docs/scoring.md.
 */
export interface MetricRule {
  readonly metric: MetricId;
  readonly mapping: AttainmentMapping;
  readonly reason: string;
  /** A public source for the thresholds, where one exists (a URL). */
  readonly source?: string;
}

/**
 * The evidence an indicator accepts. Every indicator accepts the staff survey item built from its statement;
 * Discover and Devise indicators add pipeline metrics wherever the data can show the practice.
 */
export interface EvidenceDeclaration {
  readonly metrics: readonly MetricRule[];
  readonly survey: true;
}

/** One maturity indicator: one bullet of the framework's element description, in our own words. */
export interface Indicator {
  readonly id: IndicatorId;
  readonly elementId: ElementId;
  readonly dimensionId: DimensionId;
  /**
   * A clause that completes "In our organisation, …" so it can be shown as a Likert item to staff, e.g.
   * "a named owner runs our voice-of-customer programme and recommends actions".
   */
  readonly statement: string;
  readonly evidence: EvidenceDeclaration;
}

/** One element of a dimension, e.g. D5.2 Feedback Channels. */
export interface Element {
  readonly id: ElementId;
  readonly dimensionId: DimensionId;
  readonly name: string;
  /** The statement of objective an assessor rates Fully / Partially / Not yet (30 % of the element). */
  readonly objective: string;
  /** Default points; an organisation may override them (see weights.ts). */
  readonly points: number;
  readonly indicators: readonly Indicator[];
}

/** One of the six dimensions. */
export interface Dimension {
  readonly id: DimensionId;
  readonly name: string;
  readonly group: DimensionGroup;
  /** The question the dimension answers, in our words. */
  readonly question: string;
  /** The dimension's fixed total; element overrides must still add up to it. */
  readonly points: number;
  readonly elements: readonly Element[];
}

/** The whole framework: six dimensions, 32 elements, 1000 points. */
export interface Framework {
  readonly totalPoints: number;
  readonly groups: Readonly<Record<DimensionGroup, number>>;
  readonly dimensions: readonly Dimension[];
}
