import type { TestProject } from 'vitest/node';
import { setUpTestRun } from '../support/global-setup.js';
import { testRedisUrl } from '../support/service-addresses.js';
import { faultsRedisUrl } from './redis-url.js';

/** As for `pnpm test`, and the run's keys are also removed from the fault suites' own Redis database. */
export default async function setup(project: TestProject) {
  return setUpTestRun(project, [testRedisUrl(), faultsRedisUrl]);
}
