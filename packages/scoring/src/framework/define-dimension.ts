import { mappingProblem } from '../attainment.js';
import type { Dimension, DimensionGroup, DimensionId, Element, MetricRule } from '../model.js';

/** An indicator as written in the dimension files: a statement alone (survey only) or with metric rules. */
export type IndicatorSpec = string | { readonly statement: string; readonly metrics: readonly MetricRule[] };

export interface ElementSpec {
  readonly id: string;
  readonly name: string;
  readonly objective: string;
  readonly points: number;
  /** In the order of the seed's bullets: the position gives the indicator id (D5.2.1, D5.2.2, …). */
  readonly indicators: readonly IndicatorSpec[];
}

export interface DimensionSpec {
  readonly id: DimensionId;
  readonly name: string;
  readonly group: DimensionGroup;
  readonly question: string;
  readonly points: number;
  readonly elements: readonly ElementSpec[];
}

/**
 * Builds a dimension from its compact description, numbering indicators by position so each gets a stable id.
 *
 * @example defineDimension({ id: 'D4', name: 'Deploy', …, elements: [{ id: 'D4.1', …, indicators: ['…'] }] })
 */
export function defineDimension(spec: DimensionSpec): Dimension {
  return { ...spec, elements: spec.elements.map((element) => defineElement(spec.id, element)) };
}

function defineElement(dimensionId: DimensionId, spec: ElementSpec): Element {
  return {
    ...spec,
    dimensionId,
    indicators: spec.indicators.map((indicator, index) => {
      const { statement, metrics } =
        typeof indicator === 'string' ? { statement: indicator, metrics: [] } : indicator;
      const id = `${spec.id}.${index + 1}`;
      for (const rule of metrics) {
        // A malformed mapping would break monotonicity for every organisation; refuse it when the module loads.
        const problem = mappingProblem(rule.mapping);
        if (problem !== undefined) throw new Error(`indicator ${id}, metric ${rule.metric}: ${problem}`);
      }
      return {
        id,
        elementId: spec.id,
        dimensionId,
        statement,
        evidence: { metrics, survey: true as const },
      };
    }),
  };
}
