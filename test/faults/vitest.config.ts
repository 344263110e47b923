import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { loadServiceAddresses } from '../support/service-addresses.js';

loadServiceAddresses();

// The fault suite runs real processes and (with FAULTS_RESTART_SERVICES=1) restarts PostgreSQL and Redis,
// so it is kept out of `pnpm test` and run by `pnpm test:faults`.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    env: { DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'silent' },
    testTimeout: 720_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
