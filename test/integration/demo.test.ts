import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseOrganisationOutcomes, startAggregationWorkers } from '@cxloop/aggregation-worker';
import { startAnalysisWorker } from '@cxloop/analysis-worker';
import {
  DEMO_ORGANISATION_NAME,
  DemoHttp,
  demoSourcesOf,
  runTrickle,
  type SeedSummary,
  seedDemo,
} from '@cxloop/api/demo';
import { type AggregateQueue, createAggregateQueue, createLogger, redisOptions } from '@cxloop/runtime';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApi, type TestApi } from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

let api: TestApi;
let aggregateQueue: AggregateQueue;
let worker: Worker;
// The demo signs off an assessment once the score reflects its ratings: rollups and scores must run.
let aggregation: ReturnType<typeof startAggregationWorkers>;
let publisher: Redis;
let http: DemoHttp;
let stateDir: string;

beforeAll(async () => {
  api = await startTestApi();
  // The demo is a sender like any other: it reaches the API over HTTP, so the test API listens.
  const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
  http = new DemoHttp(address);
  aggregateQueue = createAggregateQueue({ connection: redisOptions(redisUrl), prefix: api.prefix });
  worker = startAnalysisWorker({
    db: api.db,
    aggregateQueue,
    connection: redisOptions(redisUrl),
    prefix: api.prefix,
    concurrency: 4,
    logger: createLogger('analysis-test', 'silent'),
  });
  publisher = new Redis(redisOptions(redisUrl));
  aggregation = startAggregationWorkers({
    db: api.db,
    scoreQueue: api.scoreQueue,
    redis: publisher,
    connection: redisOptions(redisUrl),
    prefix: api.prefix,
    aggregateConcurrency: 2,
    scoreConcurrency: 1,
    scoreCooldownMs: 200,
    logger: createLogger('aggregation-test', 'silent'),
  });
  stateDir = await mkdtemp(join(tmpdir(), 'cxloop-demo-'));
});
afterAll(async () => {
  await worker.close();
  await aggregation.close();
  publisher.disconnect();
  await api.scoreQueue.obliterate({ force: true });
  await api.analyzeQueue.obliterate({ force: true });
  await aggregateQueue.obliterate({ force: true });
  await aggregateQueue.close();
  await api.close();
  await rm(stateDir, { recursive: true, force: true });
});

const seedOptions = () => ({
  db: api.db,
  http,
  statePath: join(stateDir, 'demo.json'),
  seed: 7,
  days: 4,
  perDay: 6,
  respondents: 5,
  concurrency: 4,
});

async function demoOrganisations() {
  return api.db.selectFrom('organisations').select('id').where('name', '=', DEMO_ORGANISATION_NAME).execute();
}

async function feedbackOf(orgId: string) {
  return api.db
    .selectFrom('feedback')
    .select(['id', 'channel', 'status', 'occurred_at'])
    .where('org_id', '=', orgId)
    .execute();
}

