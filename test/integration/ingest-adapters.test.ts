import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { MAILGUN_RETRY_WINDOW_SECONDS } from '@cxloop/api';
import { createSurvey, openSurvey } from '@cxloop/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  feedbackByExternalId,
  startTestApi,
  TEST_PUBLIC_BASE_URL,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { expectQueuedForAnalysis } from '../support/redis.js';
import { type CreatedSource, createSourceVia, multipartBody } from '../support/sources.js';
import {
  intercomPing,
  intercomRatingAdded,
  intercomUserCreatedV1,
  mailgunInboundFields,
  twilioInboundSms,
  typeformFormResponse,
  zendeskSatisfaction,
  zendeskTicketCreated,
} from '../support/vendor-payloads.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Adapters org');
});
afterAll(async () => {
  await api.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const path = (source: CreatedSource) => `/v1/sources/${source.id}/events`;

const feedbackRow = (sourceId: string, externalId: string) =>
  feedbackByExternalId(api.db, sourceId, externalId);

/** The newest entry of a source's delivery log, as an admin reads it. */
async function latestDelivery(sourceId: string) {
  const response = await api.app.inject({
    method: 'GET',
    url: `/v1/sources/${sourceId}/deliveries?limit=1`,
    headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
  });
  expect(response.statusCode).toBe(200);
  const [newest] = response.json().deliveries;
  expect(newest).toBeDefined();
  return newest as { status: number; outcome: string; reason: string | null; redactedBody: string | null };
}

function expectProblem(
  response: { statusCode: number; json(): { detail?: string } },
  status: number,
  detail: string,
) {
  expect(response.statusCode).toBe(status);
  expect(response.json().detail).toContain(detail);
}

describe('Typeform', () => {
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, {
      adapter: 'typeform',
      fieldMapping: {
        questions: { effort_ref: { as: 'ces', scale: { min: 1, max: 5 } } },
        customerRefField: 'customer_id',
      },
    });
  });

  const post = (body: string, signature?: string) =>
    api.app.inject({
      method: 'POST',
      url: path(source),
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'typeform-signature': signature } : {}),
      },
      payload: body,
    });
  const sign = (body: string, secret = source.secret) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;

  it('accepts the documented form_response and maps it field by field', async () => {
    const body = JSON.stringify(typeformFormResponse());
    const response = await post(body, sign(body));
    expect(response.statusCode).toBe(202);
    expect(response.json().results).toEqual([
      { id: expect.any(String), externalId: 'a3a12ec67a1365927098a606107fac15', duplicate: false },
    ]);
    const row = await feedbackRow(source.id, 'a3a12ec67a1365927098a606107fac15');
    expect(row).toMatchObject({
      org_id: tenant.orgId,
      channel: 'survey',
      nps: 9, // nps question, default mapping
      csat: null, // a rating whose steps the payload does not give is not guessed as 1–5
      ces: 6, // 5-step opinion scale mapped to CES: 4 of 1–5 → 6 of 1–7
      text: "It's cold right now! I'm freezing!", // long_text, default mapping
      customer_ref: 'cust-5001', // hidden field named by customerRefField
    });
    expect(row.occurred_at.toISOString()).toBe('2018-01-18T18:17:02.000Z');
    expect(row.metadata).toEqual({
      typeform: {
        formId: 'lT4Z3j',
        formTitle: 'Webhooks example',
        eventId: 'LtWXD3crgy',
        otherAnswers: { rating_ref: 2, readable_ref_short_text: 'Laura' },
      },
    });
    await expectQueuedForAnalysis(api.analyzeQueue, row.id);
    const logged = await latestDelivery(source.id);
    expect(logged).toMatchObject({ status: 202, outcome: 'accepted' });
    expect(logged.reason).toContain('question rating_ref is a rating of unknown steps');
  });

  it('answers a replayed delivery with the stored id and stores nothing new', async () => {
    const body = JSON.stringify(typeformFormResponse({ token: 'replay-token-1' }));
    const first = await post(body, sign(body));
    const before = await countFeedback(api.db, source.id);
    const again = await post(body, sign(body));
    expect(again.statusCode).toBe(202);
    expect(again.json().results[0]).toEqual({ ...first.json().results[0], duplicate: true });
    expect(await countFeedback(api.db, source.id)).toBe(before);
    expect((await latestDelivery(source.id)).outcome).toBe('duplicate');
  });

  it('rejects a missing, wrong or altered signature with 401 and logs the rejection without the body', async () => {
    const body = JSON.stringify(typeformFormResponse({ token: 'unsigned-1' }));
    const before = await countFeedback(api.db, source.id);
    expectProblem(await post(body), 401, 'Typeform-Signature header is required');
    expectProblem(await post(body, sign(body, 'not-the-secret')), 401, 'does not match');
    expectProblem(await post(body.replace('9', '0'), sign(body)), 401, 'does not match');
    expect(await countFeedback(api.db, source.id)).toBe(before);
    const logged = await latestDelivery(source.id);
    expect(logged).toMatchObject({ status: 401, outcome: 'rejected', redactedBody: null });
    expect(logged.reason).toContain('bad_signature');
  });

  it('keeps a response whose answer is outside its scale, and tells the admin which question to map', async () => {
    // A 10-point rating answered 12 (or a 10-star rating read as 1–5) used to refuse the whole response with
    // 422, and Typeform retried into the same refusal: the NPS-free rest of the response was lost.
    const body = JSON.stringify(typeformFormResponse({ token: 'bad-nps-1', npsScore: 12 }));
    const response = await post(body, sign(body));
    expect(response.statusCode).toBe(202);
    const row = await feedbackRow(source.id, 'bad-nps-1');
    expect(row).toMatchObject({ nps: null, ces: 6, text: "It's cold right now! I'm freezing!" });
    expect(row.metadata).toMatchObject({ typeform: { otherAnswers: { nps_ref: 12 } } });
    const logged = await latestDelivery(source.id);
    expect(logged).toMatchObject({ status: 202, outcome: 'accepted' });
    expect(logged.reason).toContain(
      'question nps_ref (/form_response/answers/0): 12 is outside the nps scale 0–10',
    );
    const stats = await api.app.inject({
      method: 'GET',
      url: `/v1/sources/${source.id}`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    expect(JSON.stringify(stats.json())).toContain('12 is outside the nps scale');
  });
});

