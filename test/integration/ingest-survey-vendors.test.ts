import { createHmac, randomBytes } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  eventually,
  eventuallyStored,
  feedbackByExternalId,
  startTestApi,
  TEST_PUBLIC_BASE_URL,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { expectQueuedForAnalysis } from '../support/redis.js';
import { type CreatedSource, createSourceVia } from '../support/sources.js';
import {
  delightedSurveyResponseUpdated,
  hubspotFeedbackSubmission,
  hubspotFeedbackSubmissionCreated,
  qualtricsCompletedResponseMessage,
  qualtricsResponse,
} from '../support/vendor-payloads.js';

// HubSpot's and Qualtrics' webhooks name the survey response; cxloop reads it from the vendor's API. Local
// servers stand in for those APIs, serving the documented shapes (the one outside dependency).
let hubspotApi: FastifyInstance;
const hubspotCalls: { url: string; authorization: string | undefined }[] = [];
/** While true, the stand-in answers as HubSpot does in an outage. */
let hubspotDown = false;
const submissions = new Map<string, Record<string, unknown>>();
let qualtricsApi: FastifyInstance;
const qualtricsCalls: { url: string; token: string | undefined }[] = [];
let qualtricsDown = false;
const qualtricsResponses = new Map<string, Record<string, unknown>>();
let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  hubspotApi = Fastify();
  hubspotApi.get('/crm/v3/objects/feedback_submissions/:id', async (request, reply) => {
    hubspotCalls.push({ url: request.url, authorization: request.headers.authorization });
    if (hubspotDown) return reply.status(503).send({ status: 'error', message: 'Service Unavailable' });
    const submission = submissions.get((request.params as { id: string }).id);
    return submission ?? reply.status(404).send({ status: 'error', message: 'Object not found' });
  });
  const hubspotUrl = await hubspotApi.listen({ host: '127.0.0.1', port: 0 });
  qualtricsApi = Fastify();
  qualtricsApi.get('/API/v3/surveys/:surveyId/responses/:responseId', async (request, reply) => {
    qualtricsCalls.push({ url: request.url, token: request.headers['x-api-token'] as string | undefined });
    if (qualtricsDown) return reply.status(503).send({ meta: { httpStatus: '503 - Service Unavailable' } });
    const response = qualtricsResponses.get((request.params as { responseId: string }).responseId);
    return response ?? reply.status(404).send({ meta: { httpStatus: '404 - Not Found' } });
  });
  const qualtricsUrl = await qualtricsApi.listen({ host: '127.0.0.1', port: 0 });
  api = await startTestApi({
    vendorApiUrls: { hubspot: hubspotUrl, qualtrics: qualtricsUrl },
    vendorFetchTiming: { pollMs: 100, retryBaseMs: 200 },
  });
  tenant = await createTenant(api.db, api.secretBox, 'Delighted and HubSpot org');
});
afterAll(async () => {
  await api.close();
  await hubspotApi.close();
  await qualtricsApi.close();
});

const post = (source: CreatedSource, body: string, headers: Record<string, string>) =>
  api.app.inject({ method: 'POST', url: `/v1/sources/${source.id}/events`, headers, payload: body });

