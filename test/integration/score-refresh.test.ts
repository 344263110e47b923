import { refreshStaleScores, SCORE_REFRESH } from '@cxloop/aggregation-worker';
import { createOrganisation, ENTERPRISE_SCOPE, saveScore } from '@cxloop/db';
import { scoreFramework } from '@cxloop/scoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushRedisPrefix, startTestApi, type TestApi } from '../support/fixtures.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.scoreQueue.obliterate({ force: true });
  await api.close();
  await flushRedisPrefix(api.prefix);
});

const HOUR_MS = 3_600_000;

async function scoredOrganisation(name: string, computedAt: Date): Promise<string> {
  const org = await createOrganisation(api.db, name);
  await saveScore(
    api.db,
    org.id,
    {
      scope: ENTERPRISE_SCOPE,
      unitId: null,
      total: 120,
      stage: 'ignore',
      confidence: 0.2,
      score: scoreFramework({}),
      metrics: [],
      insights: {},
      elements: [],
      change: null,
    },
    computedAt,
  );
  return org.id;
}

async function requestedOrganisations(): Promise<Set<string>> {
  const jobs = await api.scoreQueue.getJobs(['waiting', 'prioritized', 'delayed']);
  return new Set(jobs.map((job) => job.data.orgId));
}

describe('score refresh', () => {
  it('requests a recompute for scores older than the maximum age and for evidence without a score', async () => {
    const now = new Date();
    const stale = await scoredOrganisation('Stale score', new Date(now.getTime() - 2 * HOUR_MS));
    const fresh = await scoredOrganisation('Fresh score', new Date(now.getTime() - HOUR_MS / 2));
    // Feedback counted, but the recompute it asked for was lost with Redis: no score at all.
    const unscored = (await createOrganisation(api.db, 'Counted, never scored')).id;
    await api.db
      .insertInto('rollup_daily')
      .values({ org_id: unscored, day: now.toISOString().slice(0, 10), channel: 'web', feedback_count: 3 })
      .execute();
    // Staff survey answers recorded, and the same lost request.
    const surveyed = (await createOrganisation(api.db, 'Surveyed, never scored')).id;
    const survey = await api.db
      .insertInto('surveys')
      .values({ org_id: surveyed, name: 'Pulse', series: 'pulse', wave: 1, template: JSON.stringify({}) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await api.db
      .insertInto('survey_responses')
      .values({ org_id: surveyed, survey_id: survey.id, origin: 'invitation' })
      .execute();
    // Nothing counted and never scored: nothing to recompute yet (the dashboard shows it as new).
    const empty = (await createOrganisation(api.db, 'No evidence yet')).id;

    const outcome = await refreshStaleScores(
      { db: api.db, scoreQueue: api.scoreQueue },
      // Other test files' organisations share this database; the batch is large enough for all of them.
      { now, maxAgeSeconds: 3_600, batchSize: 10_000 },
    );

    expect(outcome.ran).toBe(true);
    const requested = await requestedOrganisations();
    expect(requested.has(stale)).toBe(true);
    expect(requested.has(unscored)).toBe(true);
    expect(requested.has(surveyed)).toBe(true);
    expect(requested.has(fresh)).toBe(false);
    expect(requested.has(empty)).toBe(false);
    expect(outcome.ran && outcome.requested).toBe(requested.size);
    const run = await api.db
      .selectFrom('maintenance_runs')
      .select('last_result')
      .where('task', '=', SCORE_REFRESH.name)
      .executeTakeFirstOrThrow();
    expect(run.last_result).toEqual({ requested: requested.size });
  });

  it('asks once per organisation however often it runs before the recompute', async () => {
    const now = new Date();
    const stale = await scoredOrganisation('Stale twice', new Date(now.getTime() - 3 * HOUR_MS));
    for (let run = 0; run < 3; run++) {
      await refreshStaleScores(
        { db: api.db, scoreQueue: api.scoreQueue },
        { now, maxAgeSeconds: 3_600, batchSize: 10_000 },
      );
    }
    const jobs = await api.scoreQueue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.filter((job) => job.data.orgId === stale)).toHaveLength(1);
  });
});
