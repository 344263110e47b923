import { randomUUID } from 'node:crypto';
import { sweepUnfinishedFeedback } from '@cxloop/aggregation-worker';
import { startAnalysisWorker } from '@cxloop/analysis-worker';
import type { FeedbackBatchJob } from '@cxloop/contracts';
import { type AggregateQueue, createAggregateQueue, createLogger, redisOptions } from '@cxloop/runtime';
import { Worker as BullWorker, UnrecoverableError, type Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  eventually,
  flushRedisPrefix,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { queuedFeedbackIds, redisUrl } from '../support/redis.js';

interface FeedbackView {
  status: string;
  ratings: Record<string, number | null>;
  analysis: { analyserVersion: string; language: string; sentiment: { score: number; label: string } };
}

let api: TestApi;
let tenant: TestTenant;
let worker: Worker | undefined;
let aggregateQueue: AggregateQueue;

beforeAll(async () => {
  api = await startTestApi();
  aggregateQueue = createAggregateQueue({ connection: redisOptions(redisUrl), prefix: api.prefix });
  tenant = await createTenant(api.db, api.secretBox);
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
});
afterAll(async () => {
  await api.analyzeQueue.obliterate({ force: true });
  await aggregateQueue.obliterate({ force: true });
  await aggregateQueue.close();
  await api.close();
});

function startWorker() {
  worker = startAnalysisWorker({
    db: api.db,
    aggregateQueue,
    connection: redisOptions(redisUrl),
    prefix: api.prefix,
    concurrency: 4,
    logger: createLogger('analysis-test', 'silent'),
  });
  return worker;
}

async function readFeedback(id: string, apiKey = tenant.apiKeys.manager) {
  return api.app.inject({
    method: 'GET',
    url: `/v1/feedback/${id}`,
    headers: { authorization: `Bearer ${apiKey}` },
  });
}

async function analysedCount(ids: string[]): Promise<number> {
  const row = await api.db
    .selectFrom('feedback')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', ids)
    .where('status', '=', 'analysed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The feedback that `queue`'s waiting jobs carry. */
describe('webhook → Postgres → queue → analysis → API', () => {
  it('analyses accepted feedback and serves it with its analysis', async () => {
    startWorker();
    const response = await postSigned(api.app, tenant, {
      externalId: `e2e-${randomUUID()}`,
      text: 'I have been on hold for an hour and still nobody helped me. Terrible service!',
      ratings: { nps: 1 },
    });
    expect(response.statusCode).toBe(202);
    const { id } = response.json();

    const feedback = await eventually(async () => {
      const read: FeedbackView = (await readFeedback(id)).json();
      return read.status === 'analysed' ? read : undefined;
    });
    expect(feedback.analysis.sentiment.label).toBe('negative');
    expect(feedback.analysis.sentiment.score).toBeLessThan(-0.3);
    expect(feedback.analysis.language).toBe('en');
    expect(feedback.analysis.analyserVersion).toMatch(/\S/);
    expect(feedback.ratings).toEqual({ nps: 1, csat: null, ces: null });
  });

  it('recovers every accepted event after the queue is wiped before any worker ran', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await postSigned(api.app, tenant, {
        events: Array.from({ length: 10 }, (_, j) => ({
          externalId: `flush-${i}-${j}-${randomUUID()}`,
          text: 'Fine, thanks.',
        })),
      });
      expect(response.statusCode).toBe(202);
      ids.push(...response.json().results.map((r: { id: string }) => r.id));
    }
    await expect.poll(() => queuedFeedbackIds(api.analyzeQueue), { timeout: 2_000 }).toEqual(new Set(ids));
    // What FLUSHALL does to this deployment, scoped to our prefix so parallel runs are untouched.
    expect(await flushRedisPrefix(api.prefix)).toBeGreaterThan(0);
    expect(await api.analyzeQueue.getJobCountByTypes('waiting')).toBe(0);

    startWorker();
    const outcome = await sweepUnfinishedFeedback(
      { db: api.db, analyzeQueue: api.analyzeQueue, aggregateQueue },
      { graceSeconds: 0, pageSize: 7 },
    );
    expect(outcome).toMatchObject({ ran: true });
    expect(outcome.ran && outcome.analysis).toBeGreaterThanOrEqual(50);
    await eventually(async () => ((await analysedCount(ids)) === ids.length ? true : undefined), 30_000);
  });

  it('re-enqueues counting for analysed feedback whose aggregate job was lost', async () => {
    startWorker();
    const response = await postSigned(api.app, tenant, {
      events: Array.from({ length: 5 }, (_, j) => ({
        externalId: `uncounted-${j}-${randomUUID()}`,
        text: 'Slow',
      })),
    });
    const ids: string[] = response.json().results.map((r: { id: string }) => r.id);
    await eventually(async () => ((await analysedCount(ids)) === ids.length ? true : undefined), 30_000);
    // The analysis enqueued their aggregate jobs; losing Redis now loses those jobs and nothing else.
    expect(await flushRedisPrefix(api.prefix)).toBeGreaterThan(0);
    const outcome = await sweepUnfinishedFeedback(
      { db: api.db, analyzeQueue: api.analyzeQueue, aggregateQueue },
      { graceSeconds: 0, pageSize: 2 },
    );
    expect(outcome.ran && outcome.aggregation).toBeGreaterThanOrEqual(5);
    const requeued = await queuedFeedbackIds(aggregateQueue);
    for (const id of ids) expect(requeued.has(id)).toBe(true);
  });

  it('retries a rollup job that failed for good under the id the sweeper would enqueue', async () => {
    startWorker();
    const response = await postSigned(api.app, tenant, {
      externalId: `outage-${randomUUID()}`,
      text: 'Slow',
    });
    const id: string = response.json().id;
    await eventually(async () => ((await analysedCount([id])) === 1 ? true : undefined), 30_000);
    // Counting fails for good (as through an outage longer than its retries): BullMQ keeps the failed job,
    // and a plain add under the same id, which is the feedback id for a page of one, would be ignored.
    const failing = new BullWorker<FeedbackBatchJob>(
      aggregateQueue.name,
      async () => {
        throw new UnrecoverableError('database away');
      },
      { connection: redisOptions(redisUrl), prefix: api.prefix },
    );
    try {
      await eventually(
        async () => ((await aggregateQueue.getJob(id))?.failedReason ? true : undefined),
        10_000,
      );
    } finally {
      await failing.close();
    }
    expect(await (await aggregateQueue.getJob(id))!.getState()).toBe('failed');

    const outcome = await sweepUnfinishedFeedback(
      { db: api.db, analyzeQueue: api.analyzeQueue, aggregateQueue },
      { graceSeconds: 0, pageSize: 1 },
    );
    expect(outcome.ran && outcome.aggregation).toBeGreaterThanOrEqual(1);
    const revived = await aggregateQueue.getJob(id);
    expect(await revived!.getState()).toBe('waiting');
    expect(revived!.attemptsMade).toBe(0);
  });

  it('leaves recent feedback to the queue: nothing younger than the grace period is swept', async () => {
    const response = await postSigned(api.app, tenant, { externalId: `young-${randomUUID()}`, text: 'ok' });
    const outcome = await sweepUnfinishedFeedback(
      { db: api.db, analyzeQueue: api.analyzeQueue, aggregateQueue },
      { graceSeconds: 3600, pageSize: 100 },
    );
    expect(outcome).toEqual({ ran: true, analysis: 0, aggregation: 0 });
    expect(response.statusCode).toBe(202);
  });
});

describe('organisation scoping', () => {
  it('gives another organisation’s key 404 for this feedback, and no key 401', async () => {
    const other = await createTenant(api.db, api.secretBox, 'Other org');
    const response = await postSigned(api.app, tenant, {
      externalId: `scoped-${randomUUID()}`,
      text: 'Private words',
    });
    const { id } = response.json();
    expect((await readFeedback(id)).statusCode).toBe(200);
    for (const role of ['admin', 'manager', 'responder'] as const) {
      const foreign = await readFeedback(id, other.apiKeys[role]);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.body).not.toContain('Private words');
    }
    const anonymous = await api.app.inject({ method: 'GET', url: `/v1/feedback/${id}` });
    expect(anonymous.statusCode).toBe(401);
    const forged = await readFeedback(id, `${tenant.apiKeys.manager.slice(0, -4)}AAAA`);
    expect(forged.statusCode).toBe(401);
  });
});