describe('Delighted', () => {
  const apiKey = randomBytes(20).toString('hex');
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, { adapter: 'delighted', secret: apiKey });
  });
  /** As Delighted signs: `sha256=` + hex HMAC-SHA256 of the body with the account's API key. */
  const headers = (body: string, key = apiKey) => ({
    'Content-Type': 'application/json',
    'X-Delighted-Webhook-Signature': `sha256=${createHmac('sha256', key).update(body).digest('hex')}`,
  });

  it('stores the documented survey_response.updated as an NPS score and a comment, both queued for analysis', async () => {
    const body = JSON.stringify(delightedSurveyResponseUpdated());
    const response = await post(source, body, headers(body));
    expect(response.statusCode, response.body).toBe(202);
    const score = await feedbackByExternalId(api.db, source.id, 'response:5435');
    expect(score).toMatchObject({ channel: 'survey', nps: 9, customer_ref: '5975' });
    const [comment] = response
      .json()
      .results.filter((r: { externalId: string }) => r.externalId.includes(':comment:'));
    const commentRow = await feedbackByExternalId(api.db, source.id, comment.externalId);
    expect(commentRow).toMatchObject({ text: 'Your service is fast and flawless!', nps: null });
    expect(commentRow.metadata).toMatchObject({
      delighted: { responseId: '5435', surveyType: 'nps', score: 9 },
    });
    await expectQueuedForAnalysis(api.analyzeQueue, score.id);
    await expectQueuedForAnalysis(api.analyzeQueue, commentRow.id);

    const before = await countFeedback(api.db, source.id);
    const again = await post(source, body, headers(body));
    expect(again.statusCode).toBe(202);
    expect(again.json().results.every((r: { duplicate: boolean }) => r.duplicate)).toBe(true);
    expect(await countFeedback(api.db, source.id)).toBe(before);
  });

  it('counts the score once when the comment arrives in a later update', async () => {
    const created = {
      ...delightedSurveyResponseUpdated({ id: '6001', eventId: 'evt-6001-a', comment: null }),
      event_type: 'survey_response.created',
    };
    const first = JSON.stringify(created);
    expect((await post(source, first, headers(first))).statusCode).toBe(202);
    const before = await countFeedback(api.db, source.id);
    const updated = JSON.stringify(
      delightedSurveyResponseUpdated({ id: '6001', eventId: 'evt-6001-b', comment: 'Delivery was late.' }),
    );
    const response = await post(source, updated, headers(updated));
    expect(response.statusCode).toBe(202);
    expect(response.json().results.map((r: { duplicate: boolean }) => r.duplicate)).toEqual([true, false]);
    expect(await countFeedback(api.db, source.id)).toBe(before + 1);
  });

  it('refuses a tampered body, a wrong key and a missing signature with 401, storing nothing', async () => {
    const before = await countFeedback(api.db, source.id);
    const body = JSON.stringify(delightedSurveyResponseUpdated({ id: '7001', eventId: 'evt-7001' }));
    const tampered = body.replace('"score":9', '"score":0');
    expect((await post(source, tampered, headers(body))).statusCode).toBe(401);
    expect((await post(source, body, headers(body, 'not-the-key'))).statusCode).toBe(401);
    expect((await post(source, body, { 'Content-Type': 'application/json' })).statusCode).toBe(401);
    expect(await countFeedback(api.db, source.id)).toBe(before);
  });

  it('acknowledges unsubscribes without storing feedback', async () => {
    const body = JSON.stringify({
      event_type: 'unsubscribe.created',
      event_id: 'evt-unsub-1',
      event_data: { person: { id: '5975' } },
    });
    const response = await post(source, body, headers(body));
    expect(response.statusCode).toBe(202);
    expect(response.json().ignored).toContain('unsubscribe.created');
  });
});

