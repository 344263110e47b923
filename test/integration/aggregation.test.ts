import { randomUUID } from 'node:crypto';
import {
  createAggregateProcessor,
  createScoreProcessor,
  SettledSums,
  startAggregationWorkers,
} from '@cxloop/aggregation-worker';
import type { FeedbackBatchJob, ScoreJob } from '@cxloop/contracts';
import {
  countFeedbackBatchIntoRollups,
  countFeedbackIntoRollups,
  type Db,
  ENTERPRISE_SCOPE,
  findCurrentScore,
  saveFeedbackAnalysis,
  settledRollupRevision,
  storeFeedbackBatch,
} from '@cxloop/db';
import {
  closeQueue,
  createLogger,
  createScoreQueue,
  redisOptions,
  requestScoreRecompute,
  type ScoreQueue,
  scoreStreamKey,
} from '@cxloop/runtime';
import { allIndicators, type ScoreDiff } from '@cxloop/scoring';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  eventually,
  plainAnalysis,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

let api: TestApi;
let tenant: TestTenant;
let redis: Redis;
let scoreQueue: ScoreQueue;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Aggregation org');
  redis = new Redis(redisOptions(redisUrl));
  scoreQueue = createScoreQueue({ connection: redisOptions(redisUrl), prefix: api.prefix });
});
afterAll(async () => {
  await scoreQueue.obliterate({ force: true });
  await scoreQueue.close();
  redis.disconnect();
  await api.close();
});

interface Seed {
  nps?: number;
  customerRef?: string;
  receivedAt?: Date;
  /** When the customer gave it; default: when it was received. */
  occurredAt?: Date;
  topics?: { id: string; sentiment: number; sentimentLabel: string }[];
}

/** Stores feedback and its analysis as the analysis worker would, leaving it to be counted. */
async function analysedFeedback(db: Db, orgTenant: TestTenant, seeds: readonly Seed[]): Promise<string[]> {
  const stored = await storeFeedbackBatch(
    db,
    seeds.map((seed) => ({
      org_id: orgTenant.orgId,
      source_id: orgTenant.sourceId,
      channel: 'web',
      external_id: randomUUID(),
      customer_ref: seed.customerRef ?? null,
      text: 'The delivery was late again',
      nps: seed.nps ?? null,
      metadata: JSON.stringify({}),
      occurred_at: seed.occurredAt ?? seed.receivedAt ?? new Date(),
      ...(seed.receivedAt ? { received_at: seed.receivedAt } : {}),
    })),
  );
  for (const [index, row] of stored.entries()) {
    await saveFeedbackAnalysis(db, plainAnalysis(row.id, orgTenant.orgId, seeds[index]!.topics));
  }
  return stored.map((row) => row.id);
}

