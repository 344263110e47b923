import {
  bufferResponse,
  createUnit,
  findSurvey,
  flushWaitingResponseBatches,
  loadSurveyEvidence,
} from '@cxloop/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/**
 * DESIGN invariant 9, attacked: the database must not tie a response to its invitation (xmin, timestamps),
 * published figures must not be subtracted into a small group, and lowering the minimum group size after a
 * wave opened must not reveal its small groups.
 */

let api: TestApi;
const K = 5;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

async function organisation(name: string): Promise<TestTenant> {
  const tenant = await createTenant(api.db, api.secretBox, name);
  await createUnit(api.db, tenant.orgId, { key: 'north', name: 'North' });
  await createUnit(api.db, tenant.orgId, { key: 'south', name: 'South' });
  await setMinGroupSize(tenant, K);
  return tenant;
}

function admin(tenant: TestTenant) {
  return { authorization: `Bearer ${tenant.apiKeys.admin}` };
}

async function setMinGroupSize(tenant: TestTenant, minGroupSize: number) {
  const response = await api.app.inject({
    method: 'PUT',
    url: '/v1/survey-settings',
    headers: admin(tenant),
    payload: { minGroupSize, departments: [{ key: 'support', name: 'Support' }] },
  });
  expect(response.statusCode).toBe(200);
}

async function openSurvey(tenant: TestTenant, name: string): Promise<string> {
  const created = await api.app.inject({
    method: 'POST',
    url: '/v1/surveys',
    headers: admin(tenant),
    payload: { name, template: { kind: 'framework', elements: ['D5.3'] } },
  });
  const { id } = created.json() as { id: string };
  await api.app.inject({ method: 'POST', url: `/v1/surveys/${id}/open`, headers: admin(tenant) });
  return id;
}

async function invite(tenant: TestTenant, surveyId: string, count: number): Promise<string[]> {
  const response = await api.app.inject({
    method: 'POST',
    url: `/v1/surveys/${surveyId}/invitations`,
    headers: admin(tenant),
    payload: { count },
  });
  return (response.json() as { invitations: { token: string }[] }).invitations.map((i) => i.token);
}

async function answer(token: string, unit: string, value: number) {
  const reply = await api.app.inject({
    method: 'POST',
    url: `/v1/survey-invitations/${token}/response`,
    payload: { attributes: { unit }, answers: [{ question: 'D5.3.1', answer: value }] },
  });
  expect(reply.statusCode, reply.body).toBe(201);
}

async function close(tenant: TestTenant, surveyId: string) {
  const closed = await api.app.inject({
    method: 'POST',
    url: `/v1/surveys/${surveyId}/close`,
    headers: admin(tenant),
  });
  expect(closed.statusCode).toBe(200);
}

