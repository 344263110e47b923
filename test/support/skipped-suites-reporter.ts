import type { Reporter, TestModule } from 'vitest/node';
import { CHROMIUM, haveChromium, PREPARE_BROWSER } from './browser-prerequisite.js';

/**
 * Says after the summary which suite a machine could not run and how to prepare it, so a skipped browser
 * suite never passes for a green one unnoticed. (In CI it fails instead: test/browser.)
 */
export default class SkippedSuitesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const browserSuites = testModules.filter((module) => module.moduleId.includes('/test/browser/'));
    if (browserSuites.length === 0 || haveChromium()) return;
    process.stdout.write(
      `\n  SKIPPED  the browser suite (test/browser, ${browserSuites.length} file): ${CHROMIUM} is not installed.\n` +
        `           Prepare this machine for it (Debian/Ubuntu, as root or with sudo): ${PREPARE_BROWSER}\n\n`,
    );
  }
}
