import { randomUUID } from 'node:crypto';
import { createSource, createUnit, saveFeedbackAnalysis, storeFeedbackBatch } from '@cxloop/db';
import { generateSigningSecret } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/** GET /v1/feedback: the drill-down behind every chart. Filters combine, pages never skip or repeat a row. */

interface Item {
  id: string;
  channel: string;
  unitId: string | null;
  text: string;
  redacted: boolean;
  personalDataRedacted: boolean;
  externalId: string;
}
interface Page {
  items: Item[];
  next: string | null;
  total: number;
}

interface Seed {
  key: string;
  channel?: 'web' | 'sms';
  unit?: 'north' | 'south';
  at: string;
  text: string;
  /** Omitted: not analysed yet. */
  analysis?: {
    sentiment: 'positive' | 'neutral' | 'negative';
    topics?: string[];
    flags?: string[];
    redacted: string;
  };
}

// Two rows share an instant, so paging must break the tie by id and still neither skip nor repeat.
const SEEDS: readonly Seed[] = [
  {
    key: 'late-cancel',
    unit: 'north',
    at: '2026-11-01T10:00:00Z',
    text: 'Parcel late again, I will cancel. Write to jane.doe@example.com',
    analysis: {
      sentiment: 'negative',
      topics: ['delivery'],
      flags: ['churn_threat'],
      redacted: 'Parcel late again, I will cancel. Write to [email]',
    },
  },
  {
    key: 'billing-thanks',
    channel: 'sms',
    at: '2026-11-02T09:00:00Z',
    text: 'Billing fixed my invoice quickly, thanks',
    analysis: {
      sentiment: 'positive',
      topics: ['billing'],
      redacted: 'Billing fixed my invoice quickly, thanks',
    },
  },
  {
    key: 'delivery-ok',
    unit: 'south',
    at: '2026-11-03T12:00:00Z',
    text: 'Delivery arrived, box 100% intact',
    analysis: { sentiment: 'neutral', topics: ['delivery'], redacted: 'Delivery arrived, box 100% intact' },
  },
  {
    key: 'lawyer',
    channel: 'sms',
    unit: 'north',
    at: '2026-11-04T08:00:00Z',
    text: 'My lawyer will hear about the billing mistake',
    analysis: {
      sentiment: 'negative',
      topics: ['billing'],
      flags: ['legal_threat', 'churn_threat'],
      redacted: 'My lawyer will hear about the billing mistake',
    },
  },
  { key: 'unanalysed', unit: 'north', at: '2026-11-05T00:00:00Z', text: 'Plain words, not analysed yet' },
  {
    key: 'tie-a',
    at: '2026-11-06T06:00:00Z',
    text: 'Same second one',
    analysis: { sentiment: 'neutral', redacted: 'Same second one' },
  },
  {
    key: 'tie-b',
    at: '2026-11-06T06:00:00Z',
    text: 'Same second two',
    analysis: { sentiment: 'neutral', redacted: 'Same second two' },
  },
  // Both searched words, far apart; and one of them many times in an older feedback.
  {
    key: 'bookcase',
    at: '2026-11-08T10:00:00Z',
    text: 'Asked for a refund three weeks ago and the broken bookcase is still in my hall',
    analysis: {
      sentiment: 'negative',
      topics: ['refund'],
      redacted: 'Asked for a refund three weeks ago and the broken bookcase is still in my hall',
    },
  },
  {
    key: 'refunds',
    at: '2026-11-07T10:00:00Z',
    text: 'Refund, refund, refund: three refunds promised and none paid',
    analysis: {
      sentiment: 'negative',
      topics: ['refund'],
      redacted: 'Refund, refund, refund: three refunds promised and none paid',
    },
  },
];

