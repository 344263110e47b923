import { randomUUID } from 'node:crypto';
import { type Role, roles } from '@cxloop/contracts';
import { openCaseForAnalysis, storeFeedbackBatch } from '@cxloop/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/**
 * Who may call what: every documented route with every role and with no credentials, and every
 * resource of organisation A asked for with organisation B's keys. The table is the policy; a route that
 * is not in it fails the completeness test, so a new route must be classified here.
 */
const ALL: readonly Role[] = roles;
/** Everyone but assessors, who read scores and evidence, not customers' feedback or cases. */
const STAFF: readonly Role[] = ['admin', 'manager', 'responder'];
const READERS: readonly Role[] = ['admin', 'manager', 'assessor'];
const MANAGERS: readonly Role[] = ['admin', 'manager'];
const ADMIN: readonly Role[] = ['admin'];
const TRIAGERS: readonly Role[] = ['admin', 'responder'];
/** Who rates objectives, overrides indicators and signs off assessments. */
const ASSESSORS: readonly Role[] = ['admin', 'assessor'];
/** Public routes authenticate otherwise (webhook signature, survey token) or are operational. */
type Access = readonly Role[] | 'public';

const policy: Record<string, Access> = {
  'GET /metrics': 'public',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'POST /v1/sources/{sourceId}/events': 'public',
  'POST /v1/session': 'public',
  'DELETE /v1/session': 'public',
  'GET /v1/survey-invitations/{token}': 'public',
  'POST /v1/survey-invitations/{token}/response': 'public',
  'GET /v1/session': ALL,
  'GET /v1/feedback': STAFF,
  'GET /v1/feedback/{id}': STAFF,
  'GET /v1/orgs/{org}/scores': READERS,
  'GET /v1/orgs/{org}/scores/{scope}': READERS,
  'GET /v1/orgs/{org}/scores/{scope}/history': READERS,
  'GET /v1/orgs/{org}/scores/{scope}/changes': READERS,
  'GET /v1/orgs/{org}/metrics': READERS,
  'GET /v1/orgs/{org}/insights': READERS,
  'POST /v1/orgs/{org}/insights/rising-issues/{id}/acknowledge': MANAGERS,
  'GET /v1/orgs/{org}/scores/stream': READERS,
  'GET /v1/orgs/{org}/experience': READERS,
  'POST /v1/sources': ADMIN,
  'GET /v1/sources': ADMIN,
  'GET /v1/sources/{sourceId}': ADMIN,
  'PATCH /v1/sources/{sourceId}': ADMIN,
  'DELETE /v1/sources/{sourceId}': ADMIN,
  'POST /v1/sources/{sourceId}/secret/rotate': ADMIN,
  'GET /v1/sources/{sourceId}/deliveries': ADMIN,
  'POST /v1/sources/{sourceId}/imports': ADMIN,
  'POST /v1/sources/{id}/test-delivery': ADMIN,
  'PUT /v1/sources/{id}/reply-target': ADMIN,
  'GET /v1/survey-settings': READERS,
  'PUT /v1/survey-settings': ADMIN,
  'POST /v1/surveys': ADMIN,
  'GET /v1/surveys': READERS,
  'GET /v1/surveys/{id}': READERS,
  'POST /v1/surveys/{id}/open': ADMIN,
  'POST /v1/surveys/{id}/close': ADMIN,
  'POST /v1/surveys/{id}/invitations': ADMIN,
  'GET /v1/surveys/{id}/results': READERS,
  'GET /v1/surveys/{id}/comparison': READERS,
  'GET /v1/teams': ALL,
  'POST /v1/teams': ADMIN,
  'GET /v1/members': ALL,
  'POST /v1/members': ADMIN,
  'PUT /v1/teams/{teamId}/members/{memberId}': ADMIN,
  'GET /v1/cases': STAFF,
  'GET /v1/case-views': STAFF,
  'GET /v1/triage/response-times': STAFF,
  'POST /v1/cases/claim-next': TRIAGERS,
  'GET /v1/cases/{id}': STAFF,
  'GET /v1/cases/{id}/events': STAFF,
  'POST /v1/cases/{id}/transitions': TRIAGERS,
  'POST /v1/cases/{id}/assignment': TRIAGERS,
  'POST /v1/cases/{id}/replies': TRIAGERS,
  'POST /v1/cases/{id}/notes': TRIAGERS,
  'GET /v1/triage/settings': STAFF,
  'PUT /v1/triage/settings': ADMIN,
  'GET /v1/triage/sla-policy': STAFF,
  'PUT /v1/triage/sla-policy': ADMIN,
  'GET /v1/journey': ALL,
  'PUT /v1/journey': ADMIN,
  'GET /v1/orgs/{org}/objectives': READERS,
  'POST /v1/orgs/{org}/objective-ratings': ASSESSORS,
  'GET /v1/orgs/{org}/indicator-overrides': READERS,
  'POST /v1/orgs/{org}/indicator-overrides': ASSESSORS,
  'GET /v1/orgs/{org}/assessment-audit': READERS,
  'GET /v1/orgs/{org}/targets': READERS,
  'POST /v1/orgs/{org}/targets': READERS,
  'POST /v1/orgs/{org}/assessments': ASSESSORS,
  'GET /v1/orgs/{org}/assessments': READERS,
  'GET /v1/orgs/{org}/assessments/{id}': READERS,
  'GET /v1/orgs/{org}/assessments/{id}/comparison/{otherId}': READERS,
  'GET /v1/orgs/{org}/assessments/{id}/export.csv': READERS,
  'GET /v1/orgs/{org}/assessments/{id}/report.html': READERS,
};

