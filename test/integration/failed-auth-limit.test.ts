import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/**
 * Guessing keys is limited per client address: after the limit of failed authentications in a minute the
 * address gets 429 with Retry-After, before any key is looked up (even a right key waits), on every
 * replica, since the failures are counted in Redis.
 */
const LIMIT = 5;
let first: TestApi;
let second: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  first = await startTestApi({ authFailureLimitPerMinute: LIMIT });
  second = await startTestApi({ authFailureLimitPerMinute: LIMIT, redisPrefix: first.prefix });
  tenant = await createTenant(first.db, first.secretBox, 'Failed auth org');
});
afterAll(async () => {
  await first.close();
  await second.close();
});

const wrongKey = `cxk_${'0'.repeat(16)}_${'A'.repeat(32)}`;

function whoAmI(api: TestApi, remoteAddress: string, apiKey: string) {
  return api.app.inject({
    method: 'GET',
    url: '/v1/session',
    remoteAddress,
    headers: { authorization: `Bearer ${apiKey}` },
  });
}

describe('failed authentication limit', () => {
  it('answers 429 with Retry-After once an address used up its failures, even for a right key', async () => {
    const guesser = '203.0.113.7';
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      expect((await whoAmI(first, guesser, wrongKey)).statusCode).toBe(401);
    }
    for (const key of [wrongKey, tenant.apiKeys.admin]) {
      const refused = await whoAmI(first, guesser, key);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Other clients are not affected.
    expect((await whoAmI(first, '203.0.113.8', tenant.apiKeys.admin)).statusCode).toBe(200);
  });

  it('counts failures across replicas and across sign-in', async () => {
    const guesser = '198.51.100.20';
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      const signIn = await first.app.inject({
        method: 'POST',
        url: '/v1/session',
        remoteAddress: guesser,
        payload: { apiKey: wrongKey },
      });
      expect(signIn.statusCode).toBe(401);
    }
    // The other replica has not seen this address fail: one lookup tells it the shared count.
    expect((await whoAmI(second, guesser, wrongKey)).statusCode).toBe(401);
    expect((await whoAmI(second, guesser, tenant.apiKeys.admin)).statusCode).toBe(429);
    const signIn = await first.app.inject({
      method: 'POST',
      url: '/v1/session',
      remoteAddress: guesser,
      payload: { apiKey: tenant.apiKeys.admin },
    });
    expect(signIn.statusCode).toBe(429);
  });

  it('does not count requests that bring no credential', async () => {
    const browser = '192.0.2.44';
    for (let attempt = 0; attempt < LIMIT * 3; attempt++) {
      const response = await first.app.inject({ method: 'GET', url: '/v1/session', remoteAddress: browser });
      expect(response.statusCode).toBe(401);
    }
    expect((await whoAmI(first, browser, tenant.apiKeys.admin)).statusCode).toBe(200);
  });
});
