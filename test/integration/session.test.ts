import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/**
 * Dashboard sessions: an API key is exchanged once for an httpOnly cookie, the cookie acts with the key's
 * organisation and role for as long as the key is active, and state changes need the CSRF header.
 */
let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Session org');
});
afterAll(async () => {
  await api.close();
});

function setCookieOf(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const value = Array.isArray(header) ? header.join('\n') : header;
  if (!value) throw new Error(`no set-cookie on a ${response.statusCode} answer`);
  return value;
}

/** Signs in with `apiKey` and returns the `Cookie` header a browser would send back. */
async function signIn(apiKey: string): Promise<{ cookie: string; setCookie: string; token: string }> {
  const response = await api.app.inject({ method: 'POST', url: '/v1/session', payload: { apiKey } });
  expect(response.statusCode).toBe(200);
  const setCookie = setCookieOf(response);
  const token = /^cxloop_session=([^;]*)/.exec(setCookie)?.[1];
  if (!token) throw new Error(`unexpected set-cookie: ${setCookie}`);
  return { cookie: `cxloop_session=${token}`, setCookie, token };
}

function whoAmI(cookie: string) {
  return api.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
}

async function sourceCount(orgId: string): Promise<number> {
  const row = await api.db
    .selectFrom('sources')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('API key → session', () => {
  it('sets an httpOnly SameSite=Strict cookie that carries a random token, never the key', async () => {
    const { setCookie, token, cookie } = await signIn(tenant.apiKeys.manager);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\//);
    expect(setCookie).toMatch(/;\s*Max-Age=[1-9]\d*/);
    // Plain HTTP (local development) gets no Secure flag, which the browser would answer by dropping it.
    expect(setCookie).not.toMatch(/Secure/);
    expect(setCookie).not.toContain(tenant.apiKeys.manager);
    // `cxk_<16 hex lookup>_<secret>`: neither part travels in the cookie.
    expect(token).not.toContain(tenant.apiKeys.manager.slice(4, 20));
    expect(token).not.toContain(tenant.apiKeys.manager.slice(21));

    // The database keeps only a hash of the token: a leaked table cannot be replayed as a cookie.
    const stored = await api.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('org_id', '=', tenant.orgId)
      .execute();
    const hashes = stored.map((row) => row.token_hash);
    expect(hashes).toContain(createHash('sha256').update(token).digest('hex'));
    expect(hashes).not.toContain(token);

    const me = await whoAmI(cookie);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ orgId: tenant.orgId, orgName: 'Session org', role: 'manager' });
  });

  it('refuses an unknown key or a malformed body without setting a cookie', async () => {
    const unknown = await api.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { apiKey: 'cxk_nothere_0000000000000000000000000000' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.headers['set-cookie']).toBeUndefined();

    const malformed = await api.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { apiKey: tenant.apiKeys.admin, role: 'admin' },
    });
    expect(malformed.statusCode).toBe(422);
    expect(malformed.headers['set-cookie']).toBeUndefined();
  });

  it('acts with the role of its key: a manager session cannot do what only admins may', async () => {
    const { cookie } = await signIn(tenant.apiKeys.manager);
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/sources',
      headers: { cookie, 'x-cxloop-csrf': '1' },
      payload: { name: 'Not allowed' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request carried by the cookie alone and changes nothing', async () => {
    const own = await createTenant(api.db, api.secretBox, 'CSRF org');
    const { cookie } = await signIn(own.apiKeys.admin);
    const before = await sourceCount(own.orgId);

    for (const headers of [{ cookie }, { cookie, 'sec-fetch-site': 'cross-site' }]) {
      const forged = await api.app.inject({
        method: 'POST',
        url: '/v1/sources',
        headers,
        payload: { name: 'Forged source' },
      });
      expect(forged.statusCode).toBe(403);
      expect(forged.json().detail).toContain('x-cxloop-csrf');
    }
    expect(await sourceCount(own.orgId)).toBe(before);

    // Reading needs no header, and the dashboard's own request (with the header) goes through.
    expect(
      (await api.app.inject({ method: 'GET', url: '/v1/sources', headers: { cookie } })).statusCode,
    ).toBe(200);
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/sources',
      headers: { cookie, 'x-cxloop-csrf': '1' },
      payload: { name: 'Dashboard source' },
    });
    expect(created.statusCode).toBe(201);
    expect(await sourceCount(own.orgId)).toBe(before + 1);
  });
});

describe('Secure cookie', () => {
  it('is Secure behind a trusted TLS proxy, and a forwarded header from anyone else is not believed', async () => {
    const behindProxy = await startTestApi({ trustProxy: true });
    try {
      const own = await createTenant(behindProxy.db, behindProxy.secretBox, 'Proxy org');
      const signIn = (app: TestApi['app'], apiKey: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/session',
          headers: { 'x-forwarded-proto': 'https' },
          payload: { apiKey },
        });
      expect(setCookieOf(await signIn(behindProxy.app, own.apiKeys.admin))).toMatch(/; Secure/);
      // Without TRUST_PROXY the header could come from the client itself: the cookie is not marked Secure.
      expect(setCookieOf(await signIn(api.app, tenant.apiKeys.admin))).not.toMatch(/Secure/);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('ending sessions', () => {
  it('ends every session of an API key when the key is revoked', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Revocation org');
    const first = await signIn(own.apiKeys.admin);
    const second = await signIn(own.apiKeys.admin);
    const otherKey = await signIn(own.apiKeys.manager);
    expect((await whoAmI(first.cookie)).statusCode).toBe(200);

    const keyOf = (role: string) =>
      api.db
        .selectFrom('api_keys')
        .select('id')
        .where('org_id', '=', own.orgId)
        .where('role', '=', role as 'admin')
        .executeTakeFirstOrThrow();
    const admin = await keyOf('admin');
    await api.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('org_id', '=', own.orgId)
      .where('id', '=', admin.id)
      .execute();

    for (const session of [first, second]) {
      const me = await whoAmI(session.cookie);
      expect(me.statusCode).toBe(401);
      expect(me.headers['content-type']).toContain('application/problem+json');
    }
    // Sessions of the organisation's other keys are untouched.
    expect((await whoAmI(otherKey.cookie)).statusCode).toBe(200);
    // Nor can the revoked key start a new one.
    const again = await api.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { apiKey: own.apiKeys.admin },
    });
    expect(again.statusCode).toBe(401);
  });

  it('signs out: DELETE ends the session, clears the cookie and the old cookie no longer works', async () => {
    const session = await signIn(tenant.apiKeys.responder);
    const other = await signIn(tenant.apiKeys.responder);
    const out = await api.app.inject({
      method: 'DELETE',
      url: '/v1/session',
      headers: { cookie: session.cookie, 'x-cxloop-csrf': '1' },
    });
    expect(out.statusCode).toBe(204);
    const cleared = setCookieOf(out);
    expect(cleared).toMatch(/^cxloop_session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(cleared).toMatch(/HttpOnly/);

    expect((await whoAmI(session.cookie)).statusCode).toBe(401);
    const stored = await api.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('token_hash', '=', createHash('sha256').update(session.token).digest('hex'))
      .executeTakeFirst();
    expect(stored).toBeUndefined();
    // Signing out one browser leaves the key's other sessions alone.
    expect((await whoAmI(other.cookie)).statusCode).toBe(200);

    // Signing out twice (or without a session) is harmless.
    const twice = await api.app.inject({ method: 'DELETE', url: '/v1/session' });
    expect(twice.statusCode).toBe(204);
  });
});
