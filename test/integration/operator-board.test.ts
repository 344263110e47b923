import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { roles } from '@cxloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/**
 * The BullMQ board shows and changes every organisation's jobs and Redis itself: it belongs to the
 * platform operator (OPERATOR_TOKEN), never to an organisation's role, and is absent without the token.
 */
const operatorToken = randomBytes(32).toString('hex');
let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  // Many refusals from one address on purpose: the failed-authentication limit is tested elsewhere.
  api = await startTestApi({ operatorToken, authFailureLimitPerMinute: 10_000 });
  tenant = await createTenant(api.db, api.secretBox, 'Board org');
});
afterAll(async () => {
  await api.close();
});

const basic = (password: string) => `Basic ${Buffer.from(`operator:${password}`).toString('base64')}`;

async function signIn(apiKey: string): Promise<string> {
  const response = await api.app.inject({ method: 'POST', url: '/v1/session', payload: { apiKey } });
  expect(response.statusCode).toBe(200);
  return /^cxloop_session=[^;]*/.exec(String(response.headers['set-cookie']))![0];
}

const boardUrls = [
  'GET /admin/queues',
  'GET /admin/queues/api/queues',
  'GET /admin/queues/api/redis/stats',
  'PUT /admin/queues/api/queues/analyze/pause',
];

function board(methodAndUrl: string, headers: Record<string, string | undefined>) {
  const [method, url] = methodAndUrl.split(' ') as ['GET', string];
  return api.app.inject({ method, url, headers });
}

describe('/admin/queues', () => {
  it('refuses every organisation role, by key or by session, on every part of the board', async () => {
    for (const role of roles) {
      const cookie = await signIn(tenant.apiKeys[role]);
      for (const route of boardUrls) {
        for (const headers of [
          { authorization: `Bearer ${tenant.apiKeys[role]}` },
          { cookie, 'sec-fetch-site': 'same-origin', accept: 'text/html' },
          { authorization: basic(tenant.apiKeys[role]) },
        ]) {
          const response = await board(route, headers);
          expect(response.statusCode, `${role} on ${route}`).toBe(401);
          expect(response.headers['www-authenticate']).toMatch(/^Basic realm="cxloop operator"/);
        }
      }
    }
    expect(await api.analyzeQueue.isPaused()).toBe(false);
  });

  it('opens to the operator token, as a bearer token or a browser basic-auth password', async () => {
    const page = await board('GET /admin/queues', {
      authorization: basic(operatorToken),
      accept: 'text/html',
    });
    expect(page.statusCode).toBe(200);
    const compressed = await board('GET /admin/queues', {
      authorization: basic(operatorToken),
      accept: 'text/html',
      'accept-encoding': 'gzip',
    });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(compressed.rawPayload).toString()).not.toMatch(/fonts\.googleapis/);
    expect(page.headers['content-type']).toContain('text/html');
    // bull-board's page links Google Fonts: the link is taken out, and the policy keeps the browser from
    // fetching other origins in any case.
    expect(page.body).toContain('<div id="root">');
    expect(page.body).not.toMatch(/fonts\.googleapis|https:\/\//);
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).not.toMatch(/googleapis|https:/);

    const queues = await board('GET /admin/queues/api/queues', { authorization: `Bearer ${operatorToken}` });
    expect(queues.statusCode).toBe(200);
    expect(queues.json().queues.map((queue: { name: string }) => queue.name)).toContain('analyze');
  });

  it("changes queues from the board's own page or a script, never from another site", async () => {
    const pause = (headers: Record<string, string | undefined>) =>
      board('PUT /admin/queues/api/queues/analyze/pause', headers);
    // The browser resends basic credentials by itself, also with a form of another site.
    for (const headers of [
      { authorization: basic(operatorToken) },
      { authorization: basic(operatorToken), 'sec-fetch-site': 'cross-site' },
    ]) {
      expect((await pause(headers)).statusCode).toBe(403);
    }
    expect(await api.analyzeQueue.isPaused()).toBe(false);
    expect(
      (await pause({ authorization: basic(operatorToken), 'sec-fetch-site': 'same-origin' })).statusCode,
    ).toBe(200);
    expect(await api.analyzeQueue.isPaused()).toBe(true);
    const resume = await board('PUT /admin/queues/api/queues/analyze/resume', {
      authorization: `Bearer ${operatorToken}`,
    });
    expect(resume.statusCode).toBe(200);
    expect(await api.analyzeQueue.isPaused()).toBe(false);
  });

  it('is not there at all without an operator token', async () => {
    const without = await startTestApi();
    try {
      for (const route of boardUrls) {
        const response = await without.app.inject({
          method: route.split(' ')[0] as 'GET',
          url: route.split(' ')[1]!,
          headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
        });
        expect(response.statusCode, route).toBe(404);
      }
    } finally {
      await without.close();
    }
  });
});
