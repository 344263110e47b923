import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  createAnalyzeProcessor,
  createReanalysisProcessor,
  startReanalysisWorker,
} from '@cxloop/analysis-worker';
import type { FeedbackBatchJob, ReanalyseTopicsJob } from '@cxloop/contracts';
import { type Db, rollupIncrements, storeFeedbackBatch } from '@cxloop/db';
import { createAggregateQueue, createLogger, redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AIRLINE_HISTORY, storeAnalysedAirlineHistory } from '../support/airline-history.js';
import {
  createTenant,
  eventually,
  startTestApi,
  type TestApi,
  type TestTenant,
  uniquePrefix,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

let api: TestApi;
let tenant: TestTenant;
const now = new Date();
const aggregateQueue = createAggregateQueue({ connection: redisOptions(redisUrl), prefix: uniquePrefix() });

function call(method: 'GET' | 'POST' | 'PATCH', url: string, key: string, payload?: object) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** Runs the re-analysis job the API woke, as the analysis worker would. */
async function reanalyse(taxonomyVersion: number) {
  const process = createReanalysisProcessor({ db: api.db, scoreQueue: api.scoreQueue, pageSize: 4 });
  const job = { data: { orgId: tenant.orgId, taxonomyVersion }, updateProgress: async () => {} };
  return process(job as unknown as Job<ReanalyseTopicsJob>);
}

type TopicRow = {
  day: string;
  topic: string;
  mentions: number;
  negative: number;
  npsCount: number;
  ratedWithTopic?: number;
};

/** The topic rollups recounted from scratch from the counted feedback's stored analyses: what the incremental ones must equal. */
async function recountedTopicRollups(db: Db, orgId: string): Promise<Map<string, TopicRow>> {
  const rows = await db
    .selectFrom('feedback as f')
    .innerJoin('feedback_analysis as a', 'a.feedback_id', 'f.id')
    .select(['f.received_at', 'f.occurred_at', 'f.nps', 'f.csat', 'f.ces', 'a.details'])
    .where('f.org_id', '=', orgId)
    // Only what was counted: feedback analysed but not yet counted is in no rollup until it is.
    .where('f.aggregated_at', 'is not', null)
    .execute();
  const totals = new Map<string, TopicRow>();
  for (const row of rows) {
    const increments = rollupIncrements({
      unitId: null,
      channel: 'web',
      touchpoint: null,
      customerRef: null,
      nps: row.nps,
      csat: row.csat,
      ces: row.ces,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
      analysedAt: row.received_at,
      sentimentScore: null,
      sentimentLabel: null,
      severity: 'none',
      topics: (row.details as { topics: { id: string; sentiment: number; sentimentLabel: string }[] }).topics,
    });
    for (const { topic, counters } of increments.topics) {
      const key = `${increments.day}/${topic}`;
      const total = totals.get(key) ?? { day: increments.day, topic, mentions: 0, negative: 0, npsCount: 0 };
      total.mentions += counters.mentions;
      total.negative += counters.negative_count;
      total.npsCount += counters.nps_count;
      totals.set(key, total);
    }
  }
  return totals;
}

async function storedTopicRollups(db: Db, orgId: string): Promise<Map<string, TopicRow>> {
  const rows = await db
    .selectFrom('rollup_topic_unit_daily')
    .select(['day', 'topic', 'mentions', 'negative_count', 'nps_count'])
    .where('org_id', '=', orgId)
    .where('mentions', '<>', 0)
    .execute();
  const byChannel = await db
    .selectFrom('rollup_topic_daily')
    .select(['day', 'topic', 'mentions'])
    .where('org_id', '=', orgId)
    .where('mentions', '<>', 0)
    .execute();
  expect(byChannel.map((row) => `${String(row.day)}/${row.topic}:${row.mentions}`).sort()).toEqual(
    rows.map((row) => `${String(row.day)}/${row.topic}:${row.mentions}`).sort(),
  );
  // The occurrence-day timeline holds the same mentions per topic, on the days customers gave them.
  const byOccurrence = await db
    .selectFrom('rollup_occurred_topic_daily')
    .select(['topic', (eb) => eb.fn.sum<number>('mentions').as('mentions')])
    .where('org_id', '=', orgId)
    .groupBy('topic')
    .having((eb) => eb.fn.sum('mentions'), '<>', 0)
    .execute();
  const perTopic = new Map<string, number>();
  for (const row of rows) perTopic.set(row.topic, (perTopic.get(row.topic) ?? 0) + row.mentions);
  expect(new Map(byOccurrence.map((row) => [row.topic, Number(row.mentions)]))).toEqual(perTopic);
  return new Map(
    rows.map((row) => {
      const day = row.day instanceof Date ? row.day.toISOString().slice(0, 10) : String(row.day);
      return [
        `${day}/${row.topic}`,
        {
          day,
          topic: row.topic,
          mentions: row.mentions,
          negative: row.negative_count,
          npsCount: row.nps_count,
        },
      ];
    }),
  );
}

async function ratedWithTopic(db: Db, orgId: string) {
  const row = await db
    .selectFrom('rollup_daily')
    .select((eb) => eb.fn.sum<string>('rated_with_topic_count').as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  api = await startTestApi({ now: () => now });
  tenant = await createTenant(api.db, api.secretBox, 'Airline taxonomy');
  await storeAnalysedAirlineHistory(api.db, tenant, aggregateQueue, now);
});

afterAll(async () => {
  await aggregateQueue.obliterate({ force: true });
  await aggregateQueue.close();
  await api.close();
});

describe('organisation topic taxonomy', () => {
  it('starts from the built-in topics as a template', async () => {
    const view = (await call('GET', '/v1/text/topics', tenant.apiKeys.manager)).json();
    expect(view.version).toBe(0);
    expect(view.topics.find((topic: { id: string }) => topic.id === 'billing')).toMatchObject({
      builtIn: true,
      status: 'active',
    });
    expect(view.reanalysis).toBeNull();
  });

  it('discovers the seat-belt complaints no topic covers, rising, with examples', async () => {
    const response = await call('GET', '/v1/text/topic-candidates', tenant.apiKeys.manager);
    expect(response.statusCode).toBe(200);
    const seatBelt = response
      .json()
      .candidates.find((candidate: { id: string }) => candidate.id === 'seat_belt');
    // The broken buckle is covered already (a built-in topic took "broken"); the other four are not.
    expect(seatBelt).toMatchObject({ label: 'Seat belt', volume: 4 });
    expect(seatBelt.terms[0]).toBe('seat belt');
    expect(seatBelt.weekly.slice(-3)).toEqual([1, 1, 2]);
    expect(seatBelt.examples).toHaveLength(3);
  });

  it('promotes a candidate in one step, re-analyses history and corrects the topic rollups exactly once', async () => {
    expect(
      (await call('POST', '/v1/text/topic-candidates/seat_belt/promote', tenant.apiKeys.manager, {}))
        .statusCode,
    ).toBe(403);
    const promoted = await call(
      'POST',
      '/v1/text/topic-candidates/seat_belt/promote',
      tenant.apiKeys.admin,
      {},
    );
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json()).toMatchObject({
      version: 1,
      reanalysis: { status: 'queued', taxonomyVersion: 1 },
    });

    const result = await reanalyse(1);
    expect(result).toMatchObject({ moved: AIRLINE_HISTORY.length, revised: 5, stopped: false });
    const progress = (await call('GET', '/v1/text/topics/reanalysis', tenant.apiKeys.manager)).json();
    expect(progress.reanalysis).toMatchObject({
      status: 'done',
      total: AIRLINE_HISTORY.length,
      done: AIRLINE_HISTORY.length,
      revised: 5,
    });

    const stored = await storedTopicRollups(api.db, tenant.orgId);
    expect(stored).toEqual(await recountedTopicRollups(api.db, tenant.orgId));
    const seatBelt = [...stored.values()].filter((row) => row.topic === 'seat_belt');
    expect(seatBelt.reduce((sum, row) => sum + row.mentions, 0)).toBe(5);
    expect(await ratedWithTopic(api.db, tenant.orgId)).toBe(7);

    // A second delivery of the same job changes nothing.
    expect(await reanalyse(1)).toMatchObject({ stopped: true });
    expect(await storedTopicRollups(api.db, tenant.orgId)).toEqual(stored);
  });

  it('merges, retires and renames, each a version, history following', async () => {
    const lounge = await call('POST', '/v1/text/topics', tenant.apiKeys.admin, {
      id: 'lounge',
      label: 'Lounge',
      seedTerms: ['lounge', 'showers'],
    });
    expect(lounge.statusCode).toBe(200);
    await reanalyse(2);
    const merged = await call('POST', '/v1/text/topics/lounge/merge', tenant.apiKeys.admin, {
      into: 'seat_belt',
    });
    expect(merged.json().topics.find((topic: { id: string }) => topic.id === 'lounge')).toMatchObject({
      status: 'merged',
      mergedInto: 'seat_belt',
    });
    await reanalyse(3);
    let stored = await storedTopicRollups(api.db, tenant.orgId);
    expect(stored).toEqual(await recountedTopicRollups(api.db, tenant.orgId));
    expect([...stored.values()].filter((row) => row.topic === 'lounge')).toEqual([]);
    expect(
      [...stored.values()].filter((row) => row.topic === 'seat_belt').reduce((s, r) => s + r.mentions, 0),
    ).toBe(7);

    const renamed = await call('PATCH', '/v1/text/topics/seat_belt', tenant.apiKeys.admin, {
      label: 'Seats & belts',
    });
    expect(renamed.json()).toMatchObject({ version: 4, reanalysis: { taxonomyVersion: 3 } });

    const retired = await call('POST', '/v1/text/topics/billing/retire', tenant.apiKeys.admin);
    expect(retired.json().topics.find((topic: { id: string }) => topic.id === 'billing')).toMatchObject({
      status: 'retired',
      builtIn: true,
    });
    await reanalyse(5);
    stored = await storedTopicRollups(api.db, tenant.orgId);
    expect(stored).toEqual(await recountedTopicRollups(api.db, tenant.orgId));
    expect([...stored.values()].some((row) => row.topic === 'billing')).toBe(false);

    const versions = (await call('GET', '/v1/text/topics/versions', tenant.apiKeys.manager)).json();
    expect(versions.map((version: { version: number }) => version.version)).toEqual([5, 4, 3, 2, 1]);
    expect(versions[1]).toMatchObject({
      changesDetection: false,
      change: { kind: 'update', label: 'Seats & belts' },
    });
  });

  it('refuses bad changes with the field path and changes nothing', async () => {
    const before = (await call('GET', '/v1/text/topics', tenant.apiKeys.admin)).json();
    const unknownParent = await call('POST', '/v1/text/topics', tenant.apiKeys.admin, {
      id: 'belt_strap',
      label: 'Strap',
      seedTerms: ['strap'],
      parentId: 'nothing_here',
    });
    expect(unknownParent.statusCode).toBe(422);
    expect(unknownParent.headers['content-type']).toContain('application/problem+json');
    expect(unknownParent.json().errors).toEqual([
      { path: '/parentId', message: 'no active topic nothing_here' },
    ]);
    const badBody = await call('POST', '/v1/text/topics/seat_belt/merge', tenant.apiKeys.admin, {
      into: 'Seat Belt',
    });
    expect(badBody.statusCode).toBe(422);
    expect(badBody.json().errors[0].path).toBe('/into');
    const intoItself = await call('POST', '/v1/text/topics/seat_belt/merge', tenant.apiKeys.admin, {
      into: 'seat_belt',
    });
    expect(intoItself.json().errors[0].path).toBe('/into');
    expect((await call('GET', '/v1/text/topics', tenant.apiKeys.admin)).json()).toEqual(before);
  });

  it('detects a sub-topic as a mention of its parent in new feedback', async () => {
    const child = await call('POST', '/v1/text/topics', tenant.apiKeys.admin, {
      id: 'belt_strap',
      label: 'Belt strap',
      seedTerms: ['strap'],
      parentId: 'seat_belt',
    });
    expect(child.statusCode).toBe(200);
    const [row] = await storeFeedbackBatch(api.db, [
      {
        org_id: tenant.orgId,
        source_id: tenant.sourceId,
        channel: 'web',
        external_id: randomUUID(),
        customer_ref: null,
        text: 'The strap was torn.',
        metadata: JSON.stringify({}),
        occurred_at: now,
      },
    ]);
    const analyse = createAnalyzeProcessor({ db: api.db, aggregateQueue });
    await analyse({ data: { feedbackIds: [row!.id], orgId: tenant.orgId } } as Job<FeedbackBatchJob>);
    const analysis = await api.db
      .selectFrom('feedback_analysis')
      .select(['details', 'taxonomy_version'])
      .where('feedback_id', '=', row!.id)
      .executeTakeFirstOrThrow();
    expect(analysis.taxonomy_version).toBe(6);
    const topics = (analysis.details as { topics: { id: string }[] }).topics.map((topic) => topic.id);
    expect(topics).toEqual(expect.arrayContaining(['seat_belt', 'belt_strap']));
  });

  it('is changed from the command line as through the API', async () => {
    const cxloop = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'services/api/src/cli/main.ts',
          'topics',
          ...args,
          '--org',
          tenant.orgId,
          '--json',
        ],
        {
          env: {
            ...process.env,
            DATABASE_URL: inject('databaseUrl'),
            REDIS_URL: redisUrl,
            REDIS_PREFIX: api.prefix,
            CXLOOP_SECRET_KEY: randomBytes(32).toString('hex'),
            LOG_LEVEL: 'warn',
          },
        },
      );
    const added = JSON.parse(
      (await cxloop('add', '--id', 'legroom', '--label', 'Legroom', '--seed', 'legroom', '--seed', 'knees'))
        .stdout,
    );
    expect(added).toMatchObject({ version: 7, reanalysis: { taxonomyVersion: 7, status: 'queued' } });
    expect(added.topics).toContain('legroom');
    const refused = await cxloop('merge', '--id', 'legroom', '--into', 'nothing_here').catch(
      (error) => error,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('/into: no active topic nothing_here');
    const listed = JSON.parse((await cxloop('list')).stdout);
    expect(listed).toMatchObject({ version: 7 });
    expect(listed.retired).toEqual(expect.arrayContaining(['lounge', 'billing']));
  });

  it('takes up a run whose wake-up was lost with Redis when the analysis worker starts', async () => {
    const added = await call('POST', '/v1/text/topics', tenant.apiKeys.admin, {
      id: 'showers',
      label: 'Showers',
      seedTerms: ['showers'],
    });
    const version: number = added.json().version;
    await api.reanalysisQueue.obliterate({ force: true });
    const worker = startReanalysisWorker({
      db: api.db,
      scoreQueue: api.scoreQueue,
      reanalysisQueue: api.reanalysisQueue,
      connection: redisOptions(redisUrl),
      prefix: api.prefix,
      logger: createLogger('reanalysis-test', 'silent'),
    });
    try {
      const done = await eventually(async () => {
        const { reanalysis } = (await call('GET', '/v1/text/topics/reanalysis', tenant.apiKeys.admin)).json();
        return reanalysis.taxonomyVersion === version && reanalysis.status === 'done'
          ? reanalysis
          : undefined;
      });
      // Among them "Lounge showers were cold." (analyses the CLI's unprocessed version left behind too).
      expect(done.revised).toBeGreaterThan(0);
      const stored = await storedTopicRollups(api.db, tenant.orgId);
      expect(stored).toEqual(await recountedTopicRollups(api.db, tenant.orgId));
      expect(
        [...stored.values()].filter((row) => row.topic === 'showers').map((row) => row.mentions),
      ).toEqual([1]);
    } finally {
      await worker.close();
    }
  });
});
