import { describe, expect, it } from 'vitest';
import { generateSigningSecret, signWebhook, verifyWebhook } from './standard-webhooks.js';

// The test vector the Standard Webhooks reference libraries publish: a sender's library must agree with us.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signatures', () => {
  it('reproduces the published test vector', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    expect(headers['webhook-signature']).toBe(vector.signature);
  });

  it('verifies the vector, also among several offered signatures', () => {
    const headers = {
      'webhook-id': vector.id,
      'webhook-timestamp': String(vector.timestamp),
      'webhook-signature': `v1,bm9wZQ== ${vector.signature}`,
    };
    expect(verifyWebhook(headers, Buffer.from(vector.body), [vector.secret], vector.timestamp)).toEqual({
      ok: true,
      webhookId: vector.id,
    });
  });

  it('accepts any of the current secrets (rotation overlap)', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    const other = generateSigningSecret();
    expect(
      verifyWebhook(headers, Buffer.from(vector.body), [other, vector.secret], vector.timestamp).ok,
    ).toBe(true);
    expect(verifyWebhook(headers, Buffer.from(vector.body), [other], vector.timestamp)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects an altered body, a stale or future timestamp and missing headers', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    const body = Buffer.from(vector.body);
    expect(
      verifyWebhook(headers, Buffer.from('{"test": 2432232315}'), [vector.secret], vector.timestamp),
    ).toMatchObject({ reason: 'bad_signature' });
    expect(verifyWebhook(headers, body, [vector.secret], vector.timestamp + 301)).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(verifyWebhook(headers, body, [vector.secret], vector.timestamp - 301)).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(verifyWebhook(headers, body, [vector.secret], vector.timestamp + 300).ok).toBe(true);
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    expect(verifyWebhook(unsigned, body, [vector.secret], vector.timestamp)).toMatchObject({
      reason: 'missing_headers',
    });
  });

  it('makes secrets in the whsec_ format with 24 random bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(generateSigningSecret()).not.toBe(secret);
  });
});
