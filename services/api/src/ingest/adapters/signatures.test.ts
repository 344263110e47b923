import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseUrlEncoded } from '../form-body.js';
import { intercomSignature } from './intercom.js';
import { mailgunSignature } from './mailgun.js';
import { qualtricsSignature } from './qualtrics.js';
import { twilioSignature } from './twilio.js';
import { typeformSignature } from './typeform.js';
import { zendeskSignature } from './zendesk.js';

describe('twilioSignature', () => {
  // Twilio's published example (twilio.com/docs/usage/security, and the test suites of its helper libraries).
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = new Map([
    ['CallSid', ['CA1234567890ABCDE']],
    ['Caller', ['+14158675309']],
    ['Digits', ['1234']],
    ['From', ['+14158675309']],
    ['To', ['+18005551212']],
  ]);

  it('reproduces Twilio’s documented example signature', () => {
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('does not depend on the order the parameters arrive in', () => {
    const shuffled = parseUrlEncoded(
      Buffer.from(
        'To=%2B18005551212&Digits=1234&From=%2B14158675309&Caller=%2B14158675309&CallSid=CA1234567890ABCDE',
      ),
    );
    expect(twilioSignature('12345', url, shuffled)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('changes with the URL, a parameter or the token', () => {
    expect(twilioSignature('12345', `${url}&x=1`, params)).not.toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12346', url, params)).not.toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    const altered = new Map(params).set('Digits', ['9999']);
    expect(twilioSignature('12345', url, altered)).not.toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });
});

// No vendor publishes a test vector for these schemes; each is checked against an independent
// computation of the documented formula, so a wrong key, encoding or concatenation order fails.
describe('documented signature formulas', () => {
  const body = Buffer.from('{"event_id":"LtWXD3crgy","event_type":"form_response"}');

  it('Typeform: sha256= + base64 HMAC-SHA256(secret, body)', () => {
    const expected = createHmac('sha256', 'tf-secret').update(body).digest('base64');
    expect(typeformSignature('tf-secret', body)).toBe(`sha256=${expected}`);
  });

  it('Mailgun: hex HMAC-SHA256(signing key, timestamp + token)', () => {
    const expected = createHmac('sha256', 'key-abc').update('1770920772e0b5477167110d68991efc').digest('hex');
    expect(mailgunSignature('key-abc', '1770920772', 'e0b5477167110d68991efc')).toBe(expected);
  });

  it('Zendesk: base64 HMAC-SHA256(secret, timestamp + body)', () => {
    const expected = createHmac('sha256', 'zd-secret').update(`2024-04-17T17:18:10Z${body}`).digest('base64');
    expect(zendeskSignature('zd-secret', '2024-04-17T17:18:10Z', body)).toBe(expected);
  });

  it('Intercom: sha1= + hex HMAC-SHA1(client secret, body)', () => {
    const expected = createHmac('sha1', 'ic-secret').update(body).digest('hex');
    expect(intercomSignature('ic-secret', body)).toBe(`sha1=${expected}`);
  });
});

describe('qualtricsSignature', () => {
  // The vector of SAP's Kyma Qualtrics event gateway (kyma-incubator/connector-tools, qualtrics-event-gw
  // pkg/hmac/hmac_test.go): a completedResponse message signed with the shared key "kyma4ever".
  const message =
    '{"Status":"Complete","SurveyID":"SV_1AmkKSDmoZ4XlQx","ResponseID":"R_0B7IcnXszjEUHLP","CompletedDate":"2019-06-25 07:58:25","BrandID":"sapdevelopment"}';

  it('reproduces an independent implementation’s HMAC-SHA512 of MSG', () => {
    expect(qualtricsSignature('kyma4ever', message)).toBe(
      'c2c585a404c239aa3063b462cc33551d3ed3ed2de0899f58d456fc0ef7ebef6f3c3af44957989bd0592603e41edde9528f7d9ed09ee128bf719aa12f46e5c598',
    );
  });

  it('changes with one character of the message or the key', () => {
    const signature = qualtricsSignature('kyma4ever', message);
    expect(qualtricsSignature('kyma4ever', `${message} `)).not.toBe(signature);
    expect(qualtricsSignature('kyma4everx', message)).not.toBe(signature);
  });
});
