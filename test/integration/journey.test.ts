import { randomUUID } from 'node:crypto';
import { createScoreProcessor } from '@cxloop/aggregation-worker';
import type { ScoreJob } from '@cxloop/contracts';
import {
  countFeedbackIntoRollups,
  ENTERPRISE_SCOPE,
  findCurrentScore,
  saveFeedbackAnalysis,
  storeFeedbackBatch,
} from '@cxloop/db';
import { redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSignedSource,
  createTenant,
  plainAnalysis,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * Touchpoints and owners as configured objects: the journey is replaced as a whole, checked against the
 * organisation's teams, sources and the analysis's topics, and touchpoint coverage resolves it over the
 * rollups (event value, then source default; topic rules), so a configuration change applies at once.
 */

let api: TestApi;
let a: TestTenant;
let b: TestTenant;
let supportSource: string;
let teams: Record<'logistics' | 'care', string>;

beforeAll(async () => {
  api = await startTestApi();
  a = await createTenant(api.db, api.secretBox, 'Journey org');
  b = await createTenant(api.db, api.secretBox, 'Other journey org');
  supportSource = (await createSignedSource(api.db, api.secretBox, a.orgId, { name: 'Helpdesk' })).sourceId;
  const team = async (name: string) =>
    (await send('POST', '/v1/teams', a.apiKeys.admin, { name })).json().id as string;
  teams = { logistics: await team('Logistics'), care: await team('Customer care') };
});
afterAll(async () => {
  await api.close();
});

function send(method: 'GET' | 'POST' | 'PUT', url: string, key: string, payload?: object) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload ? { payload } : {}),
  });
}

function journey(overrides: { supportSources?: string[] } = {}) {
  return {
    touchpoints: [
      { key: 'browse', name: 'Browse' },
      { key: 'order', name: 'Order' },
      { key: 'delivery', name: 'Delivery', ownerTeamId: teams.logistics, eventValues: ['Shipping'] },
      {
        key: 'support',
        name: 'Support',
        ownerTeamId: teams.care,
        sourceIds: overrides.supportSources ?? [supportSource],
      },
    ],
    topics: [{ topic: 'billing', touchpointKey: 'order', ownerTeamId: teams.care }] as {
      topic: string;
      touchpointKey: string | null;
      ownerTeamId: string;
    }[],
  };
}

async function counted(source: string, touchpoint: string | null, topics: string[] = []) {
  const [row] = await storeFeedbackBatch(api.db, [
    {
      org_id: a.orgId,
      source_id: source,
      channel: 'web',
      external_id: randomUUID(),
      customer_ref: null,
      text: 'Where is my parcel?',
      touchpoint,
      metadata: JSON.stringify({}),
      occurred_at: new Date(),
    },
  ]);
  const analysed = topics.map((id) => ({ id, sentiment: -0.4, sentimentLabel: 'negative' }));
  await saveFeedbackAnalysis(api.db, plainAnalysis(row!.id, a.orgId, analysed));
  await countFeedbackIntoRollups(api.db, a.orgId, row!.id, new Date());
}

/** Scores organisation a as the score worker would, and returns its enterprise metric readings. */
async function scoredMetrics() {
  const redis = new Redis(redisOptions(redisUrl));
  try {
    await createScoreProcessor({ db: api.db, redis, prefix: api.prefix })({
      data: { orgId: a.orgId },
    } as Job<ScoreJob>);
  } finally {
    redis.disconnect();
  }
  return (await findCurrentScore(api.db, a.orgId, ENTERPRISE_SCOPE))!.metrics as {
    metric: string;
    value?: number;
    sampleSize?: number;
  }[];
}

