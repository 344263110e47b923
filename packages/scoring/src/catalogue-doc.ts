import { describeMapping } from './attainment.js';
import { allIndicators, cemFramework } from './framework/index.js';
import { metricCatalogue } from './metrics.js';

/**
 * The metric catalogue and every Discover and Devise indicator's evidence as Markdown, for docs/scoring.md
 * (a test keeps the document in step with the data) and for anyone who wants to show it elsewhere.
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
  lines.push('### Discover and Devise indicators and their evidence', '');
  for (const dimension of cemFramework.dimensions.filter((d) => d.id === 'D5' || d.id === 'D6')) {
    for (const element of dimension.elements) {
      lines.push(`#### ${element.id} ${element.name} (${element.points} points)`, '');
      for (const indicator of element.indicators) {
        lines.push(`- **${indicator.id}** — ${indicator.statement}.`);
        for (const rule of indicator.evidence.metrics) {
          lines.push(`  - \`${rule.metric}\`: ${describeMapping(rule.mapping)}. ${rule.reason}`);
        }
        lines.push(
          `  - Staff survey item${indicator.evidence.metrics.length > 0 ? ' (alongside)' : ' (only)'}.`,
        );
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

function readersOf(metricId: string): string[] {
  return allIndicators
    .filter((indicator) => indicator.evidence.metrics.some((rule) => rule.metric === metricId))
    .map((indicator) => indicator.id);
}
