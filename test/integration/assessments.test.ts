import { randomUUID } from 'node:crypto';
import { createScoreProcessor } from '@cxloop/aggregation-worker';
import type { ScoreJob } from '@cxloop/contracts';
import { ENTERPRISE_SCOPE, findCurrentScore } from '@cxloop/db';
import { redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeCountedFeedback } from '../support/counted-feedback.js';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * Assessors' input end to end: objective ratings and indicator overrides through the API, each audited and
 * fed into the score worker; targets; official assessments frozen, compared and exported.
 */

let api: TestApi;
let a: TestTenant;
let b: TestTenant;
let redis: Redis;

beforeAll(async () => {
  api = await startTestApi();
  a = await createTenant(api.db, api.secretBox, 'Assessed org');
  b = await createTenant(api.db, api.secretBox, 'Other org');
  redis = new Redis(redisOptions(redisUrl));
  await storeCountedFeedback(api.db, a, [9, 3, 10]);
  await rescore();
});
afterAll(async () => {
  redis.disconnect();
  await api.close();
});

async function rescore() {
  await createScoreProcessor({ db: api.db, redis, prefix: api.prefix })({
    data: { orgId: a.orgId },
  } as Job<ScoreJob>);
}

function send(method: 'GET' | 'POST', url: string, key: string, payload?: object) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload ? { payload } : {}),
  });
}

const rate = (key: string, body: object, org = a.orgId) =>
  send('POST', `/v1/orgs/${org}/objective-ratings`, key, body);
const override = (key: string, body: object, org = a.orgId) =>
  send('POST', `/v1/orgs/${org}/indicator-overrides`, key, body);

async function element(elementId: string) {
  const row = await findCurrentScore(api.db, a.orgId, ENTERPRISE_SCOPE);
  const score = row!.score;
  return score.dimensions
    .flatMap((dimension) => dimension.elements)
    .find((candidate) => candidate.id === elementId)!;
}

/** Every manual input of an organisation, to show a refused request changed nothing. */
async function manualState(orgId: string) {
  const [ratings, overrides, targets, audit] = await Promise.all(
    (['objective_ratings', 'indicator_overrides', 'element_targets', 'assessment_audit'] as const).map(
      (table) => api.db.selectFrom(table).selectAll().where('org_id', '=', orgId).execute(),
    ),
  );
  return { ratings, overrides, targets, audit };
}

