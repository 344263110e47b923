import { ZendeskEvent, ZendeskSatisfactionRating } from '@cxloop/contracts';
import { problems } from '../../problems.js';
import { anySecretMatches, type ChannelAdapter, headerValue, hmac, isFresh, rejections } from '../adapter.js';
import { signedJsonTest } from '../test-delivery.js';
import { canonicalEvent, clipText } from './canonical.js';
import { parseJsonBody, parseVendorPayload } from './json.js';

const SIGNATURE_HEADER = 'X-Zendesk-Webhook-Signature';
const TIMESTAMP_HEADER = 'X-Zendesk-Webhook-Signature-Timestamp';

/** Zendesk's signature: base64 HMAC-SHA256 of the timestamp header followed by the raw body. */
export function zendeskSignature(secret: string, timestamp: string, body: Buffer): string {
  return hmac('sha256', secret, timestamp, body).toString('base64');
}

/**
 * Zendesk's CSAT answers ("good"/"bad", as `{{satisfaction.current_rating}}` renders them, or a 1–5
 * score) as CSAT 1–5; undefined for "offered"/"unoffered", which are not answers.
 */
export function zendeskCsat(rating: string): number | undefined {
  const value = rating.trim().toLowerCase();
  if (/^[1-5]$/.test(value)) return Number(value);
  if (value.startsWith('good')) return 5;
  if (value.startsWith('bad')) return 1;
  return undefined;
}

function satisfaction(json: unknown) {
  const rating = parseVendorPayload(ZendeskSatisfactionRating, json);
  const csat = zendeskCsat(rating.rating);
  if (csat === undefined) {
    if (/^(un)?offered$/i.test(rating.rating.trim())) {
      return { events: [], batch: false, ignored: `satisfaction ${rating.rating} is not a rating` };
    }
    throw problems.invalidBody([
      { path: '/rating', message: `unknown satisfaction rating "${rating.rating}"` },
    ]);
  }
  return {
    events: [
      canonicalEvent({
        // One feedback per ticket and answer: a customer who changes "bad" to "good" is heard twice.
        externalId: `ticket:${rating.ticket_id}:satisfaction:${csat}`,
        text: rating.comment,
        ratings: { csat },
        ...(rating.requester_id ? { customerRef: rating.requester_id } : {}),
        metadata: { zendesk: { ticketId: rating.ticket_id, rating: rating.rating } },
      }),
    ],
    batch: false,
  };
}

export const zendeskAdapter: ChannelAdapter = {
  name: 'zendesk',
  mediaTypes: ['application/json'],
  successStatus: 202,
  signTest(secret, _settings, test) {
    // Zendesk's timestamp header is ISO 8601 to the second.
    const timestamp = test.sentAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return signedJsonTest(test, (body) => ({
      [SIGNATURE_HEADER]: zendeskSignature(secret, timestamp, body),
      [TIMESTAMP_HEADER]: timestamp,
    }));
  },
  async verify(delivery, secrets) {
    const signature = headerValue(delivery.headers, SIGNATURE_HEADER);
    const timestamp = headerValue(delivery.headers, TIMESTAMP_HEADER);
    if (!signature || !timestamp)
      return rejections.missing(`${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER}`, true);
    const signedAt = Date.parse(timestamp);
    if (Number.isNaN(signedAt)) return rejections.invalidTimestamp(TIMESTAMP_HEADER);
    if (!isFresh(delivery, Math.floor(signedAt / 1000))) return rejections.stale(TIMESTAMP_HEADER);
    const offered = Buffer.from(signature, 'base64');
    const matched = anySecretMatches(secrets, offered, (secret) =>
      hmac('sha256', secret, timestamp, delivery.body),
    );
    return matched ? { ok: true } : rejections.bad(SIGNATURE_HEADER);
  },
  async parse(delivery) {
    const json = parseJsonBody(delivery.body);
    if (typeof json === 'object' && json !== null && 'cxloop_event' in json) return satisfaction(json);
    const event = parseVendorPayload(ZendeskEvent, json);
    if (event.type !== 'zen:event-type:ticket.created') {
      return { events: [], batch: false, ignored: `event type ${event.type} is not read` };
    }
    const { detail } = event;
    const text = [detail.subject?.trim(), detail.description?.trim()].filter(Boolean).join('\n\n');
    if (!text) return { events: [], batch: false, ignored: 'the ticket has neither subject nor description' };
    return {
      events: [
        canonicalEvent({
          externalId: event.id,
          text: clipText(text),
          ...(detail.requester_id !== undefined ? { customerRef: String(detail.requester_id) } : {}),
          occurredAt: event.time,
          metadata: {
            zendesk: { ticketId: String(detail.id ?? event.subject), accountId: event.account_id },
          },
        }),
      ],
      batch: false,
    };
  },
};