describe('HubSpot feedback surveys', () => {
  const clientSecret = randomBytes(18).toString('hex');
  const accessToken = `pat-eu1-${randomBytes(12).toString('hex')}`;
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, {
      adapter: 'hubspot',
      secret: clientSecret,
      vendorToken: accessToken,
    });
  });

  /** Signed by HubSpot's own SDK (`Signature.getSignature`, v3), with HubSpot's header casing. */
  function signedByHubSpot(body: string, timestamp = Date.now(), secret = clientSecret) {
    const url = `${TEST_PUBLIC_BASE_URL}/v1/sources/${source.id}/events`;
    const signature = Signature.getSignature('POST', 'v3', {
      // The SDK's options type also holds the signature to check; signing does not read it.
      signature: '',
      clientSecret: secret,
      url,
      requestBody: body,
      timestamp,
    });
    return {
      headers: {
        'Content-Type': 'application/json',
        'X-HubSpot-Signature-v3': signature,
        'X-HubSpot-Request-Timestamp': String(timestamp),
      },
      valid: () =>
        Signature.isValid({
          signatureVersion: 'v3',
          signature,
          clientSecret,
          url,
          requestBody: body,
          timestamp,
        }),
    };
  }

  const stored = (submissionId: string) =>
    eventuallyStored(api.db, source.id, `feedback_submission:${submissionId}`);

  it('records the delivery at once, then reads the survey response from HubSpot, stores and queues it', async () => {
    submissions.set('11001', hubspotFeedbackSubmission('11001'));
    const body = JSON.stringify(hubspotFeedbackSubmissionCreated(['11001']));
    const signed = signedByHubSpot(body);
    expect(signed.valid()).toBe(true);
    const response = await post(source, body, signed.headers);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ results: [], fetching: expect.stringContaining('background') });
    const row = await stored('11001');
    expect(row).toMatchObject({
      channel: 'survey',
      nps: 3,
      text: 'The renewal invoice was wrong twice and nobody called back.',
    });
    expect(row.metadata).toMatchObject({
      hubspot: { submissionId: '11001', portalId: '33', surveyId: '2041' },
    });
    expect(hubspotCalls.at(-1)).toMatchObject({
      url: expect.stringMatching(/^\/crm\/v3\/objects\/feedback_submissions\/11001\?properties=/),
      authorization: `Bearer ${accessToken}`,
    });
    await expectQueuedForAnalysis(api.analyzeQueue, row.id);

    // HubSpot's retry of the same events: nothing new is recorded, fetched or stored.
    const calls = hubspotCalls.length;
    const before = await countFeedback(api.db, source.id);
    const again = await post(source, body, signedByHubSpot(body).headers);
    expect(again.statusCode).toBe(202);
    const fetches = await api.db
      .selectFrom('vendor_fetches')
      .select('key')
      .where('source_id', '=', source.id)
      .execute();
    expect(fetches.map((fetch) => fetch.key)).toEqual(['feedback_submission:11001']);
    expect(hubspotCalls.length).toBe(calls);
    expect(await countFeedback(api.db, source.id)).toBe(before);
  });

  it('refuses a tampered body, another secret and a timestamp over 5 minutes old with 401, storing nothing', async () => {
    const body = JSON.stringify(hubspotFeedbackSubmissionCreated(['11002']));
    const tampered = body.replace('11002', '11003');
    expect((await post(source, tampered, signedByHubSpot(body).headers)).statusCode).toBe(401);
    expect(
      (await post(source, body, signedByHubSpot(body, Date.now(), 'other-secret').headers)).statusCode,
    ).toBe(401);
    const stale = await post(source, body, signedByHubSpot(body, Date.now() - 6 * 60 * 1000).headers);
    expect(stale.statusCode).toBe(401);
    expect(stale.json().detail).toContain('X-HubSpot-Request-Timestamp');
    const recorded = await api.db
      .selectFrom('vendor_fetches')
      .select('key')
      .where('source_id', '=', source.id)
      .where('key', 'in', ['feedback_submission:11002', 'feedback_submission:11003'])
      .execute();
    expect(recorded).toEqual([]);
  });

  it('loses nothing when HubSpot’s API is down: the fetch is retried until it answers', async () => {
    hubspotDown = true;
    submissions.set(
      '11004',
      hubspotFeedbackSubmission('11004', { hs_survey_type: 'CES', hs_response_value: '6' }),
    );
    const body = JSON.stringify(hubspotFeedbackSubmissionCreated(['11004']));
    expect((await post(source, body, signedByHubSpot(body).headers)).statusCode).toBe(202);
    await eventually(async () =>
      hubspotCalls.some((call) => call.url.includes('/11004?')) ? true : undefined,
    );
    hubspotDown = false;
    expect(await stored('11004')).toMatchObject({ ces: 6 });
  });

  it('ignores events that name no new survey response', async () => {
    const body = JSON.stringify([
      { ...hubspotFeedbackSubmissionCreated(['12001'])[0], subscriptionType: 'object.propertyChange' },
    ]);
    const response = await post(source, body, signedByHubSpot(body).headers);
    expect(response.statusCode).toBe(202);
    expect(response.json().ignored).toContain('object.propertyChange');
  });
});

