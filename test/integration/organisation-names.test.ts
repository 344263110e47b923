import { createTeam, createUnit, saveTextSettings } from '@cxloop/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/** GET /v1/orgs/:org/names: what views show instead of ids and codes, and filters accept. */

let api: TestApi;
let tenant: TestTenant;
let other: TestTenant;
let northId: string;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Names org');
  other = await createTenant(api.db, api.secretBox, 'Other names org');
  northId = (await createUnit(api.db, tenant.orgId, { key: 'north', name: 'Northern stores' })).id;
  await createUnit(api.db, other.orgId, { key: 'west', name: 'Western depot' });
  await createTeam(api.db, tenant.orgId, { name: 'Care desk' });
  const topic = { excludes: [], parentId: null, status: 'active' as const, mergedInto: null };
  await saveTextSettings(
    api.db,
    tenant.orgId,
    { phoneRegion: null, brandHandles: [] },
    {
      topics: [
        { ...topic, id: 'refund', label: 'Money back', seedTerms: ['refund'] },
        { ...topic, id: 'assembly', label: 'Flat-pack assembly', seedTerms: ['assembly'] },
      ],
      analysisTopics: { customTopics: [], retiredDefaultTopics: [] },
      change: { kind: 'test set-up' },
      changesDetection: false,
    },
  );
});
afterAll(async () => {
  await api.close();
});

const names = (org: string, apiKey: string) =>
  api.app.inject({
    method: 'GET',
    url: `/v1/orgs/${org}/names`,
    headers: { authorization: `Bearer ${apiKey}` },
  });

describe('organisation names', () => {
  it("names the organisation's units, teams, topics (its own replacing built-ins), flags and channels", async () => {
    const response = await names(tenant.orgId, tenant.apiKeys.responder);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.units).toEqual([{ id: northId, key: 'north', name: 'Northern stores' }]);
    expect(body.teams.map((team: { name: string }) => team.name)).toEqual(['Care desk']);
    const topics = new Map(body.topics.map((topic: { id: string; name: string }) => [topic.id, topic.name]));
    expect(topics.get('refund')).toBe('Money back');
    expect(topics.get('assembly')).toBe('Flat-pack assembly');
    expect(topics.get('billing')).toBe('Billing');
    expect(body.topics.filter((topic: { id: string }) => topic.id === 'refund')).toHaveLength(1);
    expect(body.flags).toContainEqual({ id: 'churn_threat', name: 'Churn threat' });
    expect(body.channels).toContainEqual({ id: 'sms', name: 'SMS' });
  });

  it("answers 404 for another organisation's names", async () => {
    expect((await names(tenant.orgId, other.apiKeys.admin)).statusCode).toBe(404);
  });
});