describe('Typeform staff survey responses', () => {
  it('records answers mapped to staff survey questions through the staff surveys module, once', async () => {
    const survey = await createSurvey(api.db, tenant.orgId, {
      name: 'Pulse',
      series: 'pulse-typeform',
      unitId: null,
      template: {},
      questions: [
        {
          key: 'D5.2.1',
          kind: 'likert',
          section: 'D5.2 Feedback Channels',
          text: 'We ask customers for feedback at every touchpoint.',
          informs: ['D5.2.1'],
          elementId: null,
        },
      ],
    });
    await openSurvey(api.db, tenant.orgId, survey.id);
    const source = await createSourceVia(api.app, tenant, {
      adapter: 'typeform',
      fieldMapping: {
        questions: {
          RatingQ01: { as: 'staff', questionKey: 'D5.2.1' },
          nps_ref: { as: 'ignore' },
          effort_ref: { as: 'ignore' },
          readable_ref_long_text: { as: 'ignore' },
        },
        staffSurveyId: survey.id,
      },
    });
    const body = JSON.stringify(typeformFormResponse({ token: 'staff-response-1' }));
    const signature = `sha256=${createHmac('sha256', source.secret).update(body).digest('base64')}`;
    const send = () =>
      api.app.inject({
        method: 'POST',
        url: path(source),
        headers: { 'content-type': 'application/json', 'typeform-signature': signature },
        payload: body,
      });
    expect((await send()).statusCode).toBe(202);
    expect((await send()).statusCode).toBe(202);
    const responses = await api.db
      .selectFrom('survey_responses')
      .select(['id', 'origin', 'external_id'])
      .where('survey_id', '=', survey.id)
      .execute();
    expect(responses).toEqual([
      { id: expect.any(String), origin: 'typeform', external_id: 'staff-response-1' },
    ]);
    const answers = await api.db
      .selectFrom('survey_answers')
      .select('likert')
      .where('response_id', '=', responses[0]!.id)
      .execute();
    expect(answers).toEqual([{ likert: 2 }]);
    expect(await countFeedback(api.db, source.id)).toBe(0);
    expect((await latestDelivery(source.id)).outcome).toBe('duplicate');
  });
});