describe('Qualtrics event subscriptions', () => {
  const apiToken = `qualtrics-${randomBytes(12).toString('hex')}`;
  let source: CreatedSource;
  beforeAll(async () => {
    // cxloop issues the shared key; the admin gives it to Qualtrics when creating the subscription.
    source = await createSourceVia(api.app, tenant, {
      adapter: 'qualtrics',
      vendorToken: apiToken,
      adapterConfig: { datacenter: 'fra1' },
      fieldMapping: { questions: { QID1: { as: 'nps' } } },
    });
  });

  /** As Qualtrics posts an event: form-encoded Topic, MSG and HMAC (hex HMAC-SHA512 of MSG). */
  const postEvent = (
    message: string,
    key = source.secret,
    topic = 'surveyengine.completedResponse.SV_1AmkKSDmoZ4XlQx',
  ) =>
    post(
      source,
      new URLSearchParams({
        Topic: topic,
        MSG: message,
        HMAC: createHmac('sha512', key).update(message).digest('hex'),
      }).toString(),
      { 'Content-Type': 'application/x-www-form-urlencoded' },
    );

  const stored = (responseId: string) => eventuallyStored(api.db, source.id, responseId);

  it('answers 200 at once, reads the response from Qualtrics, maps it, stores and queues it; a retry adds nothing', async () => {
    qualtricsResponses.set('R_0B7IcnXszjEUHLP', qualtricsResponse('R_0B7IcnXszjEUHLP'));
    const response = await postEvent(qualtricsCompletedResponseMessage());
    expect(response.statusCode, response.body).toBe(200);
    const row = await stored('R_0B7IcnXszjEUHLP');
    expect(row).toMatchObject({
      channel: 'survey',
      nps: 4,
      text: 'The app logs me out every time I switch accounts.',
      customer_ref: 'cust-7781',
    });
    expect(qualtricsCalls.at(-1)).toEqual({
      url: '/API/v3/surveys/SV_1AmkKSDmoZ4XlQx/responses/R_0B7IcnXszjEUHLP',
      token: apiToken,
    });
    await expectQueuedForAnalysis(api.analyzeQueue, row.id);

    const calls = qualtricsCalls.length;
    const before = await countFeedback(api.db, source.id);
    expect((await postEvent(qualtricsCompletedResponseMessage())).statusCode).toBe(200);
    expect(qualtricsCalls.length).toBe(calls);
    expect(await countFeedback(api.db, source.id)).toBe(before);
  });

  it('refuses a changed message, another key and a missing HMAC with 401, recording nothing', async () => {
    const message = qualtricsCompletedResponseMessage('R_9XkqTamperedA1');
    const signed = createHmac('sha512', source.secret).update(message).digest('hex');
    const tampered = await post(
      source,
      new URLSearchParams({
        Topic: 'surveyengine.completedResponse.SV_1AmkKSDmoZ4XlQx',
        MSG: message.replace('R_9XkqTamperedA1', 'R_9XkqTamperedB2'),
        HMAC: signed,
      }).toString(),
      { 'Content-Type': 'application/x-www-form-urlencoded' },
    );
    expect(tampered.statusCode).toBe(401);
    expect((await postEvent(message, 'not-the-shared-key')).statusCode).toBe(401);
    const unsigned = await post(source, new URLSearchParams({ Topic: 'x', MSG: message }).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(unsigned.statusCode).toBe(401);
    const recorded = await api.db
      .selectFrom('vendor_fetches')
      .select('key')
      .where('source_id', '=', source.id)
      .where('key', 'like', 'response:R_9Xkq%')
      .execute();
    expect(recorded).toEqual([]);
  });

  it('loses nothing while Qualtrics is down', async () => {
    qualtricsDown = true;
    qualtricsResponses.set('R_2OutageC3d4E5f', qualtricsResponse('R_2OutageC3d4E5f', { QID1: 10 }));
    expect((await postEvent(qualtricsCompletedResponseMessage('R_2OutageC3d4E5f'))).statusCode).toBe(200);
    await eventually(async () =>
      qualtricsCalls.some((call) => call.url.endsWith('/R_2OutageC3d4E5f')) ? true : undefined,
    );
    qualtricsDown = false;
    expect(await stored('R_2OutageC3d4E5f')).toMatchObject({ nps: 10 });
  });
});
