import { MailgunInboundMessage } from '@cxloop/contracts';
import { anySecretMatches, type ChannelAdapter, hmac, isFresh, rejections } from '../adapter.js';
import { firstValues } from '../form-body.js';
import { canonicalEvent, clipText } from './canonical.js';
import { parseVendorPayload } from './json.js';

/** Mailgun's signature: hex HMAC-SHA256 of `timestamp` + `token`, keyed with the HTTP webhook signing key. */
export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return hmac('sha256', signingKey, timestamp, token).toString('hex');
}

/** An inbound email: subject and the reply without its quoted history become the feedback text. */
export const mailgunAdapter: ChannelAdapter = {
  name: 'mailgun',
  mediaTypes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
  // Mailgun treats any status but 200 (and 406) as a failure and retries for hours.
  successStatus: 200,
  async verify(delivery, secrets) {
    const form = firstValues(await delivery.form());
    const { timestamp, token, signature } = form;
    if (!timestamp || !token || !signature)
      return rejections.missing('the timestamp, token and signature fields', true);
    if (!/^\d{1,12}$/.test(timestamp)) return rejections.invalidTimestamp('timestamp');
    if (!isFresh(delivery, Number(timestamp))) return rejections.stale('timestamp');
    const offered = Buffer.from(signature, 'hex');
    const matched = anySecretMatches(secrets, offered, (key) => hmac('sha256', key, timestamp, token));
    return matched ? { ok: true } : rejections.bad('signature');
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