describe('Twilio inbound SMS', () => {
  const authToken = 'twilio-auth-token-0123456789abcdef';
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, { adapter: 'twilio', secret: authToken });
  });

  function signTwilio(params: Record<string, string>, url: string, token = authToken) {
    const data = Object.keys(params)
      .sort()
      .map((name) => name + params[name]);
    return createHmac('sha1', token)
      .update(url + data.join(''))
      .digest('base64');
  }
  const post = (params: Record<string, string>, signature?: string) =>
    api.app.inject({
      method: 'POST',
      url: path(source),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature ? { 'x-twilio-signature': signature } : {}),
      },
      payload: new URLSearchParams(params).toString(),
    });

  it('accepts a documented inbound SMS signed over the public URL and answers empty TwiML', async () => {
    const params = twilioInboundSms();
    const response = await post(params, signTwilio(params, `${TEST_PUBLIC_BASE_URL}${path(source)}`));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/xml');
    expect(response.body).toContain('<Response></Response>');
    const row = await feedbackRow(source.id, 'SM1f0e1c2d3b4a5968778695a4b3c2d1e0');
    expect(row).toMatchObject({
      channel: 'sms',
      text: params.Body,
      customer_ref: '+447700900123',
      nps: null,
      metadata: {
        twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', to: '+447700900000', fromCountry: 'GB' },
      },
    });
    // The delivery log keeps the body with the phone numbers redacted.
    const logged = await latestDelivery(source.id);
    expect(logged.outcome).toBe('accepted');
    expect(logged.redactedBody).not.toContain('07700 900123');
    expect(logged.redactedBody).not.toContain('+447700900123');
  });

  it('is idempotent on MessageSid', async () => {
    const params = twilioInboundSms({ MessageSid: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', SmsSid: 'x' });
    const signature = signTwilio(params, `${TEST_PUBLIC_BASE_URL}${path(source)}`);
    await post(params, signature);
    const before = await countFeedback(api.db, source.id);
    expect((await post(params, signature)).statusCode).toBe(200);
    expect(await countFeedback(api.db, source.id)).toBe(before);
  });

  it('rejects a missing signature, a wrong token and a signature over the internal URL', async () => {
    const params = twilioInboundSms({ MessageSid: 'SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' });
    const before = await countFeedback(api.db, source.id);
    expectProblem(await post(params), 401, 'X-Twilio-Signature header is required');
    expectProblem(
      await post(params, signTwilio(params, `${TEST_PUBLIC_BASE_URL}${path(source)}`, 'other-token')),
      401,
      'does not match',
    );
    // Signed for the address behind the proxy, not the one Twilio was given: the message says what to set.
    expectProblem(
      await post(params, signTwilio(params, `http://127.0.0.1:3000${path(source)}`)),
      401,
      'PUBLIC_BASE_URL',
    );
    expect(await countFeedback(api.db, source.id)).toBe(before);
  });
});

