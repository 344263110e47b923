import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/fixtures.js';

describe('OpenAPI', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('serves an OpenAPI 3.1 document listing the routes', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sources/{sourceId}/events',
        '/v1/feedback/{id}',
        '/v1/cases',
        '/v1/surveys',
        '/v1/orgs/{org}/scores',
        '/healthz',
        '/readyz',
      ]),
    );
    expect(document.paths['/v1/feedback/{id}'].get.responses['200']).toBeDefined();
  });

  it('refuses to build an app with a route that has no schema', async () => {
    const fresh = await startTestApi();
    try {
      await expect(
        fresh.app.register(async (scope) => {
          scope.get('/v1/undocumented', async () => 'x');
        }),
      ).rejects.toThrow(/needs schema.summary and schema.response/);
    } finally {
      await fresh.close().catch(() => undefined);
    }
  });
});