describe('journey configuration', () => {
  it('is replaced as a whole by an admin and read back in journey order', async () => {
    const saved = await send('PUT', '/v1/journey', a.apiKeys.admin, journey());
    expect(saved.statusCode, saved.body).toBe(200);
    const read = await send('GET', '/v1/journey', a.apiKeys.assessor);
    expect(read.json().touchpoints.map((touchpoint: { key: string }) => touchpoint.key)).toEqual([
      'browse',
      'order',
      'delivery',
      'support',
    ]);
    expect(read.json().touchpoints[3]).toMatchObject({ ownerTeamId: teams.care, sourceIds: [supportSource] });
    expect(read.json().topics).toEqual([
      { topic: 'billing', touchpointKey: 'order', ownerTeamId: teams.care },
    ]);
    expect((await send('GET', '/v1/journey', b.apiKeys.admin)).json().touchpoints).toEqual([]);
  });

  it.each([
    [
      'a duplicate key',
      (j: ReturnType<typeof journey>) => j.touchpoints.push({ key: 'order', name: 'Again' }),
      '/touchpoints/4/key',
    ],
    [
      'an event value naming another touchpoint',
      (j: ReturnType<typeof journey>) => Object.assign(j.touchpoints[0]!, { eventValues: ['DELIVERY'] }),
      // The later of the two names is the one reported.
      '/touchpoints/2/key',
    ],
    [
      'a team of another organisation',
      (j: ReturnType<typeof journey>) => Object.assign(j.touchpoints[0]!, { ownerTeamId: randomUUID() }),
      '/touchpoints/0/ownerTeamId',
    ],
    ['a source of another organisation', () => undefined, '/touchpoints/3/sourceIds/0', true],
    [
      'a topic the analysis does not know',
      (j: ReturnType<typeof journey>) =>
        j.topics.push({ topic: 'weather', touchpointKey: null, ownerTeamId: teams.care }),
      '/topics/1/topic',
    ],
    [
      'a topic rule to an undeclared touchpoint',
      (j: ReturnType<typeof journey>) => Object.assign(j.topics[0]!, { touchpointKey: 'checkout' }),
      '/topics/0/touchpointKey',
    ],
    [
      'a key that is not a slug',
      (j: ReturnType<typeof journey>) => Object.assign(j.touchpoints[0]!, { key: 'Browse page' }),
      '/touchpoints/0/key',
    ],
  ])(
    'refuses %s with the field path and keeps the journey',
    async (_case, change, path, foreignSource = false) => {
      const before = (await send('GET', '/v1/journey', a.apiKeys.admin)).json();
      const body = journey(foreignSource ? { supportSources: [b.sourceId] } : {});
      change(body);
      const response = await send('PUT', '/v1/journey', a.apiKeys.admin, body);
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
      expect((await send('GET', '/v1/journey', a.apiKeys.admin)).json()).toEqual(before);
    },
  );
});

describe('touchpoint coverage and ownership', () => {
  it('maps feedback by event value, source default and topic rule, from the rollups', async () => {
    await send('PUT', '/v1/journey', a.apiKeys.admin, journey());
    await counted(a.sourceId, ' shipping '); // event value of delivery
    await counted(supportSource, null); // the helpdesk's default: support
    await counted(a.sourceId, 'somewhere else', ['billing']); // billing belongs to order
    await counted(a.sourceId, null); // a source without a default, no topic: no touchpoint

    const { coverage } = (await send('GET', '/v1/journey', a.apiKeys.manager)).json();
    expect(coverage).toMatchObject({
      touchpointsDeclared: 4,
      touchpointsCovered: ['order', 'delivery', 'support'],
      touchpointsOwned: 2,
      topicsHeard: 1,
      topicsOwned: 1,
    });

    const metrics = await scoredMetrics();
    expect(metrics.find((reading) => reading.metric === 'touchpoint_coverage_90d')).toMatchObject({
      value: 0.75,
      sampleSize: 4,
    });
    // Of the three touchpoints feedback reached, delivery and support have an owning team.
    expect(metrics.find((reading) => reading.metric === 'touchpoints_owned_90d')).toMatchObject({
      value: 2 / 3,
      sampleSize: 3,
    });
    // The one topic customers raised (billing) has an owner.
    expect(metrics.find((reading) => reading.metric === 'topics_owned_90d')).toMatchObject({
      value: 1,
      sampleSize: 1,
    });

    // A change of configuration applies to the feedback already counted.
    await send('PUT', '/v1/journey', a.apiKeys.admin, journey({ supportSources: [] }));
    const after = (await send('GET', '/v1/journey', a.apiKeys.manager)).json().coverage;
    expect(after.touchpointsCovered).toEqual(['order', 'delivery']);
  });
});