let api: TestApi;
let tenant: TestTenant;
let other: TestTenant;
const idOf = new Map<string, string>();
const keyOf = new Map<string, string>();
/** Every seeded key, newest first with ties by id descending: the order the API promises. */
let newestFirst: string[] = [];

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Search org');
  other = await createTenant(api.db, api.secretBox, 'Other search org');
  const units = {
    north: await createUnit(api.db, tenant.orgId, { key: 'north', name: 'North' }),
    south: await createUnit(api.db, tenant.orgId, { key: 'south', name: 'South' }),
  };
  // The other organisation has a unit with the same key and feedback with the same words.
  const otherNorth = await createUnit(api.db, other.orgId, { key: 'north', name: 'North' });
  const sms = await createSource(api.db, {
    orgId: tenant.orgId,
    name: 'SMS',
    channel: 'sms',
    adapter: 'generic',
    secretCiphertext: api.secretBox.seal(generateSigningSecret()),
  });

  for (const seed of SEEDS) {
    const channel = seed.channel ?? 'web';
    const [stored] = await storeFeedbackBatch(api.db, [
      {
        org_id: tenant.orgId,
        source_id: channel === 'sms' ? sms.id : tenant.sourceId,
        channel,
        unit_id: seed.unit ? units[seed.unit].id : null,
        external_id: `${seed.key}-${randomUUID()}`,
        text: seed.text,
        metadata: JSON.stringify({}),
        occurred_at: new Date(seed.at),
      },
    ]);
    idOf.set(seed.key, stored!.id);
    keyOf.set(stored!.id, seed.key);
    if (seed.analysis) {
      await saveFeedbackAnalysis(api.db, {
        feedback_id: stored!.id,
        org_id: tenant.orgId,
        analyser_version: 'test',
        language: 'en',
        sentiment_score: { positive: 0.6, neutral: 0, negative: -0.6 }[seed.analysis.sentiment],
        sentiment_label: seed.analysis.sentiment,
        severity: seed.analysis.flags ? 'high' : 'none',
        urgency: 0,
        redacted_text: seed.analysis.redacted,
        details: JSON.stringify({
          topics: (seed.analysis.topics ?? []).map((id) => ({ id, sentiment: 0, sentimentLabel: 'neutral' })),
          flags: (seed.analysis.flags ?? []).map((code) => ({ code, evidence: 'test' })),
        }),
      });
    }
  }
  const [otherStored] = await storeFeedbackBatch(api.db, [
    {
      org_id: other.orgId,
      source_id: other.sourceId,
      channel: 'web',
      unit_id: otherNorth.id,
      external_id: 'other-1',
      text: 'Parcel late again, I will cancel',
      metadata: JSON.stringify({}),
      occurred_at: new Date('2026-11-01T10:00:00Z'),
    },
  ]);
  idOf.set('other', otherStored!.id);

  newestFirst = [...SEEDS]
    .sort((a, b) => b.at.localeCompare(a.at) || idOf.get(b.key)!.localeCompare(idOf.get(a.key)!))
    .map((seed) => seed.key);
});
afterAll(async () => {
  await api.close();
});

