import { Webhook as SvixWebhook } from 'svix';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  startTestApi,
  TEST_PUBLIC_BASE_URL,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { type CreatedSource, createSourceVia } from '../support/sources.js';
import { twilioInboundSms } from '../support/vendor-payloads.js';

/**
 * Deliveries signed by the vendors' own npm SDKs (svix's Webhook.sign, twilio's getExpectedTwilioSignature),
 * so a difference between their reading of a scheme and ours fails here, not in a customer's account.
 */
let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Vendor SDK org');
});
afterAll(async () => {
  await api.close();
});

const path = (source: CreatedSource) => `/v1/sources/${source.id}/events`;

describe('generic channel signed by svix (svix-* headers)', () => {
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, { adapter: 'generic' });
  });

  function svixDelivery(body: string, id: string) {
    const timestamp = new Date();
    const signature = new SvixWebhook(source.secret).sign(id, timestamp, body);
    return {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': signature,
    };
  }

  it('accepts and stores a delivery signed with svix headers; redelivery changes nothing', async () => {
    const body = JSON.stringify({ externalId: 'svix-1', text: 'The courier left the parcel in the rain.' });
    const headers = svixDelivery(body, 'msg_svix_1');
    const first = await api.app.inject({ method: 'POST', url: path(source), headers, payload: body });
    expect(first.statusCode).toBe(202);
    const again = await api.app.inject({ method: 'POST', url: path(source), headers, payload: body });
    expect(again.statusCode).toBe(202);
    expect(again.json().duplicate).toBe(true);
    expect(await countFeedback(api.db, source.id)).toBe(1);
  });

  it('refuses a tampered body and a delivery mixing webhook-id with svix headers', async () => {
    const body = JSON.stringify({ externalId: 'svix-2', text: 'Fine.' });
    const headers = svixDelivery(body, 'msg_svix_2');
    const tampered = await api.app.inject({
      method: 'POST',
      url: path(source),
      headers,
      payload: body.replace('Fine', 'Awful'),
    });
    expect(tampered.statusCode).toBe(401);
    const mixed = await api.app.inject({
      method: 'POST',
      url: path(source),
      headers: { ...headers, 'webhook-id': 'msg_other' },
      payload: body,
    });
    expect(mixed.statusCode).toBe(401);
    expect(await countFeedback(api.db, source.id)).toBe(1);
  });
});

describe('Twilio signed by its SDK', () => {
  const sharedKeySecret = 'twilio-shared-key-secret-0123456789';
  let source: CreatedSource;
  beforeAll(async () => {
    source = await createSourceVia(api.app, tenant, { adapter: 'twilio', secret: sharedKeySecret });
  });

  const post = (params: Record<string, string>, headers: Record<string, string>) =>
    api.app.inject({
      method: 'POST',
      url: path(source),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(params).toString(),
    });
  const url = () => `${TEST_PUBLIC_BASE_URL}${path(source)}`;

  it('accepts the HMAC-SHA256 signature of a SharedKey Webhook Rule', async () => {
    const params = twilioInboundSms({
      MessageSid: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1',
      SmsSid: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1',
    });
    const signature = twilio.getExpectedTwilioSignature(sharedKeySecret, url(), params, twilio.HMAC_SHA256);
    const response = await post(params, {
      'X-Twilio-Signature': signature,
      'X-Twilio-Webhooks-Signature-Settings':
        'key=webhooks_sharedkey_01jx3v4qv9ezbv2x0a5ehx1c9h,algorithm=HMAC_SHA256',
    });
    expect(response.statusCode).toBe(200);
    expect(await countFeedback(api.db, source.id)).toBe(1);
  });

  it('still accepts the default HMAC-SHA1 signature when no settings header is sent', async () => {
    const params = twilioInboundSms({
      MessageSid: 'SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1',
      SmsSid: 'SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1',
    });
    const signature = twilio.getExpectedTwilioSignature(sharedKeySecret, url(), params);
    const response = await post(params, { 'X-Twilio-Signature': signature });
    expect(response.statusCode).toBe(200);
    expect(await countFeedback(api.db, source.id)).toBe(2);
  });

  it('refuses a SHA-256 signature presented as SHA-1, and an unknown algorithm', async () => {
    const params = twilioInboundSms({
      MessageSid: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2',
      SmsSid: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2',
    });
    const signature = twilio.getExpectedTwilioSignature(sharedKeySecret, url(), params, twilio.HMAC_SHA256);
    expect((await post(params, { 'X-Twilio-Signature': signature })).statusCode).toBe(401);
    const unknown = await post(params, {
      'X-Twilio-Signature': signature,
      'X-Twilio-Webhooks-Signature-Settings': 'key=webhooks_sharedkey_x,algorithm=HMAC_MD5',
    });
    expect(unknown.statusCode).toBe(401);
    expect(await countFeedback(api.db, source.id)).toBe(2);
  });
});
