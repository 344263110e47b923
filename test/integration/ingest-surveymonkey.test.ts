import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  eventually,
  eventuallyStored,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { type CreatedSource, createSourceVia } from '../support/sources.js';
import { surveyMonkeyResponseCompleted, surveyMonkeyResponseDetails } from '../support/vendor-payloads.js';

// SurveyMonkey's webhook names the response; the adapter fetches the answers from SurveyMonkey's API. A local
// server stands in for that API (the one outside dependency), serving the documented response shape.
let vendor: FastifyInstance;
const vendorCalls: { url: string; authorization: string | undefined }[] = [];
/** While true, the stand-in answers as SurveyMonkey does in an outage. */
let vendorDown = false;
let api: TestApi;
let tenant: TestTenant;
let source: CreatedSource;
const clientId = 'sm-client-id-123';
const clientSecret = 'sm-client-secret-456';

beforeAll(async () => {
  vendor = Fastify();
  vendor.get('/v3/surveys/:surveyId/responses/:responseId/details', async (request, reply) => {
    vendorCalls.push({ url: request.url, authorization: request.headers.authorization });
    if (vendorDown) return reply.status(503).send({ error: { message: 'Service Unavailable' } });
    const { responseId } = request.params as { responseId: string };
    if (responseId === 'missing') return reply.status(404).send({ error: { message: 'not found' } });
    return surveyMonkeyResponseDetails(responseId);
  });
  const vendorUrl = await vendor.listen({ host: '127.0.0.1', port: 0 });
  // Retries in a fifth of a second instead of fifteen, so an outage and its recovery fit in a test.
  api = await startTestApi({
    vendorApiUrls: { surveymonkey: vendorUrl },
    vendorFetchTiming: { pollMs: 100, retryBaseMs: 200 },
  });
  tenant = await createTenant(api.db, api.secretBox, 'SurveyMonkey org');
  source = await createSourceVia(api.app, tenant, {
    adapter: 'surveymonkey',
    secret: clientSecret,
    vendorToken: 'sm-access-token-789',
    adapterConfig: { clientId },
    fieldMapping: {
      questions: { '319352786': { as: 'nps' }, '319352790': { as: 'csat' } },
      customerRefField: 'customer_id',
    },
  });
});
afterAll(async () => {
  await api.close();
  await vendor.close();
});

/** The stored feedback of a SurveyMonkey response, once the background fetch has stored it. */
const storedResponse = (responseId: string) => eventuallyStored(api.db, source.id, responseId);

async function deliveryReasons(sourceId: string): Promise<string[]> {
  const response = await api.app.inject({
    method: 'GET',
    url: `/v1/sources/${sourceId}/deliveries`,
    headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
  });
  return response.json().deliveries.map((entry: { reason: string | null }) => entry.reason ?? '');
}

const sign = (body: string, secret = clientSecret) =>
  createHmac('sha1', `${clientId}&${secret}`).update(body).digest('base64');
/** The media type SurveyMonkey's callbacks carry (not application/json). */
const SURVEYMONKEY_MEDIA_TYPE = 'application/vnd.surveymonkey.response.v1+json';
const post = (body: string, headers: Record<string, string>) =>
  api.app.inject({
    method: 'POST',
    url: `/v1/sources/${source.id}/events`,
    headers: { 'content-type': SURVEYMONKEY_MEDIA_TYPE, ...headers },
    payload: body,
  });