describe('Mailgun inbound route', () => {
  const signingKey = `key-${randomBytes(16).toString('hex')}`;
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, { adapter: 'mailgun', secret: signingKey });
  });

  function signed(fields: Record<string, string>, timestamp = String(nowSeconds()), key = signingKey) {
    const signature = createHmac('sha256', key)
      .update(timestamp + fields.token)
      .digest('hex');
    return { ...fields, timestamp, signature };
  }
  const postForm = (fields: Record<string, string>) =>
    api.app.inject({
      method: 'POST',
      url: path(source),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  it('accepts a form-encoded message: subject + stripped text as feedback, sender as customer', async () => {
    const response = await postForm(signed(mailgunInboundFields()));
    expect(response.statusCode).toBe(200);
    const row = await feedbackRow(source.id, '<20260101120000.1.ABCDEF@mg.example.com>');
    expect(row).toMatchObject({
      channel: 'email',
      text: 'Refund still missing\n\nThree weeks and still no refund.',
      customer_ref: 'bob@example.com',
      metadata: { mailgun: { recipient: 'feedback@mg.example.com' } },
    });
    const logged = await latestDelivery(source.id);
    expect(logged.redactedBody).not.toContain('bob@example.com');
    expect(logged.redactedBody).not.toContain('signature=');
  });

  it('accepts a multipart message with an attachment, which is not stored', async () => {
    const fields = signed(mailgunInboundFields({ 'Message-Id': '<multipart-1@mg.example.com>' }));
    const { payload, contentType } = multipartBody(fields, {
      name: 'invoice.txt',
      content: 'attached bytes',
    });
    const response = await api.app.inject({
      method: 'POST',
      url: path(source),
      headers: { 'content-type': contentType },
      payload,
    });
    expect(response.statusCode).toBe(200);
    const row = await feedbackRow(source.id, '<multipart-1@mg.example.com>');
    expect(row.text).not.toContain('attached bytes');
  });

  it('rejects missing and wrong signatures with 401, which Mailgun retries (the key may be fixed meanwhile)', async () => {
    const fields = mailgunInboundFields({ 'Message-Id': '<signature-cases@mg.example.com>' });
    const before = await countFeedback(api.db, source.id);
    expectProblem(await postForm(fields), 401, 'timestamp, token and signature fields are required');
    expectProblem(await postForm(signed(fields, undefined, 'key-wrong')), 401, 'does not match');
    expect(await countFeedback(api.db, source.id)).toBe(before);
    const ok = signed(fields);
    expect((await postForm(ok)).statusCode).toBe(200);
    expect((await postForm(ok)).statusCode).toBe(200);
    expect(await countFeedback(api.db, source.id)).toBe(before + 1);
  });

  it('accepts a retry that still carries its first attempt’s signature hours later, once', async () => {
    // Mailgun's route retries come 10 min, 10 min, 15 min … 4 h apart with the original signing fields.
    const messageId = `<outage-${randomUUID()}@mg.example.com>`;
    const firstAttempt = signed(
      mailgunInboundFields({ 'Message-Id': messageId }),
      String(nowSeconds() - 2 * 3600),
    );
    const before = await countFeedback(api.db, source.id);
    const retry = await postForm(firstAttempt);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(await countFeedback(api.db, source.id)).toBe(before + 1);
    const again = await postForm(firstAttempt);
    expect(again.statusCode).toBe(200);
    expect(again.json().results[0].duplicate).toBe(true);
    expect(await countFeedback(api.db, source.id)).toBe(before + 1);
  });

  it('answers 406 (Mailgun: do not retry) to what no retry can change, and logs why', async () => {
    const before = await countFeedback(api.db, source.id);
    const tooOld = signed(
      mailgunInboundFields({ 'Message-Id': `<too-old-${randomUUID()}@mg.example.com>` }),
      String(nowSeconds() - MAILGUN_RETRY_WINDOW_SECONDS - 3600),
    );
    expectProblem(await postForm(tooOld), 406, 'too far');
    expect((await latestDelivery(source.id)).reason).toMatch(/^stale_timestamp/);

    const used = signed(mailgunInboundFields({ 'Message-Id': `<first-${randomUUID()}@mg.example.com>` }));
    expect((await postForm(used)).statusCode).toBe(200);
    const replayed = { ...used, 'Message-Id': `<other-${randomUUID()}@evil.example>`, subject: 'Click here' };
    expectProblem(await postForm(replayed), 406, 'already used with another message');
    expect((await latestDelivery(source.id)).reason).toMatch(/^replayed_signature/);

    const json = await api.app.inject({
      method: 'POST',
      url: path(source),
      headers: { 'content-type': 'application/json' },
      payload: '{"subject":"not a form"}',
    });
    expect(json.statusCode).toBe(406);
    expect((await latestDelivery(source.id)).reason).toMatch(/^unsupported_media_type/);
    expect(await countFeedback(api.db, source.id)).toBe(before + 1);
  });
});

