import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, haveChromium, PREPARE_BROWSER } from './browser-prerequisite.js';

/**
 * Debian's chromium, driven by playwright-core (never a browser download). Without it the browser suites
 * are skipped and the test summary says so (skipped-suites-reporter.ts); in CI a missing browser fails them.
 */
export const chromiumInstalled = haveChromium();
if (!chromiumInstalled && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: .ci/run installs it (${PREPARE_BROWSER})`);
}

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const screenshots = join(repositoryRoot, 'test-results/screenshots');

/** Builds the dashboard from source, so a browser test sees what this commit ships. */
export async function buildDashboard(): Promise<void> {
  await build({ root: join(repositoryRoot, 'services/dashboard'), logLevel: 'warn' });
}

/** Headless chromium without the background traffic this machine's closed network refuses. */
export function launchChromium(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context signed in with `key` through the sign-in form; console errors and page errors are
 * collected into `consoleErrors`, so a suite can assert there were none.
 */
export async function signInWithKey(
  browser: Browser,
  baseUrl: string,
  key: string,
  consoleErrors: string[],
  width = 1280,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('header.topbar').waitFor();
  return page;
}

/** An accessibility rule the page breaks, as axe-core reports it. */
export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now. axe's source is
 * evaluated through the DevTools protocol, which the dashboard's Content-Security-Policy does not govern.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }
    ).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
