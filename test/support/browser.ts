import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

/** Debian's chromium: CI installs it; elsewhere browser suites are skipped when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it`);

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const screenshots = join(repositoryRoot, 'test-results/screenshots');

/** Builds the dashboard from source, so a browser test sees what this commit ships. */
export async function buildDashboard(): Promise<void> {
  await build({ root: join(repositoryRoot, 'services/dashboard'), logLevel: 'warn' });
}

/** Headless chromium; Playwright gives every launch a fresh temporary profile (its own --user-data-dir). */
export function launchChromium(): Promise<Browser> {
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
