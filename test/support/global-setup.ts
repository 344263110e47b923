import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createTestDatabase, dropTestDatabase } from './test-database.js';

/**
 * One database and one Redis key prefix per test run, so parallel runs (and CI next to a developer's
 * session) never see each other's rows or jobs.
 */
export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = await createTestDatabase(`cxloop_test_${runId}`);
  project.provide('databaseUrl', database.url);
  project.provide('redisPrefix', `cxtest:${runId}`);
  return async () => {
    await dropTestDatabase(database.name);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisPrefix: string;
  }
}
