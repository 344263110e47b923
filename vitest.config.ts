import { defineConfig } from 'vitest/config';
import { loadServiceAddresses } from './test/support/service-addresses.js';

// DATABASE_URL / REDIS_URL (or TEST_DATABASE_URL / TEST_REDIS_URL) from the environment or `.env`, so the
// suites that need services use the configured servers; test workers inherit them.
loadServiceAddresses();

/**
 * Two projects; where a test file sits decides which (docs/development.md, "Tests"):
 * - `unit`: tests beside the code (`<package>/src/**\/*.test.ts`). They need no services and get no
 *   global set-up; `pnpm test:unit` runs only these.
 * - `services`: everything under `test/` (integration, browser); they get a migrated database and a Redis
 *   prefix of the run's own (test/support/global-setup.ts), removed when the run ends.
 * `pnpm test` runs both.
 */
const besideTheCode = [
  'packages/*/src/**/*.test.ts',
  'services/*/src/**/*.test.ts',
  'workers/*/src/**/*.test.ts',
];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'test/faults/**'],
    env: { DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // After the summary: a suite this machine could not run, and the command that prepares it.
    reporters: ['default', './test/support/skipped-suites-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: besideTheCode,
          // Pure code keeps no state between files, so one set of worker threads serves every file: starting
          // a process per file cost more than the tests themselves.
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
