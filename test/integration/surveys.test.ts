import { createUnit, loadSurveyEvidence, recordStaffResponse, surveyResults } from '@cxloop/db';
import { type FrameworkScore, listIndicators, scoreFramework } from '@cxloop/scoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;
const as = (role: 'admin' | 'manager') => ({ authorization: `Bearer ${tenant.apiKeys[role]}` });

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Survey org');
  await createUnit(api.db, tenant.orgId, { key: 'north', name: 'North' });
  await createUnit(api.db, tenant.orgId, { key: 'south', name: 'South' });
  const settings = await api.app.inject({
    method: 'PUT',
    url: '/v1/survey-settings',
    headers: as('admin'),
    payload: {
      minGroupSize: 5,
      departments: [
        { key: 'support', name: 'Support' },
        { key: 'sales', name: 'Sales' },
        { key: 'legal', name: 'Legal' },
      ],
      staffRoles: [
        { key: 'agent', name: 'Agent' },
        { key: 'lead', name: 'Team lead' },
      ],
    },
  });
  expect(settings.statusCode).toBe(200);
});

afterAll(async () => {
  await api.close();
});

async function createOpenSurvey(payload: Record<string, unknown>): Promise<string> {
  const created = await api.app.inject({ method: 'POST', url: '/v1/surveys', headers: as('admin'), payload });
  expect(created.statusCode, created.body).toBe(201);
  const { id } = created.json() as { id: string };
  const opened = await api.app.inject({
    method: 'POST',
    url: `/v1/surveys/${id}/open`,
    headers: as('admin'),
  });
  expect(opened.statusCode).toBe(200);
  return id;
}

