import { TwilioInboundSms } from '@cxloop/contracts';
import { anySecretMatches, type ChannelAdapter, headerValue, hmac, rejections } from '../adapter.js';
import { type FormFields, firstValues } from '../form-body.js';
import { testEventFields } from '../test-delivery.js';
import { canonicalEvent } from './canonical.js';
import { parseVendorPayload } from './json.js';

const SIGNATURE_HEADER = 'X-Twilio-Signature';
/**
 * Present when a Twilio Webhook Rule signs with a SharedKey instead of the auth token:
 * `key=<shared key id>,algorithm=HMAC_SHA256` (twilio.com/docs/usage/webhooks/webhook-settings). Only the
 * hash changes; the signed string is the same. The admin then pastes the SharedKey secret as the source's
 * secret (during a rotation overlap the auth token and the SharedKey secret both verify).
 */
const SIGNATURE_SETTINGS_HEADER = 'X-Twilio-Webhooks-Signature-Settings';
const HASH_OF_ALGORITHM: Readonly<Record<string, 'sha1' | 'sha256'>> = {
  HMAC_SHA1: 'sha1',
  HMAC_SHA256: 'sha256',
};

/** The hash the settings header names; no header (or no `algorithm=`) means the auth token's HMAC-SHA1. */
function signatureHash(settingsHeader: string | undefined): 'sha1' | 'sha256' | undefined {
  const named = (settingsHeader ?? '')
    .split(',')
    .map((part) => part.split('='))
    .find(([name]) => name?.trim() === 'algorithm')?.[1]
    ?.trim();
  return named ? HASH_OF_ALGORITHM[named] : 'sha1';
}
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Twilio's request signature: base64 HMAC-SHA1 (or SHA-256 under a SharedKey), keyed with the account's
 * auth token (or the SharedKey secret), of the full URL
 * Twilio called followed by every POST parameter sorted by name, name then value, no separators (a
 * repeated parameter contributes each of its values, sorted).
 *
 * @example
 * twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params) // 'RSOYDt4T1cUTdK1PDd93/VVr8B8='
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: FormFields,
  hash: 'sha1' | 'sha256' = 'sha1',
): string {
  const names = [...params.keys()].sort();
  const data = names.map((name) =>
    [...(params.get(name) ?? [])]
      .sort()
      .map((value) => name + value)
      .join(''),
  );
  return hmac(hash, authToken, url, data.join('')).toString('base64');
}

/**
 * The URL as Twilio may have signed it: its libraries accept the URL with and without the scheme's default
 * port, because proxies differ in whether they keep it.
 */
function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
  const withoutPort = new URL(url);
  withoutPort.port = '';
  const withPort = `${parsed.protocol}//${parsed.username ? `${parsed.username}@` : ''}${parsed.hostname}:${parsed.port || defaultPort}${parsed.pathname}${parsed.search}`;
  return [...new Set([url, withoutPort.toString(), withPort])];
}

export const twilioAdapter: ChannelAdapter = {
  name: 'twilio',
  mediaTypes: ['application/x-www-form-urlencoded'],
  successStatus: 200,
  signTest(secret, _settings, test) {
    const fields = testEventFields(test);
    const params: FormFields = new Map(Object.entries(fields).map(([name, value]) => [name, [value]]));
    return {
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        [SIGNATURE_HEADER]: twilioSignature(secret, test.webhookUrl, params),
      },
      payload: new URLSearchParams(fields).toString(),
    };
  },
  async verify(delivery, secrets) {
    const header = headerValue(delivery.headers, SIGNATURE_HEADER);
    if (!header) return rejections.missing(`the ${SIGNATURE_HEADER} header`);
    const hash = signatureHash(headerValue(delivery.headers, SIGNATURE_SETTINGS_HEADER));
    if (!hash)
      return rejections.bad(`${SIGNATURE_HEADER} (${SIGNATURE_SETTINGS_HEADER} names an unknown algorithm)`);
    const params = await delivery.form();
    const offered = Buffer.from(header, 'base64');
    const urls = urlVariants(delivery.publicUrl);
    const matched = urls.some((url) =>
      anySecretMatches(secrets, offered, (token) =>
        Buffer.from(twilioSignature(token, url, params, hash), 'base64'),
      ),
    );
    return matched
      ? { ok: true }
      : rejections.bad(
          `${SIGNATURE_HEADER} (signed over ${delivery.publicUrl}; behind a proxy set PUBLIC_BASE_URL)`,
        );
  },
  async parse(delivery) {
    const sms = parseVendorPayload(TwilioInboundSms, firstValues(await delivery.form()));
    if (!sms.Body.trim()) return { events: [], batch: false, ignored: 'the message has no text' };
    return {
      events: [
        canonicalEvent({
          externalId: sms.MessageSid,
          text: sms.Body,
          customerRef: sms.From,
          metadata: {
            twilio: {
              accountSid: sms.AccountSid,
              to: sms.To,
              ...(sms.FromCountry ? { fromCountry: sms.FromCountry } : {}),
              ...(sms.NumMedia && sms.NumMedia !== '0' ? { media: Number(sms.NumMedia) } : {}),
            },
          },
        }),
      ],
      batch: false,
    };
  },
  // Twilio reads the answer as TwiML: an empty <Response> sends no reply SMS.
  reply: (reply) => reply.status(200).type('text/xml').send(EMPTY_TWIML),
};
