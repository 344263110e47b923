import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTenant,
  eventually,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * Revoking a key (API or CLI) and signing out end what the credential holds open: its sessions and its
 * live score streams, on every replica, without waiting for the client to go away.
 */
let first: TestApi;
let second: TestApi;
const baseUrls: string[] = [];

beforeAll(async () => {
  first = await startTestApi();
  second = await startTestApi({ redisPrefix: first.prefix, secretBox: first.secretBox });
  for (const api of [first, second]) {
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrls.push(`http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`);
  }
});
afterAll(async () => {
  await first.close();
  await second.close();
});

/** An open score stream over real HTTP; `ended` turns true when the server closes it. */
async function openStream(baseUrl: string, orgId: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/orgs/${orgId}/scores/stream`, {
    headers,
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const stream = { ended: false, connected: false, abort: () => controller.abort() };
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (decoder.decode(value).includes(': connected')) stream.connected = true;
      }
    } catch {
      // aborted by the test
    }
    stream.ended = true;
  })();
  await eventually(async () => (stream.connected ? true : undefined));
  return stream;
}

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

async function keyIdOf(api: TestApi, tenant: TestTenant, role: 'admin' | 'manager') {
  const listed = await api.app.inject({
    method: 'GET',
    url: '/v1/api-keys',
    headers: bearer(tenant.apiKeys.admin),
  });
  expect(listed.statusCode).toBe(200);
  return (listed.json().apiKeys as { id: string; role: string }[]).find((key) => key.role === role)!.id;
}

async function signIn(api: TestApi, apiKey: string): Promise<string> {
  const response = await api.app.inject({ method: 'POST', url: '/v1/session', payload: { apiKey } });
  expect(response.statusCode).toBe(200);
  return /^cxloop_session=[^;]*/.exec(String(response.headers['set-cookie']))![0];
}

describe('API keys', () => {
  it('lists keys to admins without any secret', async () => {
    const tenant = await createTenant(first.db, first.secretBox, 'Key list org');
    const listed = await first.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: bearer(tenant.apiKeys.admin),
    });
    expect(listed.statusCode).toBe(200);
    const keys = listed.json().apiKeys as Record<string, unknown>[];
    expect(keys.map((key) => key.role).sort()).toEqual(Object.keys(tenant.apiKeys).sort());
    for (const key of keys)
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'memberId', 'name', 'revokedAt', 'role']);
    for (const plaintext of Object.values(tenant.apiKeys)) {
      expect(listed.body).not.toContain(plaintext.split('_')[2]);
    }
  });

  it('revokes a key: its streams on every replica end, its sessions and the key stop working', async () => {
    const tenant = await createTenant(first.db, first.secretBox, 'Revoke org');
    const managerKeyId = await keyIdOf(first, tenant, 'manager');
    const cookie = await signIn(first, tenant.apiKeys.manager);
    const byKeyHere = await openStream(baseUrls[0]!, tenant.orgId, bearer(tenant.apiKeys.manager));
    const byKeyThere = await openStream(baseUrls[1]!, tenant.orgId, bearer(tenant.apiKeys.manager));
    const bySession = await openStream(baseUrls[1]!, tenant.orgId, { cookie });
    const admins = await openStream(baseUrls[1]!, tenant.orgId, bearer(tenant.apiKeys.admin));

    const revoked = await first.app.inject({
      method: 'POST',
      url: `/v1/api-keys/${managerKeyId}/revoke`,
      headers: bearer(tenant.apiKeys.admin),
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({
      id: managerKeyId,
      role: 'manager',
      revokedAt: expect.any(String),
    });

    for (const stream of [byKeyHere, byKeyThere, bySession]) {
      await eventually(async () => (stream.ended ? true : undefined), 5_000);
    }
    // Another key's stream stays open.
    expect(admins.ended).toBe(false);
    admins.abort();

    for (const headers of [bearer(tenant.apiKeys.manager), { cookie }]) {
      const me = await second.app.inject({ method: 'GET', url: '/v1/session', headers });
      expect(me.statusCode).toBe(401);
    }
    const sessions = await first.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('api_key_id', '=', managerKeyId)
      .execute();
    expect(sessions).toEqual([]);
    // Revoking again keeps the first revocation time.
    const again = await first.app.inject({
      method: 'POST',
      url: `/v1/api-keys/${managerKeyId}/revoke`,
      headers: bearer(tenant.apiKeys.admin),
    });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
  });

  it("refuses other roles, and another organisation's keys cannot be found", async () => {
    const tenant = await createTenant(first.db, first.secretBox, 'Revoke guard org');
    const other = await createTenant(first.db, first.secretBox, 'Revoke other org');
    const managerKeyId = await keyIdOf(first, tenant, 'manager');
    for (const role of ['manager', 'responder'] as const) {
      const refused = await first.app.inject({
        method: 'POST',
        url: `/v1/api-keys/${managerKeyId}/revoke`,
        headers: bearer(tenant.apiKeys[role]),
      });
      expect(refused.statusCode).toBe(403);
    }
    const foreign = await first.app.inject({
      method: 'POST',
      url: `/v1/api-keys/${managerKeyId}/revoke`,
      headers: bearer(other.apiKeys.admin),
    });
    expect(foreign.statusCode).toBe(404);
    const stillWorks = await first.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: bearer(tenant.apiKeys.manager),
    });
    expect(stillWorks.statusCode).toBe(200);
  });

  it('signing out ends the streams of that session only', async () => {
    const tenant = await createTenant(first.db, first.secretBox, 'Sign-out org');
    const signedOut = await signIn(first, tenant.apiKeys.manager);
    const kept = await signIn(first, tenant.apiKeys.manager);
    const ending = await openStream(baseUrls[1]!, tenant.orgId, { cookie: signedOut });
    const staying = await openStream(baseUrls[1]!, tenant.orgId, { cookie: kept });
    const out = await first.app.inject({
      method: 'DELETE',
      url: '/v1/session',
      headers: { cookie: signedOut, 'x-cxloop-csrf': '1' },
    });
    expect(out.statusCode).toBe(204);
    await eventually(async () => (ending.ended ? true : undefined), 5_000);
    expect(staying.ended).toBe(false);
    staying.abort();
  });

  it('revokes from the CLI: pnpm cxloop apikey list / revoke', { timeout: 60_000 }, async () => {
    const tenant = await createTenant(first.db, first.secretBox, 'CLI revoke org');
    const cli = async (...args: string[]) =>
      JSON.parse(
        (
          await promisify(execFile)(
            process.execPath,
            ['--import', 'tsx', 'services/api/src/cli/main.ts', ...args, '--org', tenant.orgId, '--json'],
            {
              env: {
                ...process.env,
                DATABASE_URL: inject('databaseUrl'),
                REDIS_URL: redisUrl,
                REDIS_PREFIX: first.prefix,
                CXLOOP_SECRET_KEY: randomBytes(32).toString('hex'),
              },
            },
          )
        ).stdout,
      );
    const listed = await cli('apikey', 'list');
    expect(JSON.stringify(listed)).not.toMatch(/cxk_|secret/);
    const admin = (listed.apiKeys as { id: string; role: string }[]).find((key) => key.role === 'admin')!;
    const stream = await openStream(baseUrls[0]!, tenant.orgId, bearer(tenant.apiKeys.admin));

    const revoked = await cli('apikey', 'revoke', '--key', admin.id);
    expect(revoked).toMatchObject({ id: admin.id, streamsNotified: true });
    await eventually(async () => (stream.ended ? true : undefined), 5_000);
    const me = await first.app.inject({
      method: 'GET',
      url: '/v1/session',
      headers: bearer(tenant.apiKeys.admin),
    });
    expect(me.statusCode).toBe(401);
  });
});