describe('Zendesk', () => {
  const secret = 'zendesk-webhook-signing-secret-0123';
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, { adapter: 'zendesk', secret });
  });

  const post = (body: string, headers: Record<string, string>) =>
    api.app.inject({
      method: 'POST',
      url: path(source),
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });
  function signedHeaders(body: string, at = new Date(), key = secret) {
    const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      'x-zendesk-webhook-signature': createHmac('sha256', key)
        .update(timestamp + body)
        .digest('base64'),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    };
  }

  it('maps ticket.created: subject and description as text, requester as customer', async () => {
    const body = JSON.stringify(zendeskTicketCreated());
    const response = await post(body, signedHeaders(body));
    expect(response.statusCode).toBe(202);
    const row = await feedbackRow(source.id, 'cbe4028c-7239-495d-b020-f22348516046');
    expect(row).toMatchObject({
      channel: 'helpdesk',
      text: 'Logged out constantly\n\nThe app logs me out every time I open the orders page.',
      customer_ref: '8447388090494',
      metadata: { zendesk: { ticketId: '35436', accountId: 12514403 } },
    });
    expect(row.occurred_at.toISOString()).toBe('2026-11-23T11:00:00.000Z');
  });

  it('maps the satisfaction trigger body to CSAT', async () => {
    const body = JSON.stringify(zendeskSatisfaction());
    expect((await post(body, signedHeaders(body))).statusCode).toBe(202);
    const row = await feedbackRow(source.id, 'ticket:35436:satisfaction:5');
    expect(row).toMatchObject({
      csat: 5,
      text: 'Sorted within the hour, thanks!',
      customer_ref: '8447388090494',
    });
  });

  it('rejects missing, wrong and stale signatures; a replay changes nothing', async () => {
    const body = JSON.stringify(zendeskTicketCreated({ id: 'zendesk-signature-cases' }));
    const before = await countFeedback(api.db, source.id);
    expectProblem(await post(body, {}), 401, 'are required');
    expectProblem(await post(body, signedHeaders(body, new Date(), 'wrong')), 401, 'does not match');
    expectProblem(await post(body, signedHeaders(body, new Date(Date.now() - 3_600_000))), 401, 'too far');
    const ok = signedHeaders(body);
    expect((await post(body, ok)).statusCode).toBe(202);
    const replay = await post(body, ok);
    expect(replay.json().results[0].duplicate).toBe(true);
    expect(await countFeedback(api.db, source.id)).toBe(before + 1);
  });
});

describe('Intercom', () => {
  const clientSecret = 'intercom-client-secret-0123456789';
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, { adapter: 'intercom', secret: clientSecret });
  });

  const post = (body: string, signature?: string) =>
    api.app.inject({
      method: 'POST',
      url: path(source),
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature': signature } : {}) },
      payload: body,
    });
  const sign = (body: string, key = clientSecret) =>
    `sha1=${createHmac('sha1', key).update(body).digest('hex')}`;

  it('maps conversation.rating.added to CSAT with the remark as text', async () => {
    const body = JSON.stringify(intercomRatingAdded());
    const response = await post(body, sign(body));
    expect(response.statusCode).toBe(200);
    const row = await feedbackRow(source.id, 'conversation:147:rating');
    expect(row).toMatchObject({
      channel: 'chat',
      csat: 4,
      text: 'Quick and friendly',
      customer_ref: 'cust-77',
      metadata: {
        intercom: {
          conversationId: '147',
          topic: 'conversation.rating.added',
          notificationId: 'notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3',
        },
      },
    });
    expect(row.occurred_at.toISOString()).toBe(new Date(1763899200 * 1000).toISOString());
  });

  it('acknowledges the ping and logs it as ignored', async () => {
    const body = JSON.stringify(intercomPing);
    const response = await post(body, sign(body));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      results: [],
      ignored: 'the ping Intercom sends when a webhook is saved',
    });
    expect((await latestDelivery(source.id)).outcome).toBe('ignored');
  });

  it('reads apps on API 1.x, whose conversations carry conversation_message and user', async () => {
    const body = JSON.stringify(intercomUserCreatedV1);
    const response = await post(body, sign(body));
    expect(response.statusCode).toBe(200);
    const row = await feedbackRow(source.id, 'conversation:5212');
    expect(row).toMatchObject({
      text: 'My parcel arrived damaged and nobody answers the phone.',
      customer_ref: 'cust-91',
    });
  });

  it('rejects missing and wrong signatures; a replay changes nothing', async () => {
    const body = JSON.stringify(intercomRatingAdded(2)).replace('"147"', '"148"');
    const before = await countFeedback(api.db, source.id);
    expectProblem(await post(body), 401, 'X-Hub-Signature header is required');
    expectProblem(await post(body, sign(body, 'wrong')), 401, 'does not match');
    expect((await post(body, sign(body))).statusCode).toBe(200);
    expect((await post(body, sign(body))).json().results[0].duplicate).toBe(true);
    expect(await countFeedback(api.db, source.id)).toBe(before + 1);
  });
});
