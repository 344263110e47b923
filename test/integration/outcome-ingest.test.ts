/**
 * Outcome events through the signed front door: committed with their customer's summary before 202,
 * redelivery changes nothing, out-of-order history gives the same summary, bad input is problem+json
 * with field paths and stores nothing.
 */
import { randomUUID } from 'node:crypto';
import { generateSigningSecret, signWebhook } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox);
});
afterAll(async () => {
  await api.close();
});

function postOutcomes(body: unknown, secret = tenant.secret, webhookId = `msg_${randomUUID()}`) {
  const payload = JSON.stringify(body);
  return api.app.inject({
    method: 'POST',
    url: `/v1/sources/${tenant.sourceId}/outcomes`,
    headers: {
      ...signWebhook(secret, webhookId, Math.floor(Date.now() / 1000), payload),
      'content-type': 'application/json',
    },
    payload,
  });
}

const purchase = (customerRef: string, occurredAt: string, amount: number, extra: object = {}) => ({
  type: 'outcome',
  kind: 'purchase',
  externalId: `order-${randomUUID()}`,
  customerRef,
  occurredAt,
  amount,
  currency: 'EUR',
  ...extra,
});

async function summaryOf(customerRef: string) {
  return api.db
    .selectFrom('customer_summaries as s')
    .innerJoin('customers as c', 'c.id', 's.customer_id')
    .select([
      'c.segment',
      's.purchase_count',
      's.purchase_spend',
      's.first_purchase_amount',
      's.first_purchase_at',
      's.last_purchase_at',
      's.refund_amount',
      's.cancelled_at',
      's.channels',
    ])
    .where('c.org_id', '=', tenant.orgId)
    .where('c.customer_ref', '=', customerRef)
    .executeTakeFirst();
}

async function countOutcomes() {
  const row = await api.db
    .selectFrom('outcome_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', tenant.orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /v1/sources/:sourceId/outcomes', () => {
  it('commits the event and its customer summary before answering 202', async () => {
    const event = purchase('cust-1', '2026-03-01T10:00:00Z', 40, { channel: 'web', segment: 'gold' });
    const response = await postOutcomes(event);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ externalId: event.externalId, duplicate: false });
    expect(await summaryOf('cust-1')).toMatchObject({
      segment: 'gold',
      purchase_count: 1,
      purchase_spend: 40,
      first_purchase_amount: 40,
      channels: ['web'],
    });
  });

  it('a redelivery returns the stored id and changes nothing', async () => {
    const event = purchase('cust-2', '2026-03-02T10:00:00Z', 25);
    const first = (await postOutcomes(event)).json();
    const again = await postOutcomes(event);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ id: first.id, externalId: event.externalId, duplicate: true });
    expect(await summaryOf('cust-2')).toMatchObject({ purchase_count: 1, purchase_spend: 25 });
  });

  it('history delivered out of order gives the summary of the history in order', async () => {
    const later = purchase('cust-3', '2026-05-01T10:00:00Z', 70, { channel: 'store' });
    const earlier = purchase('cust-3', '2026-02-01T10:00:00Z', 30, { channel: 'web' });
    const refund = { ...purchase('cust-3', '2026-05-03T10:00:00Z', 20), kind: 'refund' };
    const cancellation = {
      type: 'outcome',
      kind: 'cancellation',
      externalId: `cancel-${randomUUID()}`,
      customerRef: 'cust-3',
      occurredAt: '2026-06-01T00:00:00Z',
    };
    expect((await postOutcomes(later)).statusCode).toBe(202);
    const batch = await postOutcomes({ events: [earlier, refund, cancellation, earlier] });
    expect(batch.statusCode).toBe(202);
    expect(batch.json().results.map((r: { duplicate: boolean }) => r.duplicate)).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(await summaryOf('cust-3')).toMatchObject({
      purchase_count: 2,
      purchase_spend: 100,
      first_purchase_amount: 30,
      first_purchase_at: new Date('2026-02-01T10:00:00Z'),
      last_purchase_at: new Date('2026-05-01T10:00:00Z'),
      refund_amount: 20,
      cancelled_at: new Date('2026-06-01T00:00:00Z'),
      channels: ['store', 'web'],
    });
  });

  it('refuses bad input with problem+json naming the field, and stores nothing', async () => {
    const before = await countOutcomes();
    const missingAmount = { ...purchase('cust-4', '2026-03-01T10:00:00Z', 1), amount: undefined };
    const response = await postOutcomes({
      events: [purchase('cust-4', '2026-03-01T10:00:00Z', 5), missingAmount],
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors).toEqual([expect.objectContaining({ path: '/events/1/amount' })]);

    const otherCurrency = await postOutcomes({
      events: [
        purchase('cust-5', '2026-03-01T10:00:00Z', 5),
        purchase('cust-5', '2026-03-02T10:00:00Z', 5, { currency: 'USD' }),
      ],
    });
    expect(otherCurrency.statusCode).toBe(422);
    expect(otherCurrency.json().errors).toEqual([expect.objectContaining({ path: '/events/1/currency' })]);
    expect(await countOutcomes()).toBe(before);
    expect(await summaryOf('cust-5')).toBeUndefined();
  });

  it('refuses a delivery signed with another secret (401) and stores nothing', async () => {
    const before = await countOutcomes();
    const response = await postOutcomes(
      purchase('cust-6', '2026-03-01T10:00:00Z', 5),
      generateSigningSecret(),
    );
    expect(response.statusCode).toBe(401);
    expect(await countOutcomes()).toBe(before);
  });
});

describe('POST /v1/sources/:sourceId/outcome-imports', () => {
  const importCsv = (csv: string, key = tenant.apiKeys.admin) =>
    api.app.inject({
      method: 'POST',
      url: `/v1/sources/${tenant.sourceId}/outcome-imports`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      payload: csv,
    });
  const csv = [
    'externalId,kind,customerRef,occurredAt,amount,currency,channel,segment',
    'imp-1,purchase,cust-imp,2026-01-05T09:00:00Z,20.50,EUR,store,trade',
    'imp-2,purchase,cust-imp,2026-02-05T09:00:00Z,30,EUR,web,',
    'imp-3,purchase,cust-imp,2026-02-06T09:00:00Z,abc,EUR,web,',
    'imp-4,refund,cust-imp,2026-02-07T09:00:00Z,5,USD,web,',
    'imp-5,cancellation,cust-imp,2026-03-01T00:00:00Z,,,,',
  ].join('\n');

  it('stores good rows with their summaries and reports bad ones by line', async () => {
    const response = await importCsv(csv);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ rows: 5, created: 3, duplicates: 0, rejected: 2 });
    expect(response.json().errors).toEqual([
      expect.objectContaining({ line: 4, path: '/amount' }),
      expect.objectContaining({ line: 5, path: '/currency' }),
    ]);
    expect(await summaryOf('cust-imp')).toMatchObject({
      segment: 'trade',
      purchase_count: 2,
      purchase_spend: 50.5,
      first_purchase_amount: 20.5,
      cancelled_at: new Date('2026-03-01T00:00:00Z'),
    });
  });

  it('a rerun of the same file adds nothing', async () => {
    const response = await importCsv(csv);
    expect(response.json()).toMatchObject({ created: 0, duplicates: 3, rejected: 2 });
    expect(await summaryOf('cust-imp')).toMatchObject({ purchase_count: 2, purchase_spend: 50.5 });
  });
});
