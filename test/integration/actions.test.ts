import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import {
  actionMetricComputations,
  createOutboundProcessor,
  MetricSources,
  SettledSums,
} from '@cxloop/aggregation-worker';
import type { OutboundJob } from '@cxloop/contracts';
import {
  acknowledgeRisingIssue,
  addTeamMember,
  createMember,
  createUnit,
  recordRisingIssue,
  storeFeedbackBatch,
} from '@cxloop/db';
import { verifyWebhook } from '@cxloop/runtime';
import { seededRandom } from '@cxloop/scoring/testing/nps-days';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countNpsHistory, improvementHistory } from '../support/counted-feedback.js';
import {
  createTenant,
  startTestApi,
  type TestApi,
  type TestTenant,
  testOutboundAllowlist,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * Improvement actions end to end: bad plans are refused with the field's path and change nothing, status
 * moves follow the plan, every change leaves an audit event, and the effect is measured from rollups the
 * real counting path filled with a history whose truth is known (NPS in one unit up by 40 points from
 * 1 November, the other unit unchanged), then frozen once the action is done.
 */

const NOW = new Date('2026-11-28T12:00:00Z');
const ANCHOR = '2026-11-01';

let api: TestApi;
let a: TestTenant;
let b: TestTenant;
let units: { north: string; south: string; foreign: string };
let team: string;
let foreignTeam: string;
let foreignMember: string;
let risingIssue: string;

function send(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, key: string, payload?: object) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload ? { payload } : {}),
  });
}

beforeAll(async () => {
  api = await startTestApi({ now: () => NOW });
  a = await createTenant(api.db, api.secretBox, 'Actions org');
  b = await createTenant(api.db, api.secretBox, 'Other actions org');
  units = {
    north: (await createUnit(api.db, a.orgId, { key: 'north', name: 'North' })).id,
    south: (await createUnit(api.db, a.orgId, { key: 'south', name: 'South' })).id,
    foreign: (await createUnit(api.db, b.orgId, { key: 'north', name: 'North' })).id,
  };
  team = (await send('POST', '/v1/teams', a.apiKeys.admin, { name: 'Logistics' })).json().id;
  foreignTeam = (await send('POST', '/v1/teams', b.apiKeys.admin, { name: 'Logistics' })).json().id;
  foreignMember = (
    await createMember(api.db, b.orgId, { name: 'Eve', email: 'eve@example.com', teamIds: [] })
  ).id;
  await recordRisingIssue(
    api.db,
    a.orgId,
    {
      unitId: units.north,
      topic: 'delivery_delay',
      windowStart: '2026-10-26',
      mentions: 30,
      baselineWeeklyMean: 8,
    },
    new Date('2026-10-31T08:00:00Z'),
  );
  risingIssue = (
    await api.db
      .selectFrom('rising_issues')
      .select('id')
      .where('org_id', '=', a.orgId)
      .executeTakeFirstOrThrow()
  ).id;

  await countNpsHistory(
    api.db,
    a,
    improvementHistory({
      anchor: ANCHOR,
      improving: units.north,
      steady: units.south,
      random: seededRandom(2026),
    }),
    NOW,
  );
}, 120_000);
afterAll(async () => {
  await api.close();
});

function plan(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Courier tracking texts in North',
    description: 'Customers asked where their parcel is; send tracking by SMS.',
    scope: { unitId: units.north },
    owner: { teamId: team },
    metric: 'nps',
    targetValue: 30,
    startDate: ANCHOR,
    dueDate: '2026-11-20',
    priority: 'high',
    origin: { kind: 'rising_issue', risingIssueId: risingIssue },
    ...overrides,
  };
}