async function search(query: Record<string, string | number>, apiKey = tenant.apiKeys.admin): Promise<Page> {
  const response = await api.app.inject({
    method: 'GET',
    url: '/v1/feedback',
    query: Object.fromEntries(Object.entries(query).map(([name, value]) => [name, String(value)])),
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** The seed keys of a page, in the order served. */
const keys = (page: Page) => page.items.map((item) => keyOf.get(item.id) ?? `foreign:${item.id}`);

describe('feedback search filters', () => {
  it('serves all of the organisation, newest first with ties broken by id', async () => {
    expect(keys(await search({}))).toEqual(newestFirst);
  });

  it.each([
    ['channel', { channel: 'sms' }, ['lawyer', 'billing-thanks']],
    ['topic', { topic: 'delivery' }, ['delivery-ok', 'late-cancel']],
    ['sentiment', { sentiment: 'negative' }, ['bookcase', 'refunds', 'lawyer', 'late-cancel']],
    ['flag', { flag: 'churn_threat' }, ['lawyer', 'late-cancel']],
    ['another flag', { flag: 'legal_threat' }, ['lawyer']],
    ['unit', { unit: 'north' }, ['unanalysed', 'lawyer', 'late-cancel']],
    // from is inclusive, to exclusive: exactly the rows of 2 and 3 November.
    [
      'dates',
      { from: '2026-11-02T09:00:00Z', to: '2026-11-04T08:00:00Z' },
      ['delivery-ok', 'billing-thanks'],
    ],
    ['a word, any case', { q: 'BILLING' }, ['lawyer', 'billing-thanks']],
    // Words, not a phrase: both must be there, anywhere in the text.
    ['two words far apart', { q: 'refund bookcase' }, ['bookcase']],
    ['a word in another form', { q: 'invoices' }, ['billing-thanks']],
    ['a quoted phrase', { q: '"broken bookcase"' }, ['bookcase']],
    ['a phrase whose words are apart', { q: '"refund bookcase"' }, []],
    ['text with a wildcard character', { q: '100%' }, ['delivery-ok']],
    ['text with an underscore', { q: 'a_b' }, []],
    // The names the dashboard shows, as well as the codes.
    ['topic by name', { topic: 'Billing' }, ['lawyer', 'billing-thanks']],
    ['flag by name', { flag: 'churn threat' }, ['lawyer', 'late-cancel']],
    ['unit by name', { unit: 'North' }, ['unanalysed', 'lawyer', 'late-cancel']],
    ['channel by name', { channel: 'SMS' }, ['lawyer', 'billing-thanks']],
    ['oldest first', { unit: 'north', sort: 'oldest' }, ['late-cancel', 'lawyer', 'unanalysed']],
    ['filters together', { channel: 'sms', flag: 'churn_threat', unit: 'north' }, ['lawyer']],
    ['topic and sentiment that never meet', { topic: 'delivery', sentiment: 'positive' }, []],
    ['an unknown unit', { unit: 'west' }, []],
  ])('filters by %s', async (_name, query, expected) => {
    expect(keys(await search(query))).toEqual(expected);
  });

  it('refuses a malformed filter with the field path', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/v1/feedback?sentiment=angry&from=yesterday',
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['/querystring/sentiment', '/querystring/from']));

    const cursor = await api.app.inject({
      method: 'GET',
      url: '/v1/feedback?cursor=bm90IGEgY3Vyc29y',
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().errors).toEqual([{ path: '/querystring/cursor', message: expect.any(String) }]);
  });
});

describe('feedback search paging', () => {
  it('walks every row exactly once, in order, across pages', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...keys(page));
      pageSizes.push(page.items.length);
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(newestFirst);
    // A full last page cannot know it is the last: one more, empty, page ends the walk.
    expect(pageSizes).toEqual([3, 3, 3, 0]);
  });

  it('ranks by relevance when searching words, and pages in that order', async () => {
    // The older feedback says "refund" four times: it ranks first; by date the newer one leads.
    expect(keys(await search({ q: 'refund' }))).toEqual(['refunds', 'bookcase']);
    expect(keys(await search({ q: 'refund', sort: 'newest' }))).toEqual(['bookcase', 'refunds']);
    const first = await search({ q: 'refund', limit: 1 });
    const second = await search({ q: 'refund', limit: 1, cursor: first.next! });
    expect([...keys(first), ...keys(second)]).toEqual(['refunds', 'bookcase']);
    expect((await search({ q: 'refund', limit: 1, cursor: second.next! })).items).toEqual([]);
  });

  it('counts every match, not only the page', async () => {
    const page = await search({ unit: 'north', limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(3);
    expect((await search({ q: 'refund bookcase' })).total).toBe(1);
    expect((await search({ unit: 'west' })).total).toBe(0);
  });

  it('keeps the filter across pages', async () => {
    const first = await search({ unit: 'north', limit: 2 });
    expect(keys(first)).toEqual(['unanalysed', 'lawyer']);
    expect(first.next).not.toBeNull();
    const second = await search({ unit: 'north', limit: 2, cursor: first.next! });
    expect(keys(second)).toEqual(['late-cancel']);
    expect(second.next).toBeNull();
  });
});

describe('feedback search tenancy and roles', () => {
  it("never shows another organisation's feedback, whatever the filter", async () => {
    const ours = await search({ q: 'Parcel late' });
    expect(keys(ours)).toEqual(['late-cancel']);
    const theirs = await search({ q: 'Parcel late', unit: 'north' }, other.apiKeys.admin);
    expect(theirs.items.map((item) => item.id)).toEqual([idOf.get('other')]);
    // Their key sees none of ours, with or without filters.
    const all = await search({}, other.apiKeys.manager);
    expect(all.items.map((item) => item.id)).toEqual([idOf.get('other')]);
    expect(keys(await search({ channel: 'sms' }, other.apiKeys.admin))).toEqual([]);
  });

  it('gives managers the redacted text, and lets them search only that', async () => {
    const manager = await search({ unit: 'north' }, tenant.apiKeys.manager);
    const byKey = new Map(manager.items.map((item) => [keyOf.get(item.id), item]));
    expect(byKey.get('late-cancel')).toMatchObject({
      text: 'Parcel late again, I will cancel. Write to [email]',
      redacted: true,
    });
    // Not analysed yet: nothing has been redacted, so nothing is shown.
    expect(byKey.get('unanalysed')).toMatchObject({ text: '', redacted: true });
    expect(JSON.stringify(manager)).not.toContain('jane.doe');

    for (const role of ['admin', 'responder'] as const) {
      const page = await search({ unit: 'north' }, tenant.apiKeys[role]);
      const item = page.items.find((entry) => keyOf.get(entry.id) === 'late-cancel');
      expect(item).toMatchObject({ text: SEEDS[0]!.text, redacted: false });
    }

    // Searching for the hidden address must not reveal which feedback contains it.
    const address = 'jane.doe@example.com';
    expect(keys(await search({ q: address }, tenant.apiKeys.admin))).toEqual(['late-cancel']);
    expect(keys(await search({ q: address }, tenant.apiKeys.manager))).toEqual([]);
    expect(keys(await search({ q: 'jane' }, tenant.apiKeys.manager))).toEqual([]);
    expect(keys(await search({ q: 'cancel' }, tenant.apiKeys.manager))).toEqual(['late-cancel']);
  });

  it('says personal data was redacted only where something was', async () => {
    const manager = await search({}, tenant.apiKeys.manager);
    const flagged = manager.items
      .filter((item) => item.personalDataRedacted)
      .map((item) => keyOf.get(item.id));
    expect(flagged).toEqual(['late-cancel']);
    const admin = await search({}, tenant.apiKeys.admin);
    expect(admin.items.some((item) => item.personalDataRedacted)).toBe(false);
  });

  it('exports a filtered list as CSV, redacted as the list is, with names', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/v1/feedback/export.csv',
      query: { unit: 'North', flag: 'churn_threat' },
      headers: { authorization: `Bearer ${tenant.apiKeys.manager}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="feedback-/);
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^occurred_at,received_at,channel,unit,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('My lawyer will hear about the billing mistake');
    expect(lines[1]).toContain('Legal threat; Churn threat');
    expect(lines[2]).toContain(',North,');
    expect(lines[2]).toContain('[email]');
    expect(response.body).not.toContain('jane.doe');
  });

  it('exports every match in the order asked for', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/v1/feedback/export.csv',
      query: { sort: 'oldest' },
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    const ids = response.body
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => keyOf.get(line.split(',').at(-1)!));
    expect(ids).toEqual([...newestFirst].reverse());
  });

  it('refuses a bad export filter with problem+json and the field path', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/v1/feedback/export.csv?sentiment=angry&limit=5',
      headers: { authorization: `Bearer ${tenant.apiKeys.manager}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(
      '/querystring/sentiment',
    );
  });

  it('needs a key', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/feedback' });
    expect(response.statusCode).toBe(401);
  });
});