let api: TestApi;
let a: TestTenant;
let b: TestTenant;
/** Organisation A's resources, by the path parameter that names them. */
let resources: Record<string, string>;

async function seedCaseOf(tenant: TestTenant): Promise<{ feedbackId: string; caseId: string }> {
  const [stored] = await storeFeedbackBatch(api.db, [
    {
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: `matrix-${randomUUID()}`,
      customer_ref: null,
      text: 'I will cancel my account',
      metadata: JSON.stringify({}),
      occurred_at: new Date(),
    },
  ]);
  const opened = await api.db.transaction().execute((trx) =>
    openCaseForAnalysis(
      trx,
      {
        orgId: tenant.orgId,
        feedbackId: stored!.id,
        severity: 'high',
        urgency: 0.8,
        flagCodes: ['churn_threat'],
        topics: [],
      },
      new Date(),
    ),
  );
  return { feedbackId: stored!.id, caseId: opened!.caseId };
}

beforeAll(async () => {
  api = await startTestApi();
  a = await createTenant(api.db, api.secretBox, 'Org A');
  b = await createTenant(api.db, api.secretBox, 'Org B');
  const seeded = await seedCaseOf(a);
  const survey = await api.app.inject({
    method: 'POST',
    url: '/v1/surveys',
    headers: { authorization: `Bearer ${a.apiKeys.admin}` },
    payload: { name: 'Matrix pulse', template: { kind: 'framework', elements: ['D5.1'] } },
  });
  expect(survey.statusCode).toBe(201);
  const team = await api.app.inject({
    method: 'POST',
    url: '/v1/teams',
    headers: { authorization: `Bearer ${a.apiKeys.admin}` },
    payload: { name: 'Care' },
  });
  const member = await api.app.inject({
    method: 'POST',
    url: '/v1/members',
    headers: { authorization: `Bearer ${a.apiKeys.admin}` },
    payload: { name: 'Ana', email: 'ana@example.com' },
  });
  resources = {
    org: a.orgId,
    sourceId: a.sourceId,
    feedbackId: seeded.feedbackId,
    caseId: seeded.caseId,
    surveyId: survey.json().id,
    teamId: team.json().id,
    memberId: member.json().id,
  };
});
afterAll(async () => {
  await api.close();
});

