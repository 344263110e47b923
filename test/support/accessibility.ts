import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Axe from 'axe-core';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
/**
 * axe-core's browser bundle, evaluated in the page under test (it runs there, on the live DOM). Evaluated,
 * not added as a script tag: the dashboard's Content-Security-Policy rightly refuses inline scripts.
 */
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AccessibilityViolation {
  id: string;
  impact: Axe.ImpactValue | undefined;
  help: string;
  targets: string[];
}

/**
 * The serious and critical WCAG 2.x A/AA violations axe-core finds on the page as it is now. A suite
 * asserts the list is empty, so a failure names each rule and the elements that break it.
 *
 * @example expect(await seriousViolations(page)).toEqual([])
 */
export async function seriousViolations(page: Page): Promise<AccessibilityViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as { axe: typeof Axe };
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
