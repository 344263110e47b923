import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` (unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the key being the base64 part of a
 * `whsec_…` secret. Several space-separated signatures may be sent (key rotation); one match is enough.
 * The `svix-id`, `svix-timestamp` and `svix-signature` spelling of the same headers is accepted too.
 */
const SECRET_PREFIX = 'whsec_';
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** A new signing secret in the `whsec_` format senders' Standard Webhooks libraries expect. */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

function secretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

function sign(secret: string, id: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.`).update(body).digest();
}

// A type alias, not an interface, so it is assignable to a plain header record.
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Signs a body as a Standard Webhooks sender would.
 *
 * @example
 * const headers = signWebhook(secret, 'msg_1', Math.floor(Date.now() / 1000), JSON.stringify(body));
 */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Buffer | string,
): SignedHeaders {
  const timestamp = String(timestampSeconds);
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${sign(secret, id, timestamp, body).toString('base64')}`,
  };
}

export type WebhookVerification =
  | { ok: true; webhookId: string }
  | { ok: false; reason: 'missing_headers' | 'invalid_timestamp' | 'stale_timestamp' | 'bad_signature' };

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The id, timestamp and signature headers of a delivery. Senders built on svix send the same scheme under
 * `svix-*` names, which the Standard Webhooks spec treats as equivalent; the three are taken from one family
 * so a delivery cannot mix a `webhook-id` with a `svix-signature`.
 */
function signedHeaders(headers: Record<string, string | string[] | undefined>) {
  const family =
    header(headers, 'webhook-id') === undefined && header(headers, 'svix-id') !== undefined
      ? 'svix'
      : 'webhook';
  return {
    id: header(headers, `${family}-id`),
    timestamp: header(headers, `${family}-timestamp`),
    signatures: header(headers, `${family}-signature`),
  };
}

/**
 * Verifies a delivery against any of the source's current secrets, comparing in constant time.
 * `nowSeconds` is passed in so the check is testable without a clock.
 */
export function verifyWebhook(
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): WebhookVerification {
  const { id, timestamp, signatures } = signedHeaders(headers);
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'invalid_timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds)
    return { ok: false, reason: 'stale_timestamp' };

  const offered = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  for (const secret of secrets) {
    const expected = sign(secret, id, timestamp, body);
    if (
      offered.some(
        (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
      )
    ) {
      return { ok: true, webhookId: id };
    }
  }
  return { ok: false, reason: 'bad_signature' };
}
