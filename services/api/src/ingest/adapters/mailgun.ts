import { createHash, randomBytes } from 'node:crypto';
import { MailgunInboundMessage } from '@cxloop/contracts';
import { anySecretMatches, type ChannelAdapter, hmac, isWithinRetryWindow, rejections } from '../adapter.js';
import { type FormFields, firstValues } from '../form-body.js';
import { testEventFields } from '../test-delivery.js';
import { canonicalEvent, clipText } from './canonical.js';
import { parseVendorPayload } from './json.js';

/** Mailgun's signature: hex HMAC-SHA256 of `timestamp` + `token`, keyed with the HTTP webhook signing key. */
export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return hmac('sha256', signingKey, timestamp, token).toString('hex');
}

/**
 * What identifies a message apart from its signature: every field but the signing ones, in a fixed order.
 * A retry that Mailgun signs anew has the same digest; another message under a captured signature does not.
 */
function messageDigest(fields: FormFields): string {
  const digest = createHash('sha256');
  const names = [...fields.keys()].filter((name) => !SIGNING_FIELDS.has(name)).sort();
  for (const name of names) digest.update(JSON.stringify([name, fields.get(name)]));
  return digest.digest('hex');
}

const SIGNING_FIELDS = new Set(['timestamp', 'token', 'signature']);

/**
 * How long after signing a delivery Mailgun may still send it. Mailgun retries a webhook or route POST
 * answered with anything but 200 or 406 for 8 hours (5, 10, 15 minutes, then 1, 2, 4 hours:
 * https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-retries; its help centre gives
 * 10, 10, 15, 30 minutes, 1, 2, 4 hours for routes, 8 h 05 min in all). Its docs do not say whether a retry
 * is signed anew; third-party references (Hookdeck's Mailgun verification notes, PostHog#103057) report that
 * retries carry the original `timestamp`, `token` and `signature`. Refusing a genuine signature after the
 * usual 5-minute tolerance would then lose every email whose first attempt met an outage of more than a few
 * minutes. So a genuine signature is accepted for the whole retry schedule plus an hour of queueing slack,
 * and replay stays refused: the token is remembered for that whole window with the digest of its message
 * (ReplayGuard), so it can come back only with the same message, which is stored once (Message-Id).
 */
export const MAILGUN_RETRY_WINDOW_SECONDS = 9 * 3600;

/** An inbound email: subject and the reply without its quoted history become the feedback text. */
export const mailgunAdapter: ChannelAdapter = {
  name: 'mailgun',
  mediaTypes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
  // Mailgun treats any status but 200 (and 406) as a failure and retries for hours.
  successStatus: 200,
  // 406 is Mailgun's "rejected, do not retry": a body it cannot change or a signature too old to ever verify.
  permanentRefusalStatus: 406,
  signTest(secret, _settings, test) {
    const timestamp = String(Math.floor(test.sentAt.getTime() / 1000));
    const token = randomBytes(25).toString('hex');
    const fields = { ...testEventFields(test), timestamp, token };
    return {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        ...fields,
        signature: mailgunSignature(secret, timestamp, token),
      }).toString(),
    };
  },
  async verify(delivery, secrets) {
    const fields = await delivery.form();
    const { timestamp, token, signature } = firstValues(fields);
    if (!timestamp || !token || !signature)
      return rejections.missing('the timestamp, token and signature fields', true);
    if (!/^\d{1,12}$/.test(timestamp)) return rejections.invalidTimestamp('timestamp');
    if (!isWithinRetryWindow(delivery, Number(timestamp), MAILGUN_RETRY_WINDOW_SECONDS)) {
      return rejections.stale('timestamp');
    }
    const offered = Buffer.from(signature, 'hex');
    const matched = anySecretMatches(secrets, offered, (key) => hmac('sha256', key, timestamp, token));
    if (!matched) return rejections.bad('signature');
    // The signature covers timestamp + token, not the message: the token must not come back with another.
    return {
      ok: true,
      signedToken: {
        token,
        acceptedUntilSeconds: Number(timestamp) + MAILGUN_RETRY_WINDOW_SECONDS + delivery.toleranceSeconds,
        messageDigest: messageDigest(fields),
      },
    };
  },
  async parse(delivery) {
    const message = parseVendorPayload(MailgunInboundMessage, firstValues(await delivery.form()));
    const body = (message['stripped-text'] ?? message['body-plain']).trim();
    const text = [message.subject.trim(), body].filter(Boolean).join('\n\n');
    if (!text) return { events: [], batch: false, ignored: 'the email has neither subject nor text' };
    return {
      events: [
        canonicalEvent({
          externalId: message['Message-Id'],
          text: clipText(text),
          customerRef: message.sender,
          metadata: { mailgun: { ...(message.recipient ? { recipient: message.recipient } : {}) } },
        }),
      ],
      batch: false,
    };
  },
};
