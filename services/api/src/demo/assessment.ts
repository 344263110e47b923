import { setTimeout as sleep } from 'node:timers/promises';
import { type Db, freezeAssessment } from '@cxloop/db';
import type { DemoHttp } from './http.js';
import { ASSESSOR } from './organisation.js';
import type { DemoState } from './state.js';

/**
 * The demo's journey, owners and assessment: touchpoints mapped from the scenarios' event values, the
 * helpdesk and survey sources and four topics; an assessor's ratings; a target; and one official assessment
 * six months back to compare the live score with.
 */

type Level = 'fully' | 'partially' | 'not_yet';

/** The assessor's ratings at the earlier assessment and now, with why. */
const ratings: readonly { elementId: string; earlier: Level; now: Level; reason: string }[] = [
  {
    elementId: 'D5.1',
    earlier: 'partially',
    now: 'fully',
    reason: 'VoC lead named in spring; programme charter signed by the board',
  },
  {
    elementId: 'D5.2',
    earlier: 'partially',
    now: 'fully',
    reason: 'SMS and email feedback joined web, survey and helpdesk',
  },
  {
    elementId: 'D5.3',
    earlier: 'not_yet',
    now: 'partially',
    reason: 'NPS tracked monthly; retention not yet linked to it',
  },
  {
    elementId: 'D6.1',
    earlier: 'partially',
    now: 'partially',
    reason: 'Weekly topic report; no link to sales figures yet',
  },
  {
    elementId: 'D6.2',
    earlier: 'not_yet',
    now: 'partially',
    reason: 'Care team owns flagged cases; other teams do not yet',
  },
];

const SIX_MONTHS_MS = 182 * 86_400_000;

async function ensureJourney(http: DemoHttp, state: DemoState) {
  const apiKey = state.apiKeys.admin;
  const current = (await http.send({ method: 'GET', path: '/v1/journey', apiKey })).json<{
    touchpoints: unknown[];
  }>();
  if (current.touchpoints.length > 0) return;
  const { teams } = (await http.send({ method: 'GET', path: '/v1/teams', apiKey })).json<{
    teams: { id: string; name: string }[];
  }>();
  const team = (name: string) => teams.find((candidate) => candidate.name === name)?.id ?? null;
  const care = team('Customer care');
  const escalations = team('Escalations');
  const source = (channel: keyof DemoState['sources']) => state.sources[channel]?.id;
  const sourceIds = (...channels: (keyof DemoState['sources'])[]) =>
    channels.map(source).filter((id): id is string => id !== undefined);
  await http.send({
    method: 'PUT',
    path: '/v1/journey',
    apiKey,
    json: {
      touchpoints: [
        { key: 'browse', name: 'Browse in store', eventValues: ['store-visit'] },
        { key: 'app', name: 'App and website', eventValues: [] },
        {
          key: 'order',
          name: 'Order and pay',
          ownerTeamId: care,
          eventValues: ['online-order', 'billing'],
          sourceIds: sourceIds('typeform'),
        },
        { key: 'delivery', name: 'Delivery', ownerTeamId: escalations },
        { key: 'returns', name: 'Returns and refunds', ownerTeamId: care },
        {
          key: 'support',
          name: 'Customer service',
          ownerTeamId: care,
          eventValues: ['customer-service'],
          sourceIds: sourceIds('zendesk', 'mailgun'),
        },
      ],
      topics: [
        { topic: 'delivery_delay', touchpointKey: 'delivery', ownerTeamId: escalations },
        { topic: 'refund', touchpointKey: 'returns', ownerTeamId: care },
        { topic: 'billing', touchpointKey: 'order', ownerTeamId: care },
        { topic: 'app_website', touchpointKey: 'app', ownerTeamId: null },
      ],
    },
  });
}

async function rate(
  http: DemoHttp,
  state: DemoState,
  level: (rating: (typeof ratings)[number]) => Level,
  prefix: string,
) {
  for (const rating of ratings) {
    await http.send({
      method: 'POST',
      path: `/v1/orgs/${state.orgId}/objective-ratings`,
      apiKey: state.apiKeys.assessor,
      json: { elementId: rating.elementId, level: level(rating), reason: `${prefix}${rating.reason}` },
    });
  }
}

/** Waits until the enterprise score has been recomputed with the given objective levels. */
async function scoredWith(
  http: DemoHttp,
  state: DemoState,
  levels: ReadonlyMap<string, Level>,
  timeoutMs = 180_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await http.send({
      method: 'GET',
      path: `/v1/orgs/${state.orgId}/scores/enterprise`,
      apiKey: state.apiKeys.manager,
      accept: [404],
    });
    if (response.status === 200) {
      const { score } = response.json<{
        score: { dimensions: { elements: { id: string; objective: { level: string | null } }[] }[] };
      }>();
      const elements = score.dimensions.flatMap((dimension) => dimension.elements);
      if (
        elements.every(
          (element) => !levels.has(element.id) || element.objective.level === levels.get(element.id),
        )
      )
        return;
    }
    await sleep(1_000);
  }
  throw new Error('the score worker did not recompute the demo score in time; is it running?');
}

/**
 * Journey, then (once) the earlier assessment: the assessor's ratings as they were six months ago, the score
 * recomputed with them and frozen, dated six months back; then today's ratings and a target. The demo holds
 * ~90 days of feedback, so the earlier assessment's metrics are today's: only its ratings are the past's. It is
 * backdated through the data layer (the API freezes only the live score, at the time of the request).
 */
export async function ensureDemoAssessment(db: Db, http: DemoHttp, state: DemoState, now = new Date()) {
  await ensureJourney(http, state);
  const { assessments } = (
    await http.send({
      method: 'GET',
      path: `/v1/orgs/${state.orgId}/assessments`,
      apiKey: state.apiKeys.manager,
    })
  ).json<{ assessments: unknown[] }>();
  if (assessments.length > 0) return;
  await rate(http, state, (rating) => rating.earlier, 'At the first assessment: ');
  await scoredWith(http, state, new Map(ratings.map((rating) => [rating.elementId, rating.earlier])));
  await freezeAssessment(
    db,
    state.orgId,
    { scope: 'enterprise', title: 'First assessment (H1)', note: 'Baseline before the VoC programme.' },
    {
      actor: ASSESSOR.name,
      at: new Date(now.getTime() - SIX_MONTHS_MS),
      reason: 'signed off: First assessment (H1)',
    },
  );
  await rate(http, state, (rating) => rating.now, '');
  await http.send({
    method: 'POST',
    path: `/v1/orgs/${state.orgId}/targets`,
    apiKey: state.apiKeys.manager,
    json: {
      elementId: 'D5.3',
      stage: 'align',
      reason: 'Board goal: loyalty measured and linked to revenue by next year',
    },
  });
}
