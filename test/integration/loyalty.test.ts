/**
 * Loyalty & value end to end below the HTTP front door: outcome events → customer summaries → the
 * analysis job → GET /v1/orgs/:org/loyalty, with the organisation's own data only.
 */
import { randomUUID } from 'node:crypto';
import {
  analyseOrganisationOutcomes,
  MetricSources,
  outcomeMetricComputations,
  SettledSums,
} from '@cxloop/aggregation-worker';
import { listOrganisationsWithNewOutcomes, type OutcomeToStore, recordOutcomes } from '@cxloop/db';
import { simulateCustomers } from '@cxloop/outcomes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;
const NOW = new Date();

let api: TestApi;
let tenant: TestTenant;
let other: TestTenant;

/** A year of purchases of 600 simulated customers, as outcome events. */
function simulatedPurchases(): OutcomeToStore[] {
  const customers = simulateCustomers({
    customers: 600,
    purchasing: { r: 0.9, alpha: 5, a: 0.8, b: 4 },
    spending: { p: 5, q: 4, gamma: 50 },
    acquisitionSpan: 20,
    calibrationEnd: 52,
    holdoutLength: 0,
    seed: 7,
  });
  return customers.flatMap(({ history, repeatValues }, i) => {
    const first = NOW.getTime() - history.age * WEEK_MS;
    const event = (k: number, at: number, amount: number): OutcomeToStore => ({
      externalId: `order-${i}-${k}`,
      customerRef: `cust-${i}`,
      kind: 'purchase',
      occurredAt: new Date(at),
      amount: Math.round(amount * 100) / 100,
      currency: 'EUR',
      channel: i % 4 === 0 ? 'app' : 'web',
      segment: i % 2 === 0 ? 'retail' : 'trade',
    });
    // Repeat purchases spread evenly up to the last one, which falls at the customer's recency.
    return [
      event(0, first, 45),
      ...repeatValues.map((value, k) =>
        event(k + 1, first + ((k + 1) / repeatValues.length) * history.recency * WEEK_MS, value),
      ),
    ];
  });
}

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Loyal org');
  other = await createTenant(api.db, api.secretBox, 'Other org');
  const events = simulatedPurchases();
  for (let i = 0; i < events.length; i += 500) {
    await recordOutcomes(api.db, tenant.orgId, tenant.sourceId, events.slice(i, i + 500));
  }
});
afterAll(async () => {
  await api.close();
});

const getLoyalty = (org: string, key: string) =>
  api.app.inject({
    method: 'GET',
    url: `/v1/orgs/${org}/loyalty`,
    headers: { authorization: `Bearer ${key}` },
  });

describe('loyalty & value analysis', () => {
  it('is 404 until the organisation has been analysed', async () => {
    expect((await getLoyalty(tenant.orgId, tenant.apiKeys.manager)).statusCode).toBe(404);
  });

  it('the job refits organisations whose summaries changed, and only those', async () => {
    expect(await listOrganisationsWithNewOutcomes(api.db, 100)).toContain(tenant.orgId);
    // Stamped with the time it runs, which the job compares with the summaries' update times.
    await analyseOrganisationOutcomes(api.db, tenant.orgId, new Date());
    expect(await listOrganisationsWithNewOutcomes(api.db, 100)).not.toContain(tenant.orgId);
  });

  it('serves retention, value segments, the fitted models and their limits to managers', async () => {
    const response = await getLoyalty(tenant.orgId, tenant.apiKeys.manager);
    expect(response.statusCode).toBe(200);
    const view = response.json();
    expect(view.buyers).toBe(600);
    expect(view.cohorts.length).toBeGreaterThan(0);
    expect(view.historicValue.bySegment.map((s: { segment: string }) => s.segment)).toEqual([
      'retail',
      'trade',
    ]);
    expect(view.model.fitted).toBe(true);
    expect(Object.keys(view.model.bgNbd).sort()).toEqual(['a', 'alpha', 'b', 'r']);
    expect(view.model.clv.channels.map((c: { channel: string }) => c.channel)).toEqual(['app', 'web']);
    expect(view.limits.length).toBeGreaterThan(0);
  });

  it('feeds the Discover and Devise outcome metrics, for the whole organisation only', async () => {
    const sources = (unitId: string | null) =>
      new MetricSources(api.db, { orgId: tenant.orgId, unitId }, new Date(), {
        sums: new SettledSums(),
        revision: '0',
      });
    const enterprise = sources(null);
    expect(await outcomeMetricComputations.clv_model_validated_365d(enterprise)).toMatchObject({
      sampleSize: 600,
    });
    expect(await outcomeMetricComputations.segments_with_spend_365d(enterprise)).toEqual({
      value: 2,
      sampleSize: 600,
    });
    expect(await outcomeMetricComputations.high_value_channels_known_365d(enterprise)).toMatchObject({
      value: 2,
    });
    // No feedback of these customers: nothing to link, said so rather than scored 0.
    expect(await outcomeMetricComputations.significant_loyalty_drivers_365d(enterprise)).toHaveProperty(
      'missing',
    );
    expect(
      await outcomeMetricComputations.retention_measured_customers_365d(sources(randomUUID())),
    ).toHaveProperty('missing');
  });

  it('is not shown to another organisation or to responders', async () => {
    expect((await getLoyalty(tenant.orgId, other.apiKeys.manager)).statusCode).toBe(404);
    expect((await getLoyalty(tenant.orgId, tenant.apiKeys.responder)).statusCode).toBe(403);
  });
});
