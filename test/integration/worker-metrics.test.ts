import type { AddressInfo } from 'node:net';
import {
  createJobMetrics,
  createMetricsRegistry,
  observeJobDurations,
  redisOptions,
  serveMetrics,
} from '@cxloop/runtime';
import { Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

const connection = redisOptions(redisUrl);
const prefix = uniquePrefix();
const queue = new Queue('metrics-test', { connection, prefix });

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

describe('worker metrics', () => {
  it('serves job durations by queue and outcome at /metrics', async () => {
    const registry = createMetricsRegistry('test-worker');
    const metrics = createJobMetrics(registry);
    const worker = new Worker(
      'metrics-test',
      async (job) => {
        if (job.data.fail) throw new Error('planned failure');
      },
      { connection, prefix },
    );
    observeJobDurations(worker, metrics);
    const finished = new Promise<void>((resolve) => {
      let count = 0;
      const done = () => {
        count += 1;
        if (count === 3) resolve();
      };
      worker.on('completed', done);
      worker.on('failed', done);
    });
    await queue.addBulk([
      { name: 'ok', data: {} },
      { name: 'ok', data: {} },
      { name: 'bad', data: { fail: true } },
    ]);
    await finished;
    await worker.close();

    const server = serveMetrics(registry, 0, (error) => {
      throw error;
    });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(body).toMatch(
        /cxloop_job_duration_seconds_count\{[^}]*queue="metrics-test"[^}]*outcome="completed"[^}]*\} 2/,
      );
      expect(body).toMatch(/cxloop_job_duration_seconds_count\{[^}]*outcome="failed"[^}]*\} 1/);
      expect(body).toContain('process="test-worker"');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