async function rollupSums(db: Db, orgId: string) {
  const daily = await db
    .selectFrom('rollup_daily')
    .select((eb) => [
      eb.fn.sum<string>('feedback_count').as('feedback'),
      eb.fn.sum<string>('nps_promoters').as('promoters'),
    ])
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  const topics = await db
    .selectFrom('rollup_topic_daily')
    .select((eb) => eb.fn.sum<string>('mentions').as('mentions'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return {
    feedback: Number(daily.feedback),
    promoters: Number(daily.promoters),
    mentions: Number(topics.mentions),
  };
}

const asJob = <T>(data: T) => ({ data }) as Job<T>;

describe('rollups', () => {
  it('counts each feedback exactly once under redelivery and concurrent workers', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Exactly once org');
    const topic = { id: 'delivery', sentiment: -0.6, sentimentLabel: 'negative' };
    const ids = await analysedFeedback(
      api.db,
      own,
      Array.from({ length: 20 }, (_, index) => ({ nps: index % 2 === 0 ? 10 : 3, topics: [topic] })),
    );
    const now = new Date();
    // Five workers race on every feedback: exactly one of them counts it.
    const outcomes = await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 5 }, () => countFeedbackIntoRollups(api.db, own.orgId, id, now)),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.counted)).toHaveLength(20);
    // A redelivered job afterwards changes nothing.
    const process = createAggregateProcessor({ db: api.db, scoreQueue });
    const redelivered = await Promise.all([
      process(asJob<FeedbackBatchJob>({ feedbackIds: ids, orgId: own.orgId })),
      ...ids.map((feedbackId) =>
        process(asJob<FeedbackBatchJob>({ feedbackIds: [feedbackId], orgId: own.orgId })),
      ),
    ]);
    const repeats = redelivered.flatMap((result) => result.done);
    expect(repeats).toHaveLength(40);
    expect(repeats.every((repeat) => !repeat.counted)).toBe(true);
    expect(await rollupSums(api.db, own.orgId)).toEqual({ feedback: 20, promoters: 10, mentions: 20 });
  });

  it('counts a batch into the same rollup rows as one feedback at a time, each feedback once', async () => {
    const seeds: Seed[] = Array.from({ length: 30 }, (_, index) => ({
      nps: index % 10,
      ...(index % 3 === 0 ? { customerRef: `c-${index % 4}` } : {}),
      topics: index % 2 === 0 ? [{ id: 'delivery', sentiment: -0.4, sentimentLabel: 'negative' }] : [],
    }));
    const oneByOne = await createTenant(api.db, api.secretBox, 'One by one org');
    const batched = await createTenant(api.db, api.secretBox, 'Batched org');
    const singleIds = await analysedFeedback(api.db, oneByOne, seeds);
    const batchIds = await analysedFeedback(api.db, batched, seeds);
    const now = new Date();
    for (const id of singleIds) await countFeedbackIntoRollups(api.db, oneByOne.orgId, id, now);
    const [foreign] = singleIds;
    const outcomes = await countFeedbackBatchIntoRollups(
      api.db,
      batched.orgId,
      [...batchIds, batchIds[0]!, foreign!],
      now,
    );
    // Outcomes follow the ids; an id repeated in the batch shares its outcome but is counted once (sums
    // below); another organisation's feedback is not counted.
    expect(outcomes.map((outcome) => outcome.counted)).toEqual([...batchIds.map(() => true), true, false]);
    const rows = async (orgId: string) => ({
      daily: await api.db
        .selectFrom('rollup_daily')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('day')
        .orderBy('channel')
        .execute(),
      topics: await api.db.selectFrom('rollup_topic_daily').selectAll().where('org_id', '=', orgId).execute(),
      channels: await api.db
        .selectFrom('rollup_channel_daily')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('day')
        .orderBy('channel')
        .execute(),
      topicTotals: await api.db
        .selectFrom('rollup_topic_unit_daily')
        .selectAll()
        .where('org_id', '=', orgId)
        .execute(),
      lag: await api.db.selectFrom('rollup_analysis_lag').selectAll().where('org_id', '=', orgId).execute(),
      customers: await api.db
        .selectFrom('customer_days')
        .select(['customer_ref', 'day'])
        .where('org_id', '=', orgId)
        .orderBy('customer_ref')
        .execute(),
    });
    const withoutOrg = <T extends { org_id: string }>(list: T[]) =>
      list.map(({ org_id: _, ...rest }) => rest);
    const single = await rows(oneByOne.orgId);
    const batch = await rows(batched.orgId);
    expect(withoutOrg(batch.daily)).toEqual(withoutOrg(single.daily));
    expect(withoutOrg(batch.topics)).toEqual(withoutOrg(single.topics));
    expect(withoutOrg(batch.topicTotals)).toEqual(withoutOrg(single.topicTotals));
    expect(withoutOrg(batch.channels)).toEqual(withoutOrg(single.channels));
    expect(batch.channels.map((row) => row.feedback_count)).toEqual([30]);
    expect(batch.topicTotals).toHaveLength(1);
    expect(withoutOrg(batch.lag)).toEqual(withoutOrg(single.lag));
    expect(batch.customers).toEqual(single.customers);
    expect(batch.customers).toHaveLength(4);
    expect(await rollupSums(api.db, batched.orgId)).toEqual({ feedback: 30, promoters: 3, mentions: 15 });
  });

  it('does not count feedback of another organisation or not yet analysed', async () => {
    const [id] = await analysedFeedback(api.db, tenant, [{}]);
    const other = await createTenant(api.db, api.secretBox, 'Other org');
    expect(await countFeedbackIntoRollups(api.db, other.orgId, id!, new Date())).toEqual({ counted: false });
    expect((await rollupSums(api.db, other.orgId)).feedback).toBe(0);
  });
});

interface Insights {
  risingIssues: { topic: string; mentions: number; baselineWeeklyMean: number }[];
  drivers: { topic: string; metric: string; sample: number; withTopic: number; withoutTopic: number }[];
}

/** Recomputes an organisation's score (which detects rising issues) and reads its insights as a manager. */
async function scoredInsights(own: TestTenant): Promise<Insights> {
  await createScoreProcessor({ db: api.db, redis, prefix: api.prefix })(
    asJob<ScoreJob>({ orgId: own.orgId }),
  );
  const response = await api.app.inject({
    method: 'GET',
    url: `/v1/orgs/${own.orgId}/insights`,
    headers: { authorization: `Bearer ${own.apiKeys.manager}` },
  });
  expect(response.statusCode).toBe(200);
  return (response.json() as { insights: Insights }).insights;
}