describe('objective ratings', () => {
  it('records a rating with its audit entry, re-rating shows old → new, and the score uses it', async () => {
    const first = await rate(a.apiKeys.assessor, {
      elementId: 'D5.2',
      level: 'partially',
      reason: 'Four channels, but no chat on weekends',
      evidenceLinks: ['https://intranet.example.com/voc-channels'],
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().audit).toMatchObject({
      kind: 'objective_rating',
      subject: 'D5.2',
      actor: 'assessor',
      old: null,
      new: { level: 'partially' },
      reason: 'Four channels, but no chat on weekends',
    });
    const queued = await api.scoreQueue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(queued.map((job) => job.data.orgId)).toContain(a.orgId);

    const second = await rate(a.apiKeys.admin, {
      elementId: 'D5.2',
      level: 'fully',
      reason: 'Weekend chat added',
    });
    expect(second.statusCode).toBe(200);
    expect(second.json().audit).toMatchObject({
      old: { level: 'partially' },
      new: { level: 'fully' },
      actor: 'admin',
    });

    const trail = await send('GET', `/v1/orgs/${a.orgId}/assessment-audit?subject=D5.2`, a.apiKeys.manager);
    expect(trail.json().entries.map((entry: { reason: string }) => entry.reason)).toEqual([
      'Weekend chat added',
      'Four channels, but no chat on weekends',
    ]);
    const objectives = await send('GET', `/v1/orgs/${a.orgId}/objectives`, a.apiKeys.manager);
    const d52 = objectives
      .json()
      .objectives.find((entry: { elementId: string }) => entry.elementId === 'D5.2');
    expect(d52.rating).toMatchObject({ level: 'fully', ratedBy: 'admin' });

    await rescore();
    expect((await element('D5.2')).objective.level).toBe('fully');
    expect((await element('D5.1')).objective.level).toBeNull();
  });

  it.each([
    ['an unknown element', { elementId: 'D9.9', level: 'fully', reason: 'x' }, '/elementId'],
    ['a level outside the three', { elementId: 'D5.1', level: 'mostly', reason: 'x' }, '/level'],
    ['no reason', { elementId: 'D5.1', level: 'fully' }, '/reason'],
    ['a blank reason', { elementId: 'D5.1', level: 'fully', reason: '   ' }, '/reason'],
    [
      'a link that is not http(s)',
      { elementId: 'D5.1', level: 'fully', reason: 'x', evidenceLinks: ['javascript:alert(1)'] },
      '/evidenceLinks/0',
    ],
  ])('refuses %s with problem+json naming the field, changing nothing', async (_case, body, path) => {
    const before = await manualState(a.orgId);
    const response = await rate(a.apiKeys.assessor, body);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    expect(await manualState(a.orgId)).toEqual(before);
  });

  it('lets only assessors and admins rate or override, and never across organisations', async () => {
    const before = await manualState(a.orgId);
    for (const role of ['manager', 'responder'] as const) {
      expect(
        (await rate(a.apiKeys[role], { elementId: 'D5.1', level: 'fully', reason: 'x' })).statusCode,
      ).toBe(403);
      expect(
        (await override(a.apiKeys[role], { indicatorId: 'D5.1.1', attainment: 1, reason: 'x' })).statusCode,
      ).toBe(403);
    }
    const across = await rate(b.apiKeys.assessor, { elementId: 'D5.1', level: 'fully', reason: 'x' });
    expect(across.statusCode).toBe(404);
    expect(
      (await override(b.apiKeys.admin, { indicatorId: 'D5.1.1', attainment: 1, reason: 'x' })).statusCode,
    ).toBe(404);
    expect(await manualState(a.orgId)).toEqual(before);
  });
});

describe('indicator overrides', () => {
  it.each([
    ['an attainment above 1', { indicatorId: 'D5.1.1', attainment: 1.5, reason: 'x' }, '/attainment'],
    ['a negative attainment', { indicatorId: 'D5.1.1', attainment: -0.1, reason: 'x' }, '/attainment'],
    ['an unknown indicator', { indicatorId: 'D5.1.99', attainment: 0.5, reason: 'x' }, '/indicatorId'],
    ['no reason', { indicatorId: 'D5.1.1', attainment: 0.5 }, '/reason'],
  ])('refuses %s, changing nothing', async (_case, body, path) => {
    const before = await manualState(a.orgId);
    const response = await override(a.apiKeys.assessor, body);
    expect(response.statusCode).toBe(422);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    expect(await manualState(a.orgId)).toEqual(before);
  });

  it("replaces an indicator's attainment in the score, and removing it is audited too", async () => {
    const set = await override(a.apiKeys.assessor, {
      indicatorId: 'D5.1.1',
      attainment: 0.75,
      reason: 'VoC lead appointed in May; charter seen',
    });
    expect(set.statusCode, set.body).toBe(200);
    await rescore();
    const indicator = (await element('D5.1')).indicators.find((candidate) => candidate.id === 'D5.1.1');
    expect(indicator?.attainment).toBe(0.75);

    const removed = await override(a.apiKeys.assessor, {
      indicatorId: 'D5.1.1',
      attainment: null,
      reason: 'Lead left',
    });
    expect(removed.json()).toMatchObject({ override: null, audit: { old: { attainment: 0.75 }, new: null } });
    await rescore();
    const after = (await element('D5.1')).indicators.find((candidate) => candidate.id === 'D5.1.1');
    expect(after?.attainment).not.toBe(0.75);
  });
});

describe('targets', () => {
  it('stores a target per scope and shows the gap the score computed', async () => {
    const set = await send('POST', `/v1/orgs/${a.orgId}/targets`, a.apiKeys.manager, {
      elementId: 'D5.2',
      stage: 'embed',
      reason: 'Board goal for 2027',
    });
    expect(set.statusCode, set.body).toBe(200);
    await rescore();
    const listed = await send('GET', `/v1/orgs/${a.orgId}/targets`, a.apiKeys.assessor);
    const [target] = listed.json().targets;
    expect(target).toMatchObject({
      scope: 'enterprise',
      elementId: 'D5.2',
      stage: 'embed',
      targetPoints: 42.5,
    });
    expect(target.gap).toBeCloseTo(42.5 - (await element('D5.2')).points, 6);
  });

  it.each([
    ['an unknown stage', { elementId: 'D5.2', stage: 'excellent', reason: 'x' }, '/stage'],
    ['points and a stage', { elementId: 'D5.2', stage: 'align', points: 30, reason: 'x' }, '/stage'],
    ['more points than the element has', { elementId: 'D5.2', points: 51, reason: 'x' }, '/points'],
    [
      'a scope that is no unit of the organisation',
      { scope: randomUUID(), elementId: 'D5.2', points: 10, reason: 'x' },
      '/scope',
    ],
  ])('refuses %s, changing nothing', async (_case, body, path) => {
    const before = await manualState(a.orgId);
    const response = await send('POST', `/v1/orgs/${a.orgId}/targets`, a.apiKeys.assessor, body);
    expect(response.statusCode).toBe(422);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    expect(await manualState(a.orgId)).toEqual(before);
  });
});

describe('official assessments', () => {
  it('freezes the live score, compares two, and exports CSV and a printable report', async () => {
    await rate(a.apiKeys.assessor, { elementId: 'D5.3', level: 'fully', reason: 'NPS programme running' });
    await rescore();
    const first = await send('POST', `/v1/orgs/${a.orgId}/assessments`, a.apiKeys.assessor, {
      title: 'H1 review <b>board</b>',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ scope: 'enterprise', signedOffBy: 'assessor' });

    await rate(a.apiKeys.assessor, {
      elementId: 'D5.3',
      level: 'not_yet',
      reason: 'NPS survey paused since March',
    });
    await rescore();
    const second = await send('POST', `/v1/orgs/${a.orgId}/assessments`, a.apiKeys.admin, {
      title: 'H2 review',
    });
    expect(second.statusCode).toBe(201);

    // The first assessment keeps what it froze, whatever happened since.
    const kept = await send('GET', `/v1/orgs/${a.orgId}/assessments/${first.json().id}`, a.apiKeys.manager);
    expect(kept.json().snapshot.ratings).toContainEqual(
      expect.objectContaining({ elementId: 'D5.3', level: 'fully' }),
    );

    const compared = await send(
      'GET',
      `/v1/orgs/${a.orgId}/assessments/${second.json().id}/comparison/${first.json().id}`,
      a.apiKeys.manager,
    );
    expect(compared.statusCode, compared.body).toBe(200);
    const { before, comparison } = compared.json();
    expect(before.id).toBe(first.json().id);
    const d53 = comparison.elements.find((entry: { elementId: string }) => entry.elementId === 'D5.3');
    expect(d53.delta).toBeCloseTo(-15, 6);
    expect(d53.before.objective).toBe('fully');
    expect(d53.after.objective).toBe('not_yet');
    expect(d53.why).toContainEqual(expect.objectContaining({ kind: 'objective', points: -15 }));
    expect(d53.manual.join(' ')).toContain('NPS survey paused since March');
    expect(comparison.total.delta).toBeCloseTo(-15, 6);

    const csv = await send(
      'GET',
      `/v1/orgs/${a.orgId}/assessments/${second.json().id}/export.csv`,
      a.apiKeys.manager,
    );
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^dimension,element,name,points,max,stage/);
    expect(lines).toHaveLength(1 + 32 + 1);
    expect(lines.find((line) => line.startsWith('D5,D5.3,'))).toContain(
      'not_yet,NPS survey paused since March,assessor',
    );

    const report = await send(
      'GET',
      `/v1/orgs/${a.orgId}/assessments/${first.json().id}/report.html`,
      a.apiKeys.assessor,
    );
    expect(report.headers['content-type']).toContain('text/html');
    expect(report.body).toContain('H1 review &#60;b&#62;board&#60;/b&#62;');
    expect(report.body).not.toContain('<b>board');
    expect(report.body).toContain('NPS programme running');

    const listed = await send('GET', `/v1/orgs/${a.orgId}/assessments`, a.apiKeys.manager);
    expect(listed.json().assessments.map((entry: { title: string }) => entry.title)).toEqual([
      'H2 review',
      'H1 review <b>board</b>',
    ]);
    const audit = await send(
      'GET',
      `/v1/orgs/${a.orgId}/assessment-audit?kind=assessment`,
      a.apiKeys.manager,
    );
    expect(audit.json().entries).toHaveLength(2);
  });

  it('refuses to freeze a scope without a score, and hides assessments from other organisations', async () => {
    const refused = await send('POST', `/v1/orgs/${a.orgId}/assessments`, a.apiKeys.assessor, {
      scope: randomUUID(),
      title: 'Nothing to freeze',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0].path).toBe('/scope');
    const [own] = (await send('GET', `/v1/orgs/${a.orgId}/assessments`, a.apiKeys.manager)).json()
      .assessments;
    const theirs = await send('GET', `/v1/orgs/${b.orgId}/assessments/${own.id}`, b.apiKeys.manager);
    expect(theirs.statusCode).toBe(404);
  });
});