describe('linkage in the database (xmin, timestamps)', () => {
  let tenant: TestTenant;
  let surveyId: string;
  const tokens: string[] = [];

  beforeAll(async () => {
    tenant = await organisation('Linkage');
    surveyId = await openSurvey(tenant, 'Linkage');
    tokens.push(...(await invite(tenant, surveyId, 12)));
    // Each respondent gives a different answer sequence, as a real attacker would hope to match.
    for (const [index, token] of tokens.entries()) await answer(token, 'north', (index % 5) + 1);
  });

  it('stores no invited response in the transaction that claimed its link', async () => {
    const invitations = await sql<{ xmin: string; used: boolean }>`
      select xmin::text, used from survey_invitations where survey_id = ${surveyId}`.execute(api.db);
    const responses = await sql<{ xmin: string }>`
      select xmin::text from survey_responses where survey_id = ${surveyId}`.execute(api.db);
    expect(invitations.rows.every((row) => row.used)).toBe(true);
    // 12 answered, k = 5: two batches written, two answers waiting.
    expect(responses.rows).toHaveLength(10);
    const claimXmins = new Set(invitations.rows.map((row) => row.xmin));
    expect(responses.rows.filter((row) => claimXmins.has(row.xmin))).toEqual([]);
    // Every response shares its transaction with at least k − 1 others.
    const perXmin = new Map<string, number>();
    for (const row of responses.rows) perXmin.set(row.xmin, (perXmin.get(row.xmin) ?? 0) + 1);
    for (const size of perXmin.values()) expect(size).toBeGreaterThanOrEqual(K);
  });

  it('keeps no time of use and no time finer than a day on a response', async () => {
    const columns = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns
      where table_name in ('survey_invitations', 'survey_responses', 'survey_answers', 'survey_response_buffer')
        and (data_type like 'timestamp%' or data_type = 'date')`.execute(api.db);
    expect(columns.rows.map((row) => `${row.table_name}.${row.column_name}:${row.data_type}`).sort()).toEqual(
      [
        // When the links were made (all at once), and the day a batch was written.
        'survey_invitations.created_at:timestamp with time zone',
        'survey_responses.submitted_on:date',
      ],
    );
  });

  it('leaves whoever sent the links a batch of at least k candidates for every invitation', async () => {
    // The attack: the link sender hashes a token, finds its invitation, and takes the responses written
    // next after its claim (by transaction id): the responses whose xmin is the first one above the claim.
    await close(tenant, surveyId);
    const invitations = await sql<{ xmin: string }>`
      select xmin::text from survey_invitations where survey_id = ${surveyId}`.execute(api.db);
    const responses = await sql<{ xmin: string }>`
      select xmin::text from survey_responses where survey_id = ${surveyId}`.execute(api.db);
    expect(responses.rows).toHaveLength(12);
    for (const invitation of invitations.rows) {
      const after = responses.rows
        .map((row) => BigInt(row.xmin))
        .filter((xmin) => xmin >= BigInt(invitation.xmin))
        .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const next = after[0];
      const candidates = responses.rows.filter((row) => BigInt(row.xmin) === next);
      expect(candidates.length).toBeGreaterThanOrEqual(K);
    }
    const waiting = await api.db
      .selectFrom('survey_response_buffer')
      .select('id')
      .where('survey_id', '=', surveyId)
      .execute();
    expect(waiting).toEqual([]);
  });
});

describe('accepted answers are never lost', () => {
  it('keeps answers of a survey that never reached k, and writes them at close', async () => {
    const tenant = await organisation('Few');
    const surveyId = await openSurvey(tenant, 'Few');
    for (const token of await invite(tenant, surveyId, 3)) await answer(token, 'south', 2);
    // Committed with their claims, before any response row exists.
    expect(
      await api.db
        .selectFrom('survey_response_buffer')
        .select('id')
        .where('survey_id', '=', surveyId)
        .execute(),
    ).toHaveLength(3);
    await close(tenant, surveyId);
    const stored = await sql<{ n: number; answers: number }>`
      select count(distinct r.id)::int as n, count(a.*)::int as answers
      from survey_responses r join survey_answers a on a.response_id = r.id
      where r.survey_id = ${surveyId}`.execute(api.db);
    expect(stored.rows[0]).toEqual({ n: 3, answers: 3 });
  });

  it('writes a batch a crash left waiting when the sweep runs', async () => {
    const tenant = await organisation('Crashed');
    const surveyId = await openSurvey(tenant, 'Crashed');
    const survey = (await findSurvey(api.db, tenant.orgId, surveyId))!;
    const questionId = (
      await api.db
        .selectFrom('survey_questions')
        .select('id')
        .where('survey_id', '=', surveyId)
        .executeTakeFirstOrThrow()
    ).id;
    // k answers committed with their claims, and the process gone before it wrote their batch.
    for (let i = 0; i < K; i++) {
      await bufferResponse(api.db, survey, {
        unitId: null,
        departmentId: null,
        staffRoleId: null,
        answers: [{ questionId, likert: 3, dontKnow: false, objective: null }],
      });
    }
    expect(await flushWaitingResponseBatches(api.db)).toBeGreaterThanOrEqual(K);
    const stored = await api.db
      .selectFrom('survey_responses')
      .select('id')
      .where('survey_id', '=', surveyId)
      .execute();
    expect(stored).toHaveLength(K);
  });
});

describe('differencing between published groups', () => {
  let tenant: TestTenant;
  let surveyId: string;
  // North: 6 people answering 4. South: 2 people answering 1 — too few to be shown.
  beforeAll(async () => {
    tenant = await organisation('Differencing');
    surveyId = await openSurvey(tenant, 'Differencing');
    const tokens = await invite(tenant, surveyId, 8);
    for (const token of tokens.slice(0, 6)) await answer(token, 'north', 4);
    for (const token of tokens.slice(6)) await answer(token, 'south', 1);
    await close(tenant, surveyId);
  });

  it('cannot recover the hidden unit as the enterprise minus the shown unit, from the score evidence', async () => {
    const units = await api.db
      .selectFrom('units')
      .select(['id', 'key'])
      .where('org_id', '=', tenant.orgId)
      .execute();
    const enterprise = await loadSurveyEvidence(api.db, tenant.orgId);
    const total = enterprise.survey.find((result) => result.indicatorId === 'D5.3.1');
    expect(total).toMatchObject({ respondents: 8 });
    // The attacker subtracts every unit's published evidence from the enterprise's.
    const remainder = [...total!.distribution];
    let remainderRespondents = total!.respondents;
    for (const unit of units) {
      const evidence = await loadSurveyEvidence(api.db, tenant.orgId, { unitId: unit.id });
      const shown = evidence.survey.find(
        (result) => result.indicatorId === 'D5.3.1' && result.surveyId === surveyId,
      );
      if (!shown) continue;
      shown.distribution.forEach((count, index) => {
        remainder[index]! -= count;
      });
      remainderRespondents -= shown.respondents;
    }
    // Without complementary suppression this is exactly south: 2 respondents, both answering 1.
    expect(remainder).not.toEqual([2, 0, 0, 0, 0]);
    expect(remainderRespondents === 0 || remainderRespondents >= K).toBe(true);
  });

  it('shows the same groups in the results as in the evidence', async () => {
    const results = await api.app.inject({
      url: `/v1/surveys/${surveyId}/results?by=unit`,
      headers: { authorization: `Bearer ${tenant.apiKeys.manager}` },
    });
    const body = results.json() as {
      overall: unknown;
      breakdown: { groups: unknown[]; suppressedGroups: number };
    };
    expect(body.overall).not.toBeNull();
    expect(body.breakdown).toMatchObject({ groups: [], suppressedGroups: 2 });
  });
});

describe('lowering the minimum group size after a wave opened', () => {
  it('keeps the minimum the wave opened under', async () => {
    const tenant = await organisation('Lowered');
    const surveyId = await openSurvey(tenant, 'Lowered');
    for (const token of await invite(tenant, surveyId, 4)) await answer(token, 'north', 3);
    await close(tenant, surveyId);
    await setMinGroupSize(tenant, 3);
    const results = await api.app.inject({
      url: `/v1/surveys/${surveyId}/results?by=unit`,
      headers: { authorization: `Bearer ${tenant.apiKeys.manager}` },
    });
    expect(results.json()).toMatchObject({ minGroupSize: K, respondents: 4, overall: null });
    expect((await loadSurveyEvidence(api.db, tenant.orgId)).survey).toEqual([]);
    // A wave opened after the change is held to the new minimum.
    const later = await openSurvey(tenant, 'Later');
    for (const token of await invite(tenant, later, 3)) await answer(token, 'north', 3);
    await close(tenant, later);
    const laterResults = await api.app.inject({
      url: `/v1/surveys/${later}/results`,
      headers: { authorization: `Bearer ${tenant.apiKeys.manager}` },
    });
    expect(laterResults.json()).toMatchObject({ minGroupSize: 3, respondents: 3 });
    expect(laterResults.json().overall).not.toBeNull();
  });
});
