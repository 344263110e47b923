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
