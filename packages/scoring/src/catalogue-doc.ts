import { describeMapping, higherIsBetter } from './attainment.js';
import { allIndicators, cemFramework } from './framework/index.js';
import { metricCatalogue, metricDefinition } from './metrics.js';
import type { Element, Indicator, MetricRule } from './model.js';

/**
 * The metric catalogue and the indicator table of every element that reads metrics (D4.2, Discover, Devise) as
 * Markdown, for docs/scoring.md (a test keeps the document in step with the data) and for anyone who wants to
 * show it elsewhere.
 *
 * @example renderEvidenceCatalogue().startsWith('### Metrics') // true
 */
export function renderEvidenceCatalogue(): string {
  const lines: string[] = ['### Metrics', ''];
  for (const metric of metricCatalogue) {
    lines.push(
      `#### \`${metric.id}\` — ${metric.name}`,
      '',
      `- **Unit:** ${metric.unit}; **window:** last ${metric.windowDays} days; **sample size counts:** ` +
        `${metric.sampleOf} (confidence ½ at ${metric.halfConfidenceAt}).`,
      `- **How it is computed:** ${metric.description}`,
      `- **Read by:** ${readersOf(metric.id).join(', ')}.`,
      '',
    );
  }
  lines.push('### Indicators and their evidence', '');
  for (const element of documentedElements()) {
    lines.push(
      `#### ${element.id} ${element.name} (${element.points} points)`,
      '',
      '| Indicator (in our words) | Evidence | Mapping to 0–1 | Why these thresholds | What raises it |',
      '| --- | --- | --- | --- | --- |',
      ...element.indicators.map(indicatorRow),
      '',
    );
  }
  return lines.join('\n');
}

/** D4.2 (scored from the response team's work) and every Discover and Devise element. */
function documentedElements(): Element[] {
  return cemFramework.dimensions
    .flatMap((dimension) => dimension.elements)
    .filter((element) => element.id === 'D4.2' || ['D5', 'D6'].includes(element.dimensionId));
}

function indicatorRow(indicator: Indicator): string {
  const rules = indicator.evidence.metrics;
  const cells =
    rules.length === 0
      ? [
          '**survey/assessor only**: no data cxloop holds can show it',
          'staff survey mean m → (m − 1) ÷ 4; an assessor may override',
          'staff who do the work know whether it is done; the assessor checks',
          'make the practice real and visible to staff; give the assessor evidence to rate it',
        ]
      : [
          `${rules.map((rule) => `\`${rule.metric}\``).join(', ')}; staff survey alongside`,
          rules.map((rule) => describeMapping(rule.mapping)).join('<br>'),
          rules.map(reasonWithSource).join('<br>'),
          rules.map(toRaise).join('<br>'),
        ];
  return `| **${indicator.id}** ${indicator.statement} | ${cells.join(' | ')} |`;
}

function reasonWithSource(rule: MetricRule): string {
  return rule.source === undefined ? rule.reason : `${rule.reason} ([source](${rule.source}))`;
}

/** The reading that earns full attainment, in the metric's own words. */
function toRaise(rule: MetricRule): string {
  const { mapping } = rule;
  const full =
    mapping.kind === 'ramp'
      ? mapping.fullAt
      : (mapping.levels.find((level) => level.attainment === 1)?.value ?? 0);
  const name = metricDefinition(rule.metric)?.name.toLowerCase() ?? rule.metric;
  return `${name} ${higherIsBetter(mapping) ? '≥' : '≤'} ${full}`;
}

function readersOf(metricId: string): string[] {
  return allIndicators
    .filter((indicator) => indicator.evidence.metrics.some((rule) => rule.metric === metricId))
    .map((indicator) => indicator.id);
}
