import { emptyOutboundAllowlist } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/**
 * Reply and escalation URLs are where the workers will connect: an admin of any organisation must not be
 * able to aim them at the deployment's own network. Without an operator allowlist only https to public
 * addresses is saved; the rest is 422 with the field's path, and nothing changes.
 */
let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi({ outboundAllowlist: emptyOutboundAllowlist });
  tenant = await createTenant(api.db, api.secretBox, 'Outbound target org');
});
afterAll(async () => {
  await api.close();
});

const privateTargets = [
  'http://127.0.0.1:6379/',
  'https://127.0.0.1/hook',
  'https://localhost:5432/',
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.8/hook',
  'https://[::1]/hook',
  'http://hooks.example.com/plain-http',
];

function settingsWith(escalationUrl: string | null) {
  return api.app.inject({
    method: 'PUT',
    url: '/v1/triage/settings',
    headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    payload: {
      caseFlags: ['churn_threat'],
      minSeverity: 'low',
      repeatWindowHours: 24,
      defaultTeamId: null,
      businessHours: null,
      escalationUrl,
    },
  });
}

function replyTarget(url: string | null) {
  return api.app.inject({
    method: 'PUT',
    url: `/v1/sources/${tenant.sourceId}/reply-target`,
    headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    payload: { url },
  });
}

describe('outbound targets at save time', () => {
  it.each(privateTargets)('refuses %s as a reply or escalation URL and changes nothing', async (url) => {
    const reply = await replyTarget(url);
    expect(reply.statusCode).toBe(422);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json().errors).toEqual([{ path: '/url', message: expect.stringMatching(/not an allowed/) }]);
    const escalation = await settingsWith(url);
    expect(escalation.statusCode).toBe(422);
    expect(escalation.json().errors[0].path).toBe('/escalationUrl');

    const source = await api.db
      .selectFrom('sources')
      .select('reply_url')
      .where('id', '=', tenant.sourceId)
      .executeTakeFirstOrThrow();
    expect(source.reply_url).toBeNull();
    const settings = await api.app.inject({
      method: 'GET',
      url: '/v1/triage/settings',
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    expect(settings.json().escalationUrl).toBeNull();
  });

  it('saves https to a public host', async () => {
    const reply = await replyTarget('https://hooks.example.com/cx/replies');
    expect(reply.statusCode).toBe(200);
    const escalation = await settingsWith('https://hooks.example.com/cx/escalations');
    expect(escalation.statusCode).toBe(200);
  });
});