describe('insights', () => {
  it('finds a rising topic against its own baseline and the topic that drags NPS down', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Insights org');
    const delivery = { id: 'delivery_delay', sentiment: -0.7, sentimentLabel: 'negative' };
    const recent = await analysedFeedback(
      api.db,
      own,
      Array.from({ length: 12 }, () => ({ nps: 2, topics: [delivery] })),
    );
    const baseline = await analysedFeedback(
      api.db,
      own,
      Array.from({ length: 8 }, () => ({ nps: 2, topics: [delivery] })),
    );
    const untroubled = await analysedFeedback(
      api.db,
      own,
      Array.from({ length: 20 }, () => ({ nps: 10 })),
    );
    // One mention a week over the eight weeks before the last seven days, each received as it was given: a
    // weekly baseline of 1. (The receipt time is never updated by the product, so its column type refuses
    // it: raw SQL.)
    for (const [week, id] of baseline.entries()) {
      const givenAt = new Date(Date.now() - (10 + 7 * week) * 86_400_000);
      await sql`update feedback set received_at = ${givenAt}, occurred_at = ${givenAt} where id = ${id}`.execute(
        api.db,
      );
    }
    for (const id of [...recent, ...baseline, ...untroubled]) {
      await countFeedbackIntoRollups(api.db, own.orgId, id, new Date());
    }
    const insights = await scoredInsights(own);
    expect(insights.risingIssues).toEqual([
      expect.objectContaining({ topic: 'delivery_delay', mentions: 12, baselineWeeklyMean: 1 }),
    ]);
    // 20 detractors mention delivery, 20 promoters mention nothing: NPS 0 overall, +100 without the topic.
    expect(insights.drivers).toContainEqual(
      expect.objectContaining({
        topic: 'delivery_delay',
        metric: 'nps',
        sample: 20,
        withTopic: -100,
        withoutTopic: 100,
      }),
    );
  });
});

