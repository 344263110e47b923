import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;
const dist = mkdtempSync(join(tmpdir(), 'cxloop-dist-'));

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<script src="/assets/index-old.js"></script>');
  writeFileSync(join(dist, 'assets', 'index-old.js'), 'console.log("old")');
  api = await startTestApi({ dashboardDir: dist });
  tenant = await createTenant(api.db, api.secretBox, 'Asset org');
});
afterAll(async () => {
  await api.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the dashboard and API answers', () => {
  it('serves a rebuilt dashboard without a restart', async () => {
    // A rebuild replaces the page and its content-hashed assets while the API runs.
    rmSync(join(dist, 'assets', 'index-old.js'));
    writeFileSync(join(dist, 'assets', 'index-new.js'), 'console.log("new")');
    writeFileSync(join(dist, 'index.html'), '<script src="/assets/index-new.js"></script>');
    const page = await api.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('index-new.js');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const script = await api.app.inject({ method: 'GET', url: '/assets/index-new.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe('console.log("new")');
    expect((await api.app.inject({ method: 'GET', url: '/assets/index-old.js' })).statusCode).toBe(404);
  });

  it('compresses JSON for a client that accepts it', async () => {
    const request = { method: 'GET' as const, url: '/openapi.json' };
    const plain = await api.app.inject(request);
    const compressed = await api.app.inject({ ...request, headers: { 'accept-encoding': 'br, gzip' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.rawPayload.length * 5).toBeLessThan(plain.rawPayload.length);
  });

  it('does not compress the score stream, whose events must leave at once', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: `/v1/orgs/${tenant.orgId}/scores/stream`,
      headers: { authorization: `Bearer ${tenant.apiKeys.manager}`, 'accept-encoding': 'br, gzip' },
      payloadAsStream: true,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    response.stream().destroy();
  });
});