describe('SurveyMonkey', () => {
  it('answers the HEAD SurveyMonkey sends before it creates a webhook, and 404 for an unknown source', async () => {
    const head = await api.app.inject({ method: 'HEAD', url: `/v1/sources/${source.id}/events` });
    expect(head.statusCode).toBe(200);
    const unknown = await api.app.inject({
      method: 'HEAD',
      url: '/v1/sources/00000000-0000-4000-8000-000000000000/events',
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('accepts plain application/json as well as its own media type', async () => {
    const body = JSON.stringify({ ...surveyMonkeyResponseCompleted('5007154399'), event_id: '10000000399' });
    const response = await post(body, { 'sm-signature': sign(body), 'content-type': 'application/json' });
    expect(response.statusCode).toBe(202);
  });

  it('verifies Sm-Signature, answers at once, then fetches the response and maps it field by field', async () => {
    const body = JSON.stringify(surveyMonkeyResponseCompleted());
    const response = await post(body, { 'sm-signature': sign(body), 'sm-apikey': clientId });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ results: [], fetching: expect.stringContaining('background') });
    const row = await storedResponse('5007154325');
    expect(vendorCalls).toContainEqual({
      url: '/v3/surveys/105723396/responses/5007154325/details?simple=true',
      authorization: 'Bearer sm-access-token-789',
    });
    expect(row).toMatchObject({
      channel: 'survey',
      nps: 3,
      csat: 2,
      text: 'Checkout kept timing out on my phone.',
      customer_ref: 'cust-8080',
      metadata: { surveymonkey: { surveyId: '105723396', collectorId: '50253586', eventId: '10000000001' } },
    });
    expect(row.occurred_at.toISOString()).toBe('2026-11-23T10:56:00.000Z');
  });

  it('is idempotent on the event and the response id', async () => {
    const body = JSON.stringify(surveyMonkeyResponseCompleted());
    const before = await countFeedback(api.db, source.id);
    const replay = await post(body, { 'sm-signature': sign(body) });
    expect(replay.statusCode).toBe(202);
    const fetches = await api.db
      .selectFrom('vendor_fetches')
      .select('id')
      .where('source_id', '=', source.id)
      .where('key', '=', '10000000001')
      .execute();
    expect(fetches).toHaveLength(1);
    expect(await countFeedback(api.db, source.id)).toBe(before);
  });

  it('loses nothing while SurveyMonkey is down: the fetch is retried until it answers', async () => {
    vendorDown = true;
    const event = { ...surveyMonkeyResponseCompleted('5007154401'), event_id: '10000000401' };
    const body = JSON.stringify(event);
    expect((await post(body, { 'sm-signature': sign(body) })).statusCode).toBe(202);
    await eventually(async () =>
      (await deliveryReasons(source.id)).some(
        (reason) => reason.includes('fetch of 10000000401') && reason.includes('tried again at'),
      )
        ? true
        : undefined,
    );
    const missing = await api.db
      .selectFrom('feedback')
      .select('id')
      .where('source_id', '=', source.id)
      .where('external_id', '=', '5007154401')
      .executeTakeFirst();
    expect(missing).toBeUndefined();
    vendorDown = false;
    const row = await storedResponse('5007154401');
    expect(row.nps).toBe(3);
  });

  it('rejects missing and wrong signatures, and another app’s key, without calling SurveyMonkey', async () => {
    const body = JSON.stringify(surveyMonkeyResponseCompleted('6000000001'));
    const calls = vendorCalls.length;
    expect((await post(body, {})).statusCode).toBe(401);
    expect((await post(body, { 'sm-signature': sign(body, 'wrong') })).statusCode).toBe(401);
    expect((await post(body, { 'sm-signature': sign(body), 'sm-apikey': 'another-app' })).statusCode).toBe(
      401,
    );
    expect(vendorCalls.length).toBe(calls);
  });

  it('gives up a response nothing maps from, and an admin retries it after fixing the mapping', async () => {
    const nothingMaps = await createSourceVia(api.app, tenant, {
      adapter: 'surveymonkey',
      secret: clientSecret,
      vendorToken: 'sm-access-token-789',
      adapterConfig: { clientId },
      fieldMapping: {
        questions: {
          '319352786': { as: 'ignore' },
          '319352790': { as: 'ignore' },
          '319352795': { as: 'ignore' },
        },
      },
    });
    const event = { ...surveyMonkeyResponseCompleted('5007154402'), event_id: '10000000402' };
    const body = JSON.stringify(event);
    const delivered = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${nothingMaps.id}/events`,
      headers: { 'content-type': SURVEYMONKEY_MEDIA_TYPE, 'sm-signature': sign(body) },
      payload: body,
    });
    expect(delivered.statusCode).toBe(202);
    const admin = { authorization: `Bearer ${tenant.apiKeys.admin}` };
    const givenUp = await eventually(async () => {
      const listed = await api.app.inject({
        method: 'GET',
        url: `/v1/sources/${nothingMaps.id}/fetches`,
        headers: admin,
      });
      const [fetch] = listed.json().fetches;
      return fetch?.status === 'failed' ? fetch : undefined;
    });
    expect(givenUp.attempts).toBe(1); // a mapping problem is not retried by waiting
    expect(givenUp.lastError).toContain('no answer maps');
    expect(await countFeedback(api.db, nothingMaps.id)).toBe(0);

    const fixed = await api.app.inject({
      method: 'PATCH',
      url: `/v1/sources/${nothingMaps.id}`,
      headers: admin,
      payload: { fieldMapping: { questions: { '319352786': { as: 'nps' } } } },
    });
    expect(fixed.statusCode).toBe(200);
    const retried = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${nothingMaps.id}/fetches/${givenUp.id}/retry`,
      headers: admin,
    });
    expect(retried.statusCode).toBe(202);
    await eventually(async () => ((await countFeedback(api.db, nothingMaps.id)) === 1 ? true : undefined));
    const again = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${nothingMaps.id}/fetches/${givenUp.id}/retry`,
      headers: admin,
    });
    expect(again.statusCode).toBe(404); // only a given-up fetch can be retried
  });

  it('needs a client id and an access token when the source is created', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/sources',
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
      payload: { name: 'SM', adapter: 'surveymonkey', secret: clientSecret },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors[0].path).toBe('/adapterConfig');
  });
});
