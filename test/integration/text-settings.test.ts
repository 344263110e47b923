import { randomUUID } from 'node:crypto';
import { createAnalyzeProcessor } from '@cxloop/analysis-worker';
import type { FeedbackBatchJob } from '@cxloop/contracts';
import { createAggregateQueue, redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
  uniquePrefix,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

let api: TestApi;
let tenant: TestTenant;

const airline = {
  topics: [
    { id: 'late_flight', label: 'Late flight', seedTerms: ['tarmac', 'delay'], excludes: ['no delay'] },
    { id: 'cabin_crew', label: 'Cabin crew', seedTerms: ['crew'] },
  ],
  phoneRegion: 'DE',
  brandHandles: ['@AcmeAir'],
};

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Text settings');
});
afterAll(async () => {
  await api.close();
});

function settings(method: 'GET' | 'PUT', key: string, payload?: object) {
  return api.app.inject({
    method,
    url: '/v1/text/settings',
    headers: { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload }),
  });
}

describe('text settings', () => {
  it('starts from no organisation topics and counts each save as a new version', async () => {
    const initial = await settings('GET', tenant.apiKeys.manager);
    expect(initial.json()).toEqual({ topics: [], phoneRegion: null, brandHandles: [], version: 0 });

    const saved = await settings('PUT', tenant.apiKeys.admin, airline);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ phoneRegion: 'DE', version: 1 });
    expect(saved.json().topics[1]).toEqual({
      id: 'cabin_crew',
      label: 'Cabin crew',
      seedTerms: ['crew'],
      excludes: [],
    });
    expect((await settings('PUT', tenant.apiKeys.admin, airline)).json().version).toBe(2);
    // The same topics again: a new version, but history keeps its topics (no re-analysis queued).
    const runs = await api.db
      .selectFrom('topic_reanalysis_runs')
      .select('taxonomy_version')
      .where('org_id', '=', tenant.orgId)
      .execute();
    expect(runs.map((run) => run.taxonomy_version)).toEqual([1]);
    expect((await settings('GET', tenant.apiKeys.manager)).json()).toMatchObject({ ...airline, version: 2 });
  });

  it('refuses bad settings with the field path and changes nothing', async () => {
    const before = (await settings('GET', tenant.apiKeys.admin)).json();
    const bad = await settings('PUT', tenant.apiKeys.admin, {
      ...airline,
      phoneRegion: 'XX',
      topics: [...airline.topics, { id: 'Late Flight!', label: 'x', seedTerms: [] }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const paths = bad.json().errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['/phoneRegion', '/topics/2/id', '/topics/2/seedTerms']));
    const duplicate = await settings('PUT', tenant.apiKeys.admin, {
      ...airline,
      topics: [airline.topics[0], airline.topics[0]],
    });
    expect(duplicate.statusCode).toBe(422);
    expect((await settings('GET', tenant.apiKeys.admin)).json()).toEqual(before);
  });

  it('lets only admins change them, managers read them, and keeps them to the organisation', async () => {
    expect((await settings('PUT', tenant.apiKeys.manager, airline)).statusCode).toBe(403);
    expect((await settings('GET', tenant.apiKeys.responder)).statusCode).toBe(403);
    const other = await createTenant(api.db, api.secretBox, 'Other text settings');
    expect((await settings('GET', other.apiKeys.admin)).json()).toMatchObject({ topics: [], version: 0 });
  });

  it("analyses new feedback with the organisation's topics, phone region and brand handles", async () => {
    const aggregateQueue = createAggregateQueue({
      connection: redisOptions(redisUrl),
      prefix: uniquePrefix(),
    });
    const analyse = createAnalyzeProcessor({ db: api.db, aggregateQueue });
    const text = '@AcmeAir two hours on the tarmac. Ask @sam_k, or call me on 030 12345678.';
    const posted = await postSigned(api.app, tenant, { externalId: `tarmac-${randomUUID()}`, text });
    const feedbackId: string = posted.json().id;
    await analyse({ data: { feedbackIds: [feedbackId], orgId: tenant.orgId } } as Job<FeedbackBatchJob>);

    const stored = await api.db
      .selectFrom('feedback_analysis')
      .select(['redacted_text', 'details'])
      .where('feedback_id', '=', feedbackId)
      .executeTakeFirstOrThrow();
    const details = stored.details as unknown as { topics: { id: string }[] };
    expect(details.topics.map((topic) => topic.id)).toContain('late_flight');
    expect(stored.redacted_text).toBe(
      '@AcmeAir two hours on the tarmac. Ask [HANDLE], or call me on [PHONE].',
    );
    await aggregateQueue.obliterate({ force: true });
    await aggregateQueue.close();
  });
});
