import type { TestProject } from 'vitest/node';
import { testRedisUrl } from './service-addresses.js';
import { startTestRun } from './test-run.js';

/**
 * One database and one Redis key prefix per test run, so parallel runs (and CI next to a developer's
 * session) never see each other's rows or jobs; both are removed when the run ends, and an earlier run's
 * that were not (a crash, a kill) are removed when the next run starts.
 */
export default async function setup(project: TestProject) {
  return setUpTestRun(project, [testRedisUrl()]);
}

/** `redisUrls`: every Redis the run's processes write to under its prefix. */
export async function setUpTestRun(project: TestProject, redisUrls: readonly string[]) {
  const run = await startTestRun(redisUrls);
  console.log(`test run ${run.id}: database ${run.database.name}, Redis keys under ${run.redisPrefix}:`);
  if (run.swept.databases.length > 0 || run.swept.redisKeys > 0) {
    console.log(
      `removed earlier test runs' leftovers: ${run.swept.databases.length} databases, ${run.swept.redisKeys} Redis keys`,
    );
  }
  project.provide('databaseUrl', run.database.url);
  project.provide('redisPrefix', run.redisPrefix);

  return () => run.remove();
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisPrefix: string;
  }
}