async function invite(surveyId: string, count: number): Promise<string[]> {
  const response = await api.app.inject({
    method: 'POST',
    url: `/v1/surveys/${surveyId}/invitations`,
    headers: as('admin'),
    payload: { count },
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { invitations: { token: string; url: string }[] }).invitations.map(
    (i) => i.token,
  );
}

function respond(token: string, payload: Record<string, unknown>) {
  return api.app.inject({ method: 'POST', url: `/v1/survey-invitations/${token}/response`, payload });
}

describe('survey lifecycle and invitations', () => {
  it('links answer once; a closed survey answers 410 to links and 409 to new invitations', async () => {
    const surveyId = await createOpenSurvey({
      name: 'Lifecycle',
      template: { kind: 'framework', elements: ['D5.2'] },
    });
    const [first, second] = await invite(surveyId, 2);
    const answer = { attributes: { department: 'support' }, answers: [{ question: 'D5.2.1', answer: 4 }] };

    expect((await respond(first!, answer)).statusCode).toBe(201);
    const again = await respond(first!, answer);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ type: 'urn:cxloop:problem:invitation_used' });

    const invalid = await respond(second!, { answers: [{ question: 'objective:D5.2', answer: 3 }] });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().errors).toEqual([expect.objectContaining({ path: '/answers/0/answer' })]);
    const unknownDepartment = await respond(second!, {
      attributes: { department: 'nope' },
      answers: [{ question: 'D5.2.1', answer: 4 }],
    });
    expect(unknownDepartment.json().errors).toEqual([
      expect.objectContaining({ path: '/attributes/department' }),
    ]);

    const closed = await api.app.inject({
      method: 'POST',
      url: `/v1/surveys/${surveyId}/close`,
      headers: as('admin'),
    });
    expect(closed.json()).toMatchObject({ status: 'closed' });
    expect((await respond(second!, answer)).statusCode).toBe(410);
    expect(
      (await api.app.inject({ method: 'GET', url: `/v1/survey-invitations/${second}` })).statusCode,
    ).toBe(410);
    expect((await api.app.inject({ method: 'GET', url: `/s/${second}` })).statusCode).toBe(410);
    const reclose = await api.app.inject({
      method: 'POST',
      url: `/v1/surveys/${surveyId}/close`,
      headers: as('admin'),
    });
    expect(reclose.statusCode).toBe(409);
    const more = await api.app.inject({
      method: 'POST',
      url: `/v1/surveys/${surveyId}/invitations`,
      headers: as('admin'),
      payload: { count: 1 },
    });
    expect(more.statusCode).toBe(409);

    const rows = await api.db
      .selectFrom('survey_responses')
      .selectAll()
      .where('survey_id', '=', surveyId)
      .execute();
    expect(rows).toHaveLength(1);
    // Only the token's hash is stored.
    const stored = await api.db.selectFrom('survey_invitations').select('token_hash').execute();
    expect(stored.map((row) => row.token_hash)).not.toContain(first);
  });

  it('records exactly one of 20 concurrent submissions of one token', async () => {
    const surveyId = await createOpenSurvey({
      name: 'Race',
      template: { kind: 'framework', elements: ['D5.2'] },
    });
    const [token] = await invite(surveyId, 1);
    const answer = { answers: [{ question: 'D5.2.1', answer: 5 }] };
    const replies = await Promise.all(Array.from({ length: 20 }, () => respond(token!, answer)));
    const statuses = replies.map((reply) => reply.statusCode).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const rows = await api.db
      .selectFrom('survey_responses')
      .select('id')
      .where('survey_id', '=', surveyId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('serves a respondent page that works without JavaScript', async () => {
    const surveyId = await createOpenSurvey({
      name: 'Page <test>',
      template: { kind: 'framework', elements: ['D5.2'] },
    });
    const [token] = await invite(surveyId, 1);
    const page = await api.app.inject({ method: 'GET', url: `/s/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('name="viewport"');
    expect(page.body).toContain('Page &lt;test&gt;');
    expect(page.body).toContain('<legend>');
    expect(page.body).toContain(`<form method="post" action="/s/${token}">`);

    const missing = await api.app.inject({
      method: 'POST',
      url: `/s/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'department=support',
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('role="alert"');

    const sent = await api.app.inject({
      method: 'POST',
      url: `/s/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        unit: 'north',
        department: 'support',
        role: '',
        'answer:D5.2.1': '4',
        'answer:D5.2.2': 'dont_know',
        'answer:objective:D5.2': 'partially',
      }).toString(),
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.body).toContain('Thank you');
    expect((await api.app.inject({ method: 'GET', url: `/s/${token}` })).statusCode).toBe(409);
    expect((await api.app.inject({ method: 'GET', url: `/s/${'x'.repeat(32)}` })).statusCode).toBe(404);

    const answers = await api.db
      .selectFrom('survey_answers')
      .select(['likert', 'dont_know', 'objective'])
      .where('survey_id', '=', surveyId)
      .execute();
    expect(answers).toHaveLength(3);
  });

  it("keeps another organisation's survey out of reach (404)", async () => {
    const surveyId = await createOpenSurvey({
      name: 'Private',
      template: { kind: 'framework', elements: ['D5.1'] },
    });
    const other = await createTenant(api.db, api.secretBox, 'Other org');
    for (const url of [
      `/v1/surveys/${surveyId}`,
      `/v1/surveys/${surveyId}/results`,
      `/v1/surveys/${surveyId}/comparison`,
    ]) {
      const response = await api.app.inject({
        url,
        headers: { authorization: `Bearer ${other.apiKeys.admin}` },
      });
      expect(response.statusCode, url).toBe(404);
    }
    const forbidden = await api.app.inject({
      method: 'POST',
      url: `/v1/surveys/${surveyId}/close`,
      headers: as('manager'),
    });
    expect(forbidden.statusCode).toBe(403);
  });
});

describe('k-anonymity', () => {
  type Group = { group: { key: string } | null; respondents: number };
  let surveyId: string;
  const k = 5;
  // support 6, sales 5, legal 2: legal is too small, and with it held back alone, sales = total − support − legal
  // would still give legal's answers away, so sales is held back too.
  const respondents = [
    ...Array.from({ length: 6 }, () => ({ department: 'support', role: 'agent', unit: 'north' })),
    ...Array.from({ length: 5 }, () => ({ department: 'sales', role: 'agent', unit: 'south' })),
    ...Array.from({ length: 2 }, () => ({ department: 'legal', role: 'lead', unit: 'south' })),
  ];

  beforeAll(async () => {
    surveyId = await createOpenSurvey({
      name: 'Privacy',
      template: { kind: 'framework', elements: ['D5.3'] },
    });
    const tokens = await invite(surveyId, respondents.length);
    for (const [index, attributes] of respondents.entries()) {
      const reply = await respond(tokens[index]!, {
        attributes,
        answers: [{ question: 'D5.3.1', answer: attributes.department === 'legal' ? 1 : 4 }],
      });
      expect(reply.statusCode).toBe(201);
    }
  });

  it('returns no group under the minimum size, and never a derivable remainder, for every breakdown', async () => {
    for (const by of ['unit', 'department', 'role'] as const) {
      const response = await api.app.inject({
        url: `/v1/surveys/${surveyId}/results?by=${by}`,
        headers: as('manager'),
      });
      expect(response.statusCode).toBe(200);
      const body = response.json() as {
        respondents: number;
        breakdown: { groups: Group[]; suppressedGroups: number };
      };
      const shown = body.breakdown.groups.reduce((sum, group) => sum + group.respondents, 0);
      for (const group of body.breakdown.groups) expect(group.respondents, by).toBeGreaterThanOrEqual(k);
      const heldBack = body.respondents - shown;
      expect(heldBack === 0 || heldBack >= k, `${by}: ${heldBack} held back`).toBe(true);
    }
    const byDepartment = await surveyResults(api.db, tenant.orgId, surveyId, { by: 'department' });
    expect(byDepartment?.breakdown?.groups.map((group) => group.group?.key)).toEqual(['support']);
    expect(byDepartment?.breakdown?.suppressedGroups).toBe(2);
    // role: agent 11, lead 2 → lead held back, and agent too (11 = 13 − 2 would reveal lead).
    const byRole = await surveyResults(api.db, tenant.orgId, surveyId, { by: 'role' });
    expect(byRole?.breakdown?.groups).toEqual([]);
  });

  it('withholds the overall result and the wave comparison while fewer than the minimum answered', async () => {
    const small = await createOpenSurvey({
      name: 'Tiny',
      template: { kind: 'framework', elements: ['D5.3'] },
    });
    const tokens = await invite(small, 3);
    for (const token of tokens) {
      expect((await respond(token, { answers: [{ question: 'D5.3.1', answer: 2 }] })).statusCode).toBe(201);
    }
    const results = await api.app.inject({ url: `/v1/surveys/${small}/results`, headers: as('manager') });
    expect(results.json()).toMatchObject({ respondents: 3, overall: null });
    const comparison = await api.app.inject({
      url: `/v1/surveys/${small}/comparison`,
      headers: as('manager'),
    });
    const body = comparison.json() as { current: { shown: boolean }; questions: { current: unknown }[] };
    expect(body.current.shown).toBe(false);
    expect(body.questions.every((question) => question.current === null)).toBe(true);
  });
});

describe('waves and survey evidence', () => {
  const elementScores = (score: FrameworkScore) =>
    new Map(
      score.dimensions.flatMap((dimension) =>
        dimension.elements.map((element) => [element.id, element.points]),
      ),
    );

  it('feeds the affected elements and no others, compares waves and asks for a recompute', async () => {
    const base = scoreFramework({});
    const beforeEvidence = await loadSurveyEvidence(api.db, tenant.orgId);

    const first = await createOpenSurvey({
      name: 'Devise check',
      series: 'devise',
      template: { kind: 'framework', elements: ['D6.2'] },
    });
    const indicators = listIndicators({ elements: ['D6.2'] }).map((indicator) => indicator.id);
    const answerAll = (value: 2 | 4) => [
      ...indicators.map((question) => ({ question, answer: value })),
      { question: 'objective:D6.2', answer: value === 4 ? ('fully' as const) : ('not_yet' as const) },
    ];
    for (const token of await invite(first, 5)) {
      expect((await respond(token, { answers: answerAll(2) })).statusCode).toBe(201);
    }
    await api.app.inject({ method: 'POST', url: `/v1/surveys/${first}/close`, headers: as('admin') });

    const second = await createOpenSurvey({
      name: 'Devise check',
      series: 'devise',
      template: { kind: 'framework', elements: ['D6.2'] },
    });
    const tokens = await invite(second, 6);
    for (const token of tokens.slice(0, 5)) {
      expect((await respond(token, { answers: answerAll(4) })).statusCode).toBe(201);
    }
    expect(
      (await respond(tokens[5]!, { answers: [{ question: indicators[0]!, answer: 'dont_know' }] }))
        .statusCode,
    ).toBe(201);

    const evidence = await loadSurveyEvidence(api.db, tenant.orgId);
    const fresh = evidence.survey.filter((result) => indicators.includes(result.indicatorId));
    expect(fresh.map((result) => result.indicatorId).sort()).toEqual([...indicators].sort());
    const firstIndicator = fresh.find((result) => result.indicatorId === indicators[0]);
    // The latest wave is used: 5 answers of 4, and the sixth respondent's "don't know" kept alongside.
    expect(firstIndicator).toMatchObject({
      mean: 4,
      respondents: 5,
      distribution: [0, 0, 0, 5, 0],
      dontKnow: 1,
    });
    expect(firstIndicator?.dontKnowShare).toBeCloseTo(1 / 6);
    // Staff's answers to the objective question are their view, passed on for display, never a rating.
    expect(evidence.staffObjectiveViews.find((view) => view.elementId === 'D6.2')).toMatchObject({
      fully: 5,
      notYet: 0,
    });

    const withSurvey = scoreFramework({
      survey: evidence.survey,
      staffObjectiveViews: evidence.staffObjectiveViews,
    });
    const withoutThisSurvey = scoreFramework({
      survey: beforeEvidence.survey,
      staffObjectiveViews: beforeEvidence.staffObjectiveViews,
    });
    const before = elementScores(withoutThisSurvey);
    const after = elementScores(withSurvey);
    const changed = [...after].filter(([id, points]) => points !== before.get(id)).map(([id]) => id);
    expect(changed).toEqual(['D6.2']);
    expect(after.get('D6.2')).toBeGreaterThan(elementScores(base).get('D6.2') ?? 0);

    const comparison = await api.app.inject({
      url: `/v1/surveys/${second}/comparison`,
      headers: as('manager'),
    });
    const body = comparison.json() as {
      current: { wave: number };
      previous: { wave: number } | null;
      questions: { questionKey: string; change: number | null }[];
    };
    expect(body.current.wave).toBe(2);
    expect(body.previous?.wave).toBe(1);
    expect(body.questions.find((question) => question.questionKey === indicators[1])?.change).toBe(2);
    expect(body.questions.find((question) => question.questionKey === 'objective:D6.2')?.change).toBe(1);

    const jobs = await api.scoreQueue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((job) => job.data.orgId)).toContain(tenant.orgId);
  });

  it('stores survey-tool responses in the same tables, once per vendor response id', async () => {
    const surveyId = await createOpenSurvey({
      name: 'Pulse',
      template: { kind: 'pulse', pulse: 'tools_and_processes' },
    });
    const answers = [{ question: 'tools_to_respond', answer: 5 as const }];
    const origin = { name: 'typeform', externalId: 'resp_1' };
    const first = await recordStaffResponse(
      api.db,
      tenant.orgId,
      surveyId,
      answers,
      { role: 'agent' },
      origin,
    );
    const again = await recordStaffResponse(
      api.db,
      tenant.orgId,
      surveyId,
      answers,
      { role: 'agent' },
      origin,
    );
    expect(first.outcome).toBe('recorded');
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(again.outcome === 'duplicate' && first.outcome === 'recorded' && again.responseId).toBe(
      first.outcome === 'recorded' && first.responseId,
    );
    const other = await createTenant(api.db, api.secretBox, 'Elsewhere');
    expect((await recordStaffResponse(api.db, other.orgId, surveyId, answers, {}, origin)).outcome).toBe(
      'not_found',
    );
  });
});
