import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { expectQueuedForAnalysis } from '../support/redis.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  // As in local development (or METRICS_PUBLIC=true): readable without a token.
  api = await startTestApi({ metricsPublic: true });
  tenant = await createTenant(api.db, api.secretBox);
});
afterAll(async () => {
  await api.analyzeQueue.obliterate({ force: true });
  await api.close();
});

function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const line = metrics
    .split('\n')
    .find(
      (candidate) =>
        candidate.startsWith(`${name}{`) &&
        Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('counts accepted and rejected deliveries by source and reason, and reports queue depth', async () => {
    for (let n = 0; n < 2; n++) {
      const accepted = await postSigned(api.app, tenant, { externalId: randomUUID(), text: 'Great' });
      expect(accepted.statusCode).toBe(202);
      await expectQueuedForAnalysis(api.analyzeQueue, accepted.json().id);
    }
    // The two may share a job (the API enqueues what arrives within a few milliseconds together).
    const waiting = await api.analyzeQueue.getJobCountByTypes('waiting');
    expect(waiting).toBeGreaterThanOrEqual(1);
    const forged = await postSigned(
      api.app,
      tenant,
      { text: 'x' },
      { secret: 'whsec_Zm9yZ2VkZm9yZ2VkZm9yZ2Vk' },
    );
    expect(forged.statusCode).toBe(401);

    const response = await api.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const metrics = response.body;
    const source = tenant.sourceId;
    expect(sample(metrics, 'cxloop_ingest_requests_total', { source, outcome: 'accepted' })).toBe(2);
    expect(sample(metrics, 'cxloop_ingest_requests_total', { source, outcome: 'unauthenticated' })).toBe(1);
    expect(sample(metrics, 'cxloop_queue_jobs', { queue: 'analyze', state: 'waiting' })).toBe(waiting);
    expect(
      sample(metrics, 'cxloop_http_request_duration_seconds_count', {
        route: '/v1/sources/:sourceId/events',
        status: '202',
      }),
    ).toBe(2);
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('counts deliveries to made-up source ids under one label, so callers cannot grow the label set', async () => {
    const scrape = async () => (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = sample(await scrape(), 'cxloop_ingest_requests_total', { source: 'unknown' }) ?? 0;
    const invented = [randomUUID(), randomUUID(), 'not-a-uuid', 'x'.repeat(90)];
    for (const sourceId of invented) {
      const response = await api.app.inject({
        method: 'POST',
        url: `/v1/sources/${sourceId}/events`,
        headers: { 'content-type': 'application/json' },
        payload: { text: 'hello' },
      });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
    }
    const metrics = await scrape();
    for (const sourceId of invented) expect(metrics).not.toContain(sourceId.slice(0, 36));
    const after = sample(metrics, 'cxloop_ingest_requests_total', { source: 'unknown' }) ?? 0;
    expect(after - before).toBe(invented.length);
  });

  it('is closed without a token unless the operator opens it (production default)', async () => {
    const closed = await startTestApi();
    try {
      await postSigned(closed.app, tenant, { externalId: randomUUID(), text: 'Fine' });
      const response = await closed.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).not.toContain(tenant.sourceId);
    } finally {
      await closed.close();
    }
  });

  it('requires the metrics token when one is configured', async () => {
    const guarded = await startTestApi({ metricsToken: 'scrape-token-0123456789' });
    try {
      expect((await guarded.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      const allowed = await guarded.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer scrape-token-0123456789' },
      });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