async function surveyResponses(orgId: string): Promise<number> {
  const row = await api.db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('pnpm demo seeding', () => {
  let first: SeedSummary;

  it('creates the organisation, its sources, history through the webhooks and a closed staff survey', async () => {
    first = await seedDemo(seedOptions());
    expect(first.organisationCreated).toBe(true);
    expect(await demoOrganisations()).toEqual([{ id: first.orgId }]);

    const units = await api.db.selectFrom('units').select('key').where('org_id', '=', first.orgId).execute();
    expect(units.map((unit) => unit.key).sort()).toEqual(['north', 'south']);
    const sources = await api.db
      .selectFrom('sources')
      .select('adapter')
      .where('org_id', '=', first.orgId)
      .execute();
    expect(sources.map((source) => source.adapter).sort()).toEqual([
      'generic',
      'mailgun',
      'twilio',
      'typeform',
      'zendesk',
    ]);

    const feedback = await feedbackOf(first.orgId);
    expect(feedback).toHaveLength(first.history.planned + first.outcomes.surveys.created);
    expect(first.outcomes.surveys.created).toBe(320);
    expect(first.outcomes.imported).toMatchObject({ created: first.outcomes.planned, rejected: 0 });
    expect(new Set(feedback.map((row) => row.channel))).toEqual(
      new Set(['web', 'survey', 'helpdesk', 'sms', 'email']),
    );
    // The history is dated in the past, not on arrival.
    const oldest = Math.min(...feedback.map((row) => row.occurred_at.getTime()));
    expect(Date.now() - oldest).toBeGreaterThan(3 * 86_400_000);

    expect(first.survey.recorded).toBe(5);
    expect(await surveyResponses(first.orgId)).toBe(5);
    const survey = await http.send({
      method: 'GET',
      path: `/v1/surveys/${first.survey.surveyId}`,
      apiKey: first.state.apiKeys.manager,
    });
    expect(survey.json<{ status: string }>().status).toBe('closed');

    // Every role's key works against the API.
    for (const apiKey of Object.values(first.state.apiKeys)) {
      const teams = await http.send({ method: 'GET', path: '/v1/teams', apiKey });
      expect(teams.json<{ teams: unknown[] }>().teams).toHaveLength(2);
    }
    // The journey, an assessor's ratings, a target and one assessment signed off six months back.
    const journey = await http.send({
      method: 'GET',
      path: '/v1/journey',
      apiKey: first.state.apiKeys.manager,
    });
    expect(journey.json<{ touchpoints: { key: string }[] }>().touchpoints.map((t) => t.key)).toContain(
      'delivery',
    );
    const assessments = await api.db
      .selectFrom('assessments')
      .selectAll()
      .where('org_id', '=', first.orgId)
      .execute();
    expect(assessments).toHaveLength(1);
    expect(Date.now() - assessments[0]!.frozen_at.getTime()).toBeGreaterThan(150 * 86_400_000);
    const ratings = await api.db
      .selectFrom('objective_ratings')
      .selectAll()
      .where('org_id', '=', first.orgId)
      .execute();
    expect(ratings.find((rating) => rating.element_id === 'D5.1')).toMatchObject({
      level: 'fully',
      rated_by: 'Dana Reyes',
    });
    const targets = await api.db
      .selectFrom('element_targets')
      .selectAll()
      .where('org_id', '=', first.orgId)
      .execute();
    expect(targets).toHaveLength(1);
    // Improvement actions at every stage.
    expect(first.actionsCreated).toBe(5);
    const actions = await http.send({
      method: 'GET',
      path: '/v1/actions',
      apiKey: first.state.apiKeys.assessor,
    });
    expect(
      actions
        .json<{ actions: { status: string }[] }>()
        .actions.map((action) => action.status)
        .sort(),
    ).toEqual(['done', 'done', 'in_progress', 'planned', 'proposed']);
    // The state file holds keys and secrets: owner only.
    expect((await stat(seedOptions().statePath)).mode & 0o077).toBe(0);
  });

  it('analyses the seeded feedback and opens cases for the flagged part', async () => {
    await eventually(async () => {
      const rows = await feedbackOf(first.orgId);
      return rows.every((row) => row.status === 'analysed') ? true : undefined;
    }, 30_000);
    const cases = await api.db.selectFrom('cases').select('id').where('org_id', '=', first.orgId).execute();
    expect(cases.length).toBeGreaterThan(0);
  });

  it('gives Loyalty & value a year of orders in which late-delivery complainers stop buying more often', async () => {
    // What the aggregation worker's timer does for an organisation whose customer summaries changed.
    await analyseOrganisationOutcomes(api.db, first.orgId, new Date());
    const response = await http.send({
      method: 'GET',
      path: `/v1/orgs/${first.orgId}/loyalty`,
      apiKey: first.state.apiKeys.manager,
    });
    const loyalty = response.json<{
      buyers: number;
      model: { fitted: boolean };
      holdout?: { actual: number };
      contractRetention: unknown[];
      drivers: { factor: string; relativeRiskLow: number; significant: boolean }[];
    }>();
    expect(loyalty.buyers).toBe(800);
    expect(loyalty.model.fitted).toBe(true);
    expect(loyalty.holdout!.actual).toBeGreaterThan(0);
    expect(loyalty.contractRetention.length).toBeGreaterThan(0);
    const late = loyalty.drivers.find((driver) => driver.factor === 'topic:delivery_delay');
    expect(late).toMatchObject({ significant: true });
    expect(late!.relativeRiskLow).toBeGreaterThan(1);
    // Topics with no built-in effect are not reported as drivers.
    const placebo = ['topic:staff_attitude', 'topic:app_website'].flatMap(
      (factor) => loyalty.drivers.find((driver) => driver.factor === factor) ?? [],
    );
    expect(placebo.length).toBeGreaterThan(0);
    expect(placebo.filter((driver) => driver.significant)).toEqual([]);
  });

  it('adds no second organisation, feedback or survey response when run again', async () => {
    const feedbackBefore = (await feedbackOf(first.orgId)).length;
    const second = await seedDemo(seedOptions());
    expect(second.organisationCreated).toBe(false);
    expect(second.orgId).toBe(first.orgId);
    expect(await demoOrganisations()).toHaveLength(1);
    expect(second.history.imported).toEqual({ created: 0, duplicates: first.history.imported.created });
    expect(second.outcomes.imported).toMatchObject({ created: 0, duplicates: first.outcomes.planned });
    expect(second.outcomes.surveys).toMatchObject({ created: 0, duplicates: 320 });
    expect(await feedbackOf(first.orgId)).toHaveLength(feedbackBefore);
    expect(second.survey).toEqual({ surveyId: first.survey.surveyId, recorded: 0 });
    expect(second.actionsCreated).toBe(0);
    expect(await surveyResponses(first.orgId)).toBe(5);
    const sources = await api.db
      .selectFrom('sources')
      .select('id')
      .where('org_id', '=', first.orgId)
      .execute();
    expect(sources).toHaveLength(5);
    const assessments = await api.db
      .selectFrom('assessments')
      .select('id')
      .where('org_id', '=', first.orgId)
      .execute();
    expect(assessments).toHaveLength(1);
  });

  it('keeps sending live feedback through the webhooks until stopped', async () => {
    const before = (await feedbackOf(first.orgId)).length;
    const stop = new AbortController();
    const errors: unknown[] = [];
    let sent = 0;
    await runTrickle({
      http,
      sources: demoSourcesOf(first.state),
      seed: 7,
      intervalMs: 1,
      signal: stop.signal,
      onFeedback: () => {
        sent += 1;
        if (sent === 12) stop.abort();
      },
      onError: (error) => {
        errors.push(error);
        stop.abort();
      },
    });
    expect(errors).toEqual([]);
    expect(await feedbackOf(first.orgId)).toHaveLength(before + 12);
  });
});
