import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, haveChromium, PREPARE_BROWSER } from './browser-prerequisite.js';

/**
 * Debian's chromium, driven by playwright-core (never a browser download). Without it the browser suites
 * are skipped and the test summary says so (skipped-suites-reporter.ts); in CI a missing browser fails them.
 */
export const chromiumInstalled = haveChromium();
if (!chromiumInstalled && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: .ci/run installs it (${PREPARE_BROWSER})`);
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

/** A new page signed in with an API key through the dashboard's own sign-in form. */
export async function signIn(browser: Browser, baseUrl: string, key: string, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('header.topbar').waitFor();
  return page;
}