/** A concrete URL for an OpenAPI path, naming organisation A's resources. */
function urlFor(path: string): string {
  const [, base] = path.split(' ');
  return base!
    .replace('{org}', resources.org!)
    .replace('{scope}', 'enterprise')
    .replace('{sourceId}', resources.sourceId!)
    .replace('{teamId}', resources.teamId!)
    .replace('{memberId}', resources.memberId!)
    .replace('{token}', 'not-a-token')
    .replace('{id}', () => {
      if (base!.startsWith('/v1/cases/')) return resources.caseId!;
      if (base!.startsWith('/v1/surveys/')) return resources.surveyId!;
      if (base!.startsWith('/v1/sources/')) return resources.sourceId!;
      if (base!.startsWith('/v1/feedback/')) return resources.feedbackId!;
      return randomUUID();
    });
}

function call(key: string, headers: Record<string, string> = {}) {
  return callPath(`${key.split(' ')[0]} ${urlFor(key)}`, headers);
}

function callPath(methodAndUrl: string, headers: Record<string, string>) {
  const [method, url] = methodAndUrl.split(' ');
  const bodyless = method === 'GET' || method === 'DELETE';
  return api.app.inject({
    method: method as 'GET',
    url,
    headers,
    // An empty object: authorisation is decided before the body is read, so its content does not matter.
    ...(bodyless ? {} : { payload: {} }),
  });
}

const guarded = Object.entries(policy).filter(
  (entry): entry is [string, readonly Role[]] => entry[1] !== 'public',
);

describe('access matrix', () => {
  it('classifies every documented route', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((route) => !(route in policy))).toEqual([]);
    expect(Object.keys(policy).filter((route) => !documented.includes(route))).toEqual([]);
  });

  it.each(guarded)('%s: 401 without credentials', async (route) => {
    const response = await call(route);
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it.each(guarded)('%s: allowed roles pass, the others get 403', async (route, allowed) => {
    for (const role of ALL) {
      // Streams stay open; only the status line is needed, so skip the allowed stream call here.
      if (route.endsWith('/stream') && allowed.includes(role)) continue;
      const response = await call(route, { authorization: `Bearer ${a.apiKeys[role]}` });
      const roleRefusal =
        response.statusCode === 403 && /needs one of the roles/.test(response.json().detail);
      if (allowed.includes(role)) {
        // A 403 for another reason is the route's own rule (claiming a case needs a key linked to a member).
        expect(response.statusCode, `${role} on ${route}`).not.toBe(401);
        expect(roleRefusal, `${role} on ${route}: ${response.body}`).toBe(false);
      } else {
        expect(roleRefusal, `${role} on ${route}: ${response.statusCode} ${response.body}`).toBe(true);
      }
    }
  });
});

describe('tenant isolation', () => {
  const resourceRoutes = guarded.filter(([route]) => /\{(org|id|sourceId|teamId|memberId)\}/.test(route));

  it.each(resourceRoutes)("%s: another organisation's keys learn nothing", async (route, allowed) => {
    // B asking for A's resource must look exactly like B asking for one that does not exist.
    const nowhere = route
      .replace('{org}', randomUUID())
      .replace(/\{(id|sourceId|teamId|memberId)\}/g, randomUUID());
    for (const role of allowed) {
      const headers = { authorization: `Bearer ${b.apiKeys[role]}` };
      const theirs = await call(route, headers);
      const missing = await callPath(nowhere, headers);
      expect(theirs.statusCode, `${role} of B on ${route}`).toBeGreaterThanOrEqual(400);
      expect(theirs.statusCode, `${role} of B on ${route}`).toBe(missing.statusCode);
      if (route.startsWith('GET ')) expect(theirs.statusCode, `${role} of B on ${route}`).toBe(404);
      // Same problem apart from `instance`, which only echoes the URL the caller sent.
      const { instance: _a, ...theirProblem } = theirs.json();
      const { instance: _b, ...missingProblem } = missing.json();
      expect(theirProblem, `${role} of B on ${route}`).toEqual(missingProblem);
    }
  });

  it("lists of another organisation never show this organisation's rows", async () => {
    for (const url of [
      '/v1/feedback',
      '/v1/cases',
      '/v1/sources',
      '/v1/surveys',
      '/v1/teams',
      '/v1/members',
    ]) {
      const response = await api.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${b.apiKeys.admin}` },
      });
      expect(response.statusCode, url).toBe(200);
      for (const id of Object.values(resources)) expect(response.body, url).not.toContain(id);
    }
  });
});
