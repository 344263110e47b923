import { randomUUID } from 'node:crypto';
import {
  countFeedbackIntoRollups,
  createSource,
  createUnit,
  saveFeedbackAnalysis,
  storeFeedbackBatch,
} from '@cxloop/db';
import { generateSigningSecret } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/** GET /v1/orgs/:org/experience: daily NPS, CSAT, CES and sentiment per channel, from the rollups. */
const NOW = new Date('2026-11-20T12:00:00Z');

interface Seed {
  channel: 'web' | 'sms';
  receivedAt: string;
  unit?: boolean;
  nps?: number;
  csat?: number;
  ces?: number;
  sentiment: number;
}

let api: TestApi;
let tenant: TestTenant;
let smsSourceId: string;
let unitId: string;

async function seed(seeds: readonly Seed[]) {
  for (const entry of seeds) {
    const [stored] = await storeFeedbackBatch(api.db, [
      {
        org_id: tenant.orgId,
        source_id: entry.channel === 'sms' ? smsSourceId : tenant.sourceId,
        channel: entry.channel,
        unit_id: entry.unit ? unitId : null,
        external_id: randomUUID(),
        text: 'seeded',
        nps: entry.nps ?? null,
        csat: entry.csat ?? null,
        ces: entry.ces ?? null,
        metadata: JSON.stringify({}),
        occurred_at: new Date(entry.receivedAt),
        received_at: new Date(entry.receivedAt),
      },
    ]);
    await saveFeedbackAnalysis(api.db, {
      feedback_id: stored!.id,
      org_id: tenant.orgId,
      analyser_version: 'test',
      language: 'en',
      sentiment_score: entry.sentiment,
      sentiment_label: entry.sentiment < 0 ? 'negative' : 'positive',
      severity: 'none',
      urgency: 0,
      redacted_text: 'seeded',
      details: JSON.stringify({ topics: [] }),
    });
    expect(await countFeedbackIntoRollups(api.db, tenant.orgId, stored!.id, NOW)).toMatchObject({
      counted: true,
    });
  }
}

beforeAll(async () => {
  api = await startTestApi({ now: () => NOW });
  tenant = await createTenant(api.db, api.secretBox, 'Experience org');
  smsSourceId = (
    await createSource(api.db, {
      orgId: tenant.orgId,
      name: 'SMS',
      channel: 'sms',
      adapter: 'generic',
      secretCiphertext: api.secretBox.seal(generateSigningSecret()),
    })
  ).id;
  unitId = (await createUnit(api.db, tenant.orgId, { key: 'north', name: 'North' })).id;
  await seed([
    // 19 November, web: NPS 10, 9, 3 → (2 − 1) / 3 = 33.3; CSAT 5 and 2 → half satisfied; sentiment mean 0.2.
    { channel: 'web', receivedAt: '2026-11-19T08:00:00Z', nps: 10, csat: 5, sentiment: 0.6, unit: true },
    { channel: 'web', receivedAt: '2026-11-19T09:00:00Z', nps: 9, csat: 2, sentiment: 0.4 },
    { channel: 'web', receivedAt: '2026-11-19T23:59:00Z', nps: 3, sentiment: -0.4 },
    // 20 November, web: one detractor, CES 2 and 4.
    { channel: 'web', receivedAt: '2026-11-20T10:00:00Z', nps: 0, ces: 2, sentiment: -0.8, unit: true },
    { channel: 'web', receivedAt: '2026-11-20T11:00:00Z', ces: 4, sentiment: 0 },
    // 20 November, sms: no ratings at all.
    { channel: 'sms', receivedAt: '2026-11-20T07:00:00Z', sentiment: 0.5 },
    // Outside a 90-day window.
    { channel: 'sms', receivedAt: '2026-07-01T07:00:00Z', nps: 10, sentiment: 0.9 },
  ]);
});
afterAll(async () => {
  await api.close();
});

function experience(query: string, apiKey = tenant.apiKeys.manager, org = tenant.orgId) {
  return api.app.inject({
    method: 'GET',
    url: `/v1/orgs/${org}/experience${query}`,
    headers: { authorization: `Bearer ${apiKey}` },
  });
}

describe('experience trends', () => {
  it('gives each channel its daily NPS, CSAT, CES and sentiment, with missing rates as null', async () => {
    const response = await experience('');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.window).toEqual({ from: '2026-08-23', to: '2026-11-20' });
    expect(body.channels.map((c: { channel: string }) => c.channel)).toEqual(['sms', 'web']);
    const [sms, web] = body.channels;
    expect(web.days).toEqual([
      {
        day: '2026-11-19',
        feedback: 3,
        nps: expect.closeTo(100 / 3, 6),
        npsCount: 3,
        csat: 0.5,
        csatCount: 2,
        ces: null,
        cesCount: 0,
        sentiment: expect.closeTo(0.2, 6),
        sentimentCount: 3,
      },
      {
        day: '2026-11-20',
        feedback: 2,
        nps: -100,
        npsCount: 1,
        csat: null,
        csatCount: 0,
        ces: 3,
        cesCount: 2,
        sentiment: expect.closeTo(-0.4, 6),
        sentimentCount: 2,
      },
    ]);
    // The July feedback is outside the window.
    expect(sms.days).toEqual([
      expect.objectContaining({
        day: '2026-11-20',
        feedback: 1,
        nps: null,
        csat: null,
        ces: null,
        sentiment: 0.5,
      }),
    ]);
  });

  it('narrows to a unit and to fewer days', async () => {
    const unit = (await experience(`?scope=${unitId}`)).json();
    expect(unit.channels).toEqual([
      {
        channel: 'web',
        days: [
          expect.objectContaining({ day: '2026-11-19', feedback: 1, nps: 100 }),
          expect.objectContaining({ day: '2026-11-20', feedback: 1, nps: -100 }),
        ],
      },
    ]);
    const lastDay = (await experience('?days=1')).json();
    expect(lastDay.window).toEqual({ from: '2026-11-20', to: '2026-11-20' });
    expect(lastDay.channels.flatMap((c: { days: { day: string }[] }) => c.days.map((d) => d.day))).toEqual([
      '2026-11-20',
      '2026-11-20',
    ]);
  });

  it('refuses bad parameters with the field path, other organisations and responders', async () => {
    const bad = await experience('?scope=north&days=0');
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['/querystring/scope', '/querystring/days']));

    const other = await createTenant(api.db, api.secretBox, 'Other experience org');
    expect((await experience('', other.apiKeys.manager)).statusCode).toBe(404);
    // Their own organisation has no feedback: nothing of ours leaks into it.
    expect((await experience('', other.apiKeys.manager, other.orgId)).json().channels).toEqual([]);
    // A unit id of another organisation matches nothing.
    expect(
      (await experience(`?scope=${unitId}`, other.apiKeys.manager, other.orgId)).json().channels,
    ).toEqual([]);
    expect((await experience('', tenant.apiKeys.responder)).statusCode).toBe(403);
  });
});