describe('owning teams answering in time', () => {
  const HOUR = 3_600_000;

  /** A triage case on `topic`, held by `team`, opened `hoursAgo` with a four-hour first-response deadline. */
  async function triageCase(shape: {
    topic: string;
    team: string;
    hoursAgo: number;
    answeredAfterHours?: number;
    dismissed?: boolean;
  }) {
    const [feedback] = await storeFeedbackBatch(api.db, [
      {
        org_id: a.orgId,
        source_id: a.sourceId,
        channel: 'web',
        external_id: randomUUID(),
        customer_ref: null,
        text: 'I was charged twice',
        metadata: JSON.stringify({}),
        occurred_at: new Date(),
      },
    ]);
    const opened = new Date(Date.now() - shape.hoursAgo * HOUR);
    const after = (hours: number) => new Date(opened.getTime() + hours * HOUR);
    const answered = shape.answeredAfterHours === undefined ? null : after(shape.answeredAfterHours);
    await api.db
      .insertInto('cases')
      .values({
        org_id: a.orgId,
        feedback_id: feedback!.id,
        source_id: a.sourceId,
        channel: 'web',
        severity: 'high',
        urgency: 0.8,
        priority: 1,
        flag_codes: [],
        // The leading topic is the first: a second topic does not count the case again.
        topics: [shape.topic, 'delivery_delay'],
        status: shape.dismissed ? 'dismissed' : answered ? 'in_progress' : 'new',
        team_id: shape.team,
        opened_at: opened,
        first_response_due_at: after(4),
        resolution_due_at: after(48),
        first_response_at: answered,
      })
      .execute();
  }

  it('measures the share of owned-topic cases the owning team answered by the deadline', async () => {
    await send('PUT', '/v1/journey', a.apiKeys.admin, journey());
    // billing is owned by customer care (its own owner); delivery_delay has no owner.
    await triageCase({ topic: 'billing', team: teams.care, hoursAgo: 30, answeredAfterHours: 1 });
    await triageCase({ topic: 'billing', team: teams.care, hoursAgo: 30, answeredAfterHours: 9 });
    // Answered in time, but by a team that does not own billing.
    await triageCase({ topic: 'billing', team: teams.logistics, hoursAgo: 30, answeredAfterHours: 2 });
    // Past its deadline, unanswered.
    await triageCase({ topic: 'billing', team: teams.care, hoursAgo: 10 });
    // Not counted: not due yet, dismissed, or on a topic nobody owns.
    await triageCase({ topic: 'billing', team: teams.care, hoursAgo: 1 });
    await triageCase({ topic: 'billing', team: teams.care, hoursAgo: 30, dismissed: true });
    await triageCase({ topic: 'delivery_delay', team: teams.care, hoursAgo: 30, answeredAfterHours: 1 });

    const metrics = await scoredMetrics();
    expect(metrics.find((reading) => reading.metric === 'owners_respond_in_time_30d')).toMatchObject({
      value: 1 / 4,
      sampleSize: 4,
    });

    // The late answer is given in time after all (a correction): the rollup follows the case.
    await api.db
      .updateTable('cases')
      .set({ first_response_at: sql<Date>`opened_at + interval '2 hours'` })
      .where('org_id', '=', a.orgId)
      .where('first_response_at', '>', sql<Date>`first_response_due_at`)
      .execute();
    const rows = await api.db
      .selectFrom('rollup_case_topic_daily')
      .select(({ fn }) => [fn.sum<number>('answered_in_time').as('inTime')])
      .where('org_id', '=', a.orgId)
      .where('topic', '=', 'billing')
      .where('team_id', '=', teams.care)
      .executeTakeFirstOrThrow();
    expect(Number(rows.inTime)).toBe(2);
  });
});