describe('imported history', () => {
  const DAY_MS = 86_400_000;
  const delivery = { id: 'delivery_delay', sentiment: -0.7, sentimentLabel: 'negative' };

  it('is never a rising issue, but is the baseline live feedback is compared with', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Import org');
    // Nine weeks of history imported today: 2 mentions a week before, 12 in the last week (given 4 to 6 days
    // ago). By the days the customers gave them, the last week is six times the usual.
    const history: Seed[] = [
      ...Array.from({ length: 16 }, (_, index) => ({
        occurredAt: new Date(Date.now() - (10 + Math.floor(index / 2) * 7) * DAY_MS),
        topics: [delivery],
      })),
      ...Array.from({ length: 12 }, (_, index) => ({
        occurredAt: new Date(Date.now() - (4 + (index % 3)) * DAY_MS),
        topics: [delivery],
      })),
    ];
    const imported = await analysedFeedback(api.db, own, history);
    await countFeedbackBatchIntoRollups(api.db, own.orgId, imported, new Date());
    expect((await scoredInsights(own)).risingIssues).toEqual([]);

    // Then twelve customers complain today: that is news, against the imported baseline of 2 a week.
    const live = await analysedFeedback(
      api.db,
      own,
      Array.from({ length: 12 }, () => ({ topics: [delivery] })),
    );
    await countFeedbackBatchIntoRollups(api.db, own.orgId, live, new Date());
    expect((await scoredInsights(own)).risingIssues).toEqual([
      expect.objectContaining({ topic: 'delivery_delay', mentions: 12, baselineWeeklyMean: 2 }),
    ]);
  });

  it('sits on the days the customers gave it, where the experience chart and its feedback list agree', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Timeline org');
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);
    const seeds: Seed[] = [
      { occurredAt: new Date(`${day(30)}T09:00:00Z`), nps: 10 },
      { occurredAt: new Date(`${day(30)}T18:00:00Z`), nps: 2 },
      { occurredAt: new Date(`${day(12)}T12:00:00Z`), nps: 9 },
    ];
    const ids = await analysedFeedback(api.db, own, seeds);
    await countFeedbackBatchIntoRollups(api.db, own.orgId, ids, new Date());
    const get = (url: string) =>
      api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${own.apiKeys.manager}` } });
    const experience = (await get(`/v1/orgs/${own.orgId}/experience`)).json() as {
      channels: { channel: string; days: { day: string; feedback: number }[] }[];
    };
    const days = experience.channels.flatMap((channel) => channel.days);
    expect(days.map(({ day, feedback }) => ({ day, feedback }))).toEqual([
      { day: day(30), feedback: 2 },
      { day: day(12), feedback: 1 },
    ]);
    // What clicking the first point opens: the feedback given that day.
    const from = `${day(30)}T00:00:00.000Z`;
    const to = new Date(Date.parse(from) + DAY_MS).toISOString();
    const list = (await get(`/v1/feedback?from=${from}&to=${to}`)).json() as { total: number };
    expect(list.total).toBe(2);
  });
});

describe('score recompute', () => {
  it('is debounced per organisation: one waits while one runs, nothing requested is lost', async () => {
    const orgId = randomUUID();
    for (let request = 0; request < 5; request++) await requestScoreRecompute(scoreQueue, orgId);
    const waiting = (await scoreQueue.getJobs(['waiting'])).filter((job) => job.data.orgId === orgId);
    expect(waiting).toHaveLength(1);
  });

  it('parks every request made during a recompute and its cooldown as one next recompute', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Cooldown org');
    const [id] = await analysedFeedback(api.db, own, [{ nps: 9 }]);
    await countFeedbackIntoRollups(api.db, own.orgId, id!, new Date());
    // A queue and workers of their own, so no other test's jobs are counted. The cooldown only has to
    // outlast the burst of requests below (a few Redis round trips).
    const prefix = `${api.prefix}:cooldown`;
    const queue = createScoreQueue({ connection: redisOptions(redisUrl), prefix });
    const workers = startAggregationWorkers({
      db: api.db,
      scoreQueue: queue,
      redis,
      connection: redisOptions(redisUrl),
      prefix,
      aggregateConcurrency: 1,
      scoreConcurrency: 1,
      scoreCooldownMs: 3_000,
      logger: createLogger('cooldown-test', 'silent'),
    });
    try {
      let completed = 0;
      workers.score.on('completed', () => {
        completed += 1;
      });
      await requestScoreRecompute(queue, own.orgId);
      // The first recompute has written its score and now holds the organisation's slot (its cooldown).
      await eventually(async () => {
        const written = await findCurrentScore(api.db, own.orgId, ENTERPRISE_SCOPE);
        const { active } = await queue.getJobCounts('active');
        return written && active === 1 ? true : undefined;
      });
      for (let request = 0; request < 20; request++) await requestScoreRecompute(queue, own.orgId);

      // None ran meanwhile: BullMQ keeps the last request aside until the active recompute finishes.
      expect(completed).toBe(0);
      await eventually(async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        const idle = Object.values(counts).every((count) => count === 0);
        return idle && completed >= 2 ? true : undefined;
      });
      // The twenty requests were one recompute.
      expect(completed).toBe(2);
    } finally {
      await workers.close();
      await queue.obliterate({ force: true });
      await closeQueue(queue);
    }
  });

  it('writes the current score, appends history only on change, and publishes the change', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Score org');
    const ids = await analysedFeedback(api.db, own, [{ nps: 9 }, { nps: 2 }, { customerRef: 'c-1' }]);
    for (const id of ids) await countFeedbackIntoRollups(api.db, own.orgId, id, new Date());
    const score = createScoreProcessor({ db: api.db, redis, prefix: api.prefix });

    const first = await score(asJob<ScoreJob>({ orgId: own.orgId }));
    expect(first.changed).toEqual([ENTERPRISE_SCOPE]);
    const current = await findCurrentScore(api.db, own.orgId, ENTERPRISE_SCOPE);
    expect(current?.total).toBeGreaterThan(0);
    const metrics = current?.metrics as { metric: string; status: string; value?: number }[];
    expect(metrics.find((m) => m.metric === 'active_channels_30d')).toMatchObject({
      status: 'measured',
      value: 1,
    });
    expect(metrics.find((m) => m.metric === 'closed_loop_rate_30d')).toMatchObject({ status: 'missing' });

    const again = await score(asJob<ScoreJob>({ orgId: own.orgId }));
    expect(again.changed).toEqual([]);
    const history = await api.db
      .selectFrom('score_history')
      .select('id')
      .where('org_id', '=', own.orgId)
      .execute();
    expect(history).toHaveLength(1);
    const events = await redis.xrange(scoreStreamKey(api.prefix, own.orgId), '-', '+');
    expect(events).toHaveLength(1);
  });

  it('keeps sums over settled days between recomputes until feedback is counted into a settled day', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Settled days org');
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    const settledSums = new SettledSums();
    const score = createScoreProcessor({ db: api.db, redis, prefix: api.prefix, settledSums });
    const job = asJob<ScoreJob>({ orgId: own.orgId });
    const count = async (seeds: Seed[]) =>
      countFeedbackBatchIntoRollups(
        api.db,
        own.orgId,
        await analysedFeedback(api.db, own, seeds),
        new Date(),
      );
    const npsResponses = async () => {
      const current = await findCurrentScore(api.db, own.orgId, ENTERPRISE_SCOPE);
      const metrics = current?.metrics as { metric: string; value?: number }[];
      return metrics.find((m) => m.metric === 'nps_responses_90d')?.value;
    };

    await count([
      { nps: 9, receivedAt: tenDaysAgo },
      { nps: 10, receivedAt: tenDaysAgo },
    ]);
    await score(job);
    expect(await npsResponses()).toBe(2);
    expect(settledSums.size).toBeGreaterThan(0);

    // A settled row changed behind the revision's back is not seen: the kept sums are used, not re-read.
    await sql`update rollup_channel_daily set nps_count = nps_count + 5 where org_id = ${own.orgId}`.execute(
      api.db,
    );
    await score(job);
    expect(await npsResponses()).toBe(2);

    // Late feedback counted into a settled day moves the revision, and the next recompute reads again.
    const revision = await settledRollupRevision(api.db, own.orgId);
    await count([{ nps: 3, receivedAt: tenDaysAgo }]);
    expect(await settledRollupRevision(api.db, own.orgId)).not.toBe(revision);
    await score(job);
    expect(await npsResponses()).toBe(2 + 5 + 1);

    // Today's feedback is read live, without moving the revision.
    const settledRevision = await settledRollupRevision(api.db, own.orgId);
    await count([{ nps: 8 }]);
    expect(await settledRollupRevision(api.db, own.orgId)).toBe(settledRevision);
    await score(job);
    expect(await npsResponses()).toBe(9);
  });

  it('after one new closed-loop case, moves exactly the indicators that use case metrics', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Closed loop org');
    const [feedbackId] = await analysedFeedback(api.db, own, [{ nps: 1 }]);
    await countFeedbackIntoRollups(api.db, own.orgId, feedbackId!, new Date());
    const score = createScoreProcessor({ db: api.db, redis, prefix: api.prefix });
    await score(asJob<ScoreJob>({ orgId: own.orgId }));

    const hour = 3_600_000;
    const opened = new Date(Date.now() - 48 * hour);
    await api.db
      .insertInto('cases')
      .values({
        org_id: own.orgId,
        feedback_id: feedbackId!,
        source_id: own.sourceId,
        channel: 'web',
        severity: 'high',
        urgency: 0.8,
        priority: 1,
        flag_codes: [],
        topics: ['delivery'],
        status: 'resolved',
        opened_at: opened,
        first_response_due_at: new Date(opened.getTime() + 4 * hour),
        resolution_due_at: new Date(opened.getTime() + 24 * hour),
        acknowledged_at: new Date(opened.getTime() + hour),
        first_assigned_at: new Date(opened.getTime() + hour),
        first_response_at: new Date(opened.getTime() + 2 * hour),
        closed_at: new Date(opened.getTime() + 3 * hour),
      })
      .execute();
    const result = await score(asJob<ScoreJob>({ orgId: own.orgId }));
    expect(result.changed).toContain(ENTERPRISE_SCOPE);

    const entry = await api.db
      .selectFrom('score_history')
      .select('diff')
      .where('org_id', '=', own.orgId)
      .where('scope', '=', ENTERPRISE_SCOPE)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const diff = entry.diff as unknown as ScoreDiff;
    const caseMetrics = new Set([
      'acknowledgement_rate_30d',
      'closed_loop_rate_30d',
      'median_first_response_hours_30d',
      'sla_met_rate_30d',
      'flagged_cases_owned_30d',
      'first_time_resolution_rate_30d',
    ]);
    const expected = allIndicators
      .filter((indicator) => indicator.evidence.metrics.some((rule) => caseMetrics.has(rule.metric)))
      .map((indicator) => indicator.id)
      .sort();
    const moved = diff.elements
      .flatMap((element) => element.causes)
      .flatMap((cause) => (cause.kind === 'indicator' ? [cause] : []));
    expect(moved.map((cause) => cause.indicatorId).sort()).toEqual(expected);
    const changedSources = new Set(moved.flatMap((cause) => cause.evidence.map((change) => change.source)));
    expect([...changedSources].every((source) => caseMetrics.has(source))).toBe(true);
  });
});