async function actionCount(orgId: string) {
  const row = await api.db
    .selectFrom('action_items')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('planning an action', () => {
  it.each([
    ['a due date before the start', { dueDate: '2026-10-01' }, '/dueDate'],
    ['an unknown unit', { scope: { unitId: randomUUID() } }, '/scope/unitId'],
    ["another organisation's unit", () => ({ scope: { unitId: units.foreign } }), '/scope/unitId'],
    ["another organisation's team", () => ({ owner: { teamId: foreignTeam } }), '/owner/teamId'],
    ["another organisation's member", () => ({ owner: { memberId: foreignMember } }), '/owner/memberId'],
    ['a topic the analysis does not know', { scope: { topic: 'unicorns' } }, '/scope/topic'],
    ['a touchpoint the journey does not declare', { scope: { touchpoint: 'checkout' } }, '/scope/touchpoint'],
    ['an empty scope', { scope: {} }, '/scope'],
    [
      'CES over a topic (not kept per topic)',
      { metric: 'ces', scope: { topic: 'delivery_delay' } },
      '/metric',
    ],
    ['a topic share without a topic', { metric: 'topic_share' }, '/metric'],
    [
      "another organisation's rising issue",
      { origin: { kind: 'rising_issue', risingIssueId: randomUUID() } },
      '/origin/risingIssueId',
    ],
    ['an unknown framework reference', { origin: { kind: 'ranked_action', ref: 'D9.9.9' } }, '/origin/ref'],
  ])('refuses %s with problem+json at its path and stores nothing', async (_, overrides, path) => {
    const before = await actionCount(a.orgId);
    const body = plan(typeof overrides === 'function' ? overrides() : overrides);
    const response = await send('POST', '/v1/actions', a.apiKeys.manager, body);
    expect(response.statusCode, response.body).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    expect(await actionCount(a.orgId)).toBe(before);
  });

  it('moves only along the plan, records each change, and refuses a jump without changing anything', async () => {
    const created = await send('POST', '/v1/actions', a.apiKeys.manager, plan());
    expect(created.statusCode, created.body).toBe(201);
    const action = created.json();
    expect(action).toMatchObject({
      status: 'proposed',
      nextStatuses: ['planned', 'abandoned'],
      origin: { kind: 'rising_issue', risingIssueId: risingIssue },
    });

    const jump = await send('PATCH', `/v1/actions/${action.id}`, a.apiKeys.manager, { status: 'done' });
    expect(jump.statusCode).toBe(409);
    expect(jump.json()).toMatchObject({ errors: [{ path: '/status' }] });
    const badDates = await send('PATCH', `/v1/actions/${action.id}`, a.apiKeys.admin, {
      dueDate: '2026-10-01',
      status: 'planned',
    });
    expect(badDates.statusCode).toBe(422);
    const unchanged = (await send('GET', `/v1/actions/${action.id}`, a.apiKeys.assessor)).json();
    expect(unchanged).toMatchObject({ status: 'proposed', dueDate: '2026-11-20', plannedAt: null });
    expect(unchanged.events.map((event: { event: string }) => event.event)).toEqual(['created']);

    for (const status of ['planned', 'in_progress']) {
      const moved = await send('PATCH', `/v1/actions/${action.id}`, a.apiKeys.manager, { status });
      expect(moved.statusCode, moved.body).toBe(200);
    }
    const commented = await send('POST', `/v1/actions/${action.id}/comments`, a.apiKeys.manager, {
      body: 'Texts live in North from 1 November',
    });
    expect(commented.statusCode).toBe(201);
    const done = await send('PATCH', `/v1/actions/${action.id}`, a.apiKeys.manager, { status: 'done' });
    expect(done.json()).toMatchObject({ status: 'done', nextStatuses: [] });
    expect(
      done.json().events.map((event: { event: string; toStatus: string | null }) => event.toStatus),
    ).toEqual(['proposed', 'planned', 'in_progress', null, 'done', null]);
    expect(done.json().comments).toHaveLength(1);
    const closed = await send('PATCH', `/v1/actions/${action.id}`, a.apiKeys.manager, { title: 'Renamed' });
    expect(closed.statusCode).toBe(409);
    expect((await send('GET', `/v1/actions/${action.id}`, a.apiKeys.manager)).json().title).toBe(
      plan().title,
    );
  });

  it('lists by owner, status and overdue, and never another organisation’s actions', async () => {
    const late = (
      await send('POST', '/v1/actions', a.apiKeys.admin, plan({ dueDate: '2026-11-10', title: 'Late one' }))
    ).json();
    const overdue = (await send('GET', '/v1/actions?overdue=true', a.apiKeys.responder)).json().actions;
    expect(overdue.map((action: { id: string }) => action.id)).toContain(late.id);
    expect(overdue.every((action: { overdue: boolean }) => action.overdue)).toBe(true);
    const owned = (
      await send('GET', `/v1/actions?ownerTeamId=${team}&status=proposed`, a.apiKeys.manager)
    ).json();
    expect(owned.actions.map((action: { id: string }) => action.id)).toContain(late.id);
    expect((await send('GET', '/v1/actions', b.apiKeys.manager)).json().actions).toEqual([]);
    expect((await send('GET', `/v1/actions/${late.id}`, b.apiKeys.manager)).statusCode).toBe(404);
  });
});

describe('the measured effect', () => {
  it('recovers the built-in improvement from the rollups, against the other unit, and freezes when done', async () => {
    const action = (await send('POST', '/v1/actions', a.apiKeys.manager, plan({ title: 'Measured' }))).json();
    const { effect, comparisonKind, targetReached, frozen } = action.effect;
    expect(comparisonKind).toBe('other_units');
    expect(effect).toMatchObject({
      status: 'measured',
      basis: 'difference_in_differences',
      verdict: 'improved',
    });
    expect(effect.before).toMatchObject({ from: '2026-10-04', to: '2026-10-31' });
    expect(effect.before.scope.sampleSize).toBe(12 * 28);
    expect(effect.before.comparison.sampleSize).toBe(24 * 28);
    // Built in: NPS 0 → 40 in North, South unchanged.
    expect(effect.differenceInDifferences.low).toBeLessThan(40);
    expect(effect.differenceInDifferences.high).toBeGreaterThan(40);
    expect(effect.naive.low).toBeLessThan(40);
    expect(effect.naive.high).toBeGreaterThan(40);
    expect(effect.preTrends.scope.weeks).toHaveLength(4);
    expect(targetReached).toBe(true);
    expect(frozen).toBe(false);

    for (const status of ['planned', 'in_progress', 'done']) {
      await send('PATCH', `/v1/actions/${action.id}`, a.apiKeys.manager, { status });
    }
    const judged = (await send('GET', `/v1/actions/${action.id}`, a.apiKeys.manager)).json().effect;
    expect(judged.frozen).toBe(true);
    // Feedback counted late into the after window no longer moves a judged result.
    await countNpsHistory(
      api.db,
      a,
      Array.from({ length: 200 }, () => ({ unitId: units.north, day: '2026-11-15', nps: 0 })),
      NOW,
    );
    const later = (await send('GET', `/v1/actions/${action.id}`, a.apiKeys.manager)).json().effect;
    expect(later).toEqual(judged);
    const live = (await send('POST', '/v1/actions', a.apiKeys.manager, plan({ title: 'Live' }))).json()
      .effect;
    expect(live.effect.after.scope.sampleSize).toBe(12 * 28 + 200);
  });
});

describe('scoring reads action data', () => {
  const sources = (unitId: string | null) =>
    new MetricSources(api.db, { orgId: a.orgId, unitId }, NOW, { sums: new SettledSums(), revision: '0' });

  async function issue(topic: string, detectedAt: string) {
    await recordRisingIssue(
      api.db,
      a.orgId,
      {
        unitId: units.north,
        topic,
        windowStart: detectedAt.slice(0, 10),
        mentions: 20,
        baselineWeeklyMean: 5,
      },
      new Date(detectedAt),
    );
    return (
      await api.db
        .selectFrom('rising_issues')
        .select('id')
        .where('org_id', '=', a.orgId)
        .where('topic', '=', topic)
        .executeTakeFirstOrThrow()
    ).id;
  }

  it('counts rising issues planned within 14 days; acknowledging one earns nothing', async () => {
    // Acknowledged only, and its 14 days are over: a miss.
    await acknowledgeRisingIssue(api.db, a.orgId, await issue('staff', '2026-11-10T09:00:00Z'), NOW);
    // Acknowledged, still inside its 14 days: not judged yet.
    await acknowledgeRisingIssue(api.db, a.orgId, await issue('price', '2026-11-20T09:00:00Z'), NOW);
    // Planned within its 14 days.
    const planned = (
      await send(
        'POST',
        '/v1/actions',
        a.apiKeys.manager,
        plan({
          origin: { kind: 'rising_issue', risingIssueId: await issue('wait', '2026-11-20T09:00:00Z') },
        }),
      )
    ).json();
    await send('PATCH', `/v1/actions/${planned.id}`, a.apiKeys.manager, { status: 'planned' });
    // The first issue (31 October) was planned on 28 November only: late.
    expect(await actionMetricComputations.rising_issues_planned_90d(sources(units.north))).toEqual({
      value: 1 / 3,
      sampleSize: 3,
    });
  });

  it('names an owner only when the owning team has someone in it', async () => {
    expect(await actionMetricComputations.actions_owner_named_90d(sources(null))).toMatchObject({ value: 0 });
    const member = await createMember(api.db, a.orgId, {
      name: 'Noor',
      email: 'noor@example.com',
      teamIds: [],
    });
    await addTeamMember(api.db, a.orgId, team, member.id);
    expect(await actionMetricComputations.actions_owner_named_90d(sources(null))).toMatchObject({ value: 1 });
  });

  it('reads high-priority planning, measured effects and the share that improved', async () => {
    // All created today (NOW): only the planned ones are judged yet, and they were planned in time.
    expect(await actionMetricComputations.high_priority_actions_planned_90d(sources(null))).toMatchObject({
      value: 1,
    });
    // A finished action in South from 10 October: its before window holds six days of feedback, too few.
    const thin = (
      await send(
        'POST',
        '/v1/actions',
        a.apiKeys.manager,
        plan({
          title: 'Thin',
          scope: { unitId: units.south },
          startDate: '2026-10-10',
          dueDate: '2026-10-20',
        }),
      )
    ).json();
    for (const status of ['planned', 'in_progress', 'done']) {
      await send('PATCH', `/v1/actions/${thin.id}`, a.apiKeys.manager, { status });
    }
    expect(await actionMetricComputations.actions_effect_measured_365d(sources(null))).toEqual({
      value: 2 / 3,
      sampleSize: 3,
    });
    expect(await actionMetricComputations.actions_improved_365d(sources(null))).toEqual({
      value: 1,
      sampleSize: 2,
    });
    expect(await actionMetricComputations.actions_improved_365d(sources(units.south))).toEqual({
      missing: 'no finished action with a measured effect',
    });
  });
});

describe('"you said, we did"', () => {
  let server: Server;
  const received: { headers: Record<string, string>; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('tells each customer in scope once, through the source, skipping opted-out ones; scoring counts it', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/updates`;
    const target = await send('PUT', `/v1/sources/${a.sourceId}/reply-target`, a.apiKeys.admin, { url });
    expect(target.statusCode, target.body).toBe(200);
    const secret: string = target.json().replySigningSecret;
    // Before the Measured action's start (1 November): two in North (one asked not to be contacted), one in
    // South (out of scope); after it, one more in North (not in the before window).
    await storeFeedbackBatch(
      api.db,
      [
        { ref: 'cust-told', unit: units.north, day: '2026-10-20' },
        { ref: 'cust-told', unit: units.north, day: '2026-10-22' },
        { ref: 'cust-quiet', unit: units.north, day: '2026-10-21' },
        { ref: 'cust-south', unit: units.south, day: '2026-10-20' },
        { ref: 'cust-later', unit: units.north, day: '2026-11-05' },
      ].map((row) => ({
        org_id: a.orgId,
        source_id: a.sourceId,
        unit_id: row.unit,
        channel: 'web',
        external_id: randomUUID(),
        customer_ref: row.ref,
        text: 'Where is my parcel?',
        metadata: JSON.stringify({}),
        occurred_at: new Date(`${row.day}T09:00:00Z`),
        received_at: new Date(`${row.day}T09:00:00Z`),
      })),
    );
    const optOut = await send('POST', '/v1/contact-opt-outs', a.apiKeys.responder, {
      customerRef: 'cust-quiet',
    });
    expect(optOut.statusCode).toBe(201);
    const measured = await api.db
      .selectFrom('action_items')
      .select('id')
      .where('org_id', '=', a.orgId)
      .where('title', '=', 'Measured')
      .executeTakeFirstOrThrow();
    const words = { message: 'You told us parcels went missing; North now texts tracking for every parcel.' };

    const notified = await send('POST', `/v1/actions/${measured.id}/notify`, a.apiKeys.manager, words);
    expect(notified.statusCode, notified.body).toBe(202);
    expect(notified.json()).toEqual({ notified: 1 });
    expect(
      (await send('POST', `/v1/actions/${measured.id}/notify`, a.apiKeys.manager, words)).json(),
    ).toEqual({
      notified: 0,
    });
    const open = (await send('POST', '/v1/actions', a.apiKeys.manager, plan({ title: 'Open' }))).json();
    expect((await send('POST', `/v1/actions/${open.id}/notify`, a.apiKeys.manager, words)).statusCode).toBe(
      409,
    );

    const [message] = await api.db
      .selectFrom('outbound_messages')
      .select('id')
      .where('org_id', '=', a.orgId)
      .where('action_id', '=', measured.id)
      .execute();
    const deliver = createOutboundProcessor({
      db: api.db,
      secretBox: api.secretBox,
      scoreQueue: api.scoreQueue,
      timeoutMs: 5_000,
      allowlist: testOutboundAllowlist,
    });
    const outcome = await deliver({
      data: { messageId: message!.id, orgId: a.orgId },
      attemptsMade: 0,
      opts: { attempts: 3 },
    } as Job<OutboundJob>);
    expect(outcome.status).toBe('delivered');
    expect(received).toHaveLength(1);
    expect(
      verifyWebhook(received[0]!.headers, received[0]!.body, [secret], Math.floor(Date.now() / 1000)).ok,
    ).toBe(true);
    expect(JSON.parse(received[0]!.body.toString())).toMatchObject({
      type: 'action.update',
      data: { actionId: measured.id, customerRef: 'cust-told', message: words.message },
    });
    // Three actions are done (the lifecycle one, Measured, Thin); Measured's customers were told.
    expect(
      await actionMetricComputations.you_said_we_did_365d(
        new MetricSources(api.db, { orgId: a.orgId, unitId: null }, NOW, {
          sums: new SettledSums(),
          revision: '0',
        }),
      ),
    ).toEqual({ value: 1 / 3, sampleSize: 3 });
  });
});

describe('the CLI', () => {
  it('lists actions with status, owner, due date and measured effect: pnpm cxloop action list', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'services/api/src/cli/main.ts', 'action', 'list', '--org', a.orgId, '--json'],
      {
        env: {
          ...process.env,
          DATABASE_URL: inject('databaseUrl'),
          REDIS_URL: redisUrl,
          CXLOOP_SECRET_KEY: randomBytes(32).toString('hex'),
        },
      },
    );
    const { actions } = JSON.parse(stdout) as {
      actions: {
        title: string;
        status: string;
        verdict: string | null;
        frozen: boolean;
        estimate: unknown;
      }[];
    };
    expect(actions.length).toBe(await actionCount(a.orgId));
    expect(actions.find((action) => action.title === 'Measured')).toMatchObject({
      status: 'done',
      verdict: 'improved',
      frozen: true,
      estimate: expect.objectContaining({ low: expect.any(Number), high: expect.any(Number) }),
    });
  });
});
