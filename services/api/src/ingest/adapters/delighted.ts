import { createHash } from 'node:crypto';
import {
  DelightedResponseWebhook,
  type DelightedSurveyResponse,
  DelightedWebhook,
  type FeedbackEvent,
  type Ratings,
} from '@cxloop/contracts';
import { type BodyHmacScheme, bodyHmacSignature, type ChannelAdapter, verifyBodyHmac } from '../adapter.js';
import { signedJsonTest } from '../test-delivery.js';
import { canonicalEvent, clipText, vendorInstant } from './canonical.js';
import { parseJsonBody, parseVendorPayload } from './json.js';

const SCHEME: BodyHmacScheme = {
  header: 'X-Delighted-Webhook-Signature',
  prefix: 'sha256=',
  algorithm: 'sha256',
  encoding: 'hex',
};

/**
 * Delighted's signature: `sha256=` + hex HMAC-SHA256 of the raw body, keyed with the account's API key
 * (webhooks: https://app.delighted.com/docs/api/webhooks; the header and scheme as published integrations of
 * Delighted's webhooks verify them, since the page's example shows the body only). The body carries no timestamp, so a replay can only repeat a delivery, and a
 * repeated delivery stores nothing new (ids below).
 */
export function delightedSignature(apiKey: string, body: Buffer): string {
  return bodyHmacSignature(SCHEME, apiKey, body);
}

/** The scales Delighted's survey types use that cxloop scores; other types keep their score in metadata. */
function ratingOf(response: DelightedSurveyResponse): Ratings | undefined {
  const { score } = response;
  if (score === null || score === undefined) return undefined;
  switch (response.survey_type) {
    case 'nps':
      return score >= 0 && score <= 10 ? { nps: score } : undefined;
    // CSAT, smileys and stars are all 1–5 at Delighted.
    case 'csat':
    case 'smileys':
    case 'stars':
      return score >= 1 && score <= 5 ? { csat: score } : undefined;
    // Delighted's CES asks how far the customer agrees it was easy, 1–7: 7 is easiest, as for cxloop.
    case 'ces':
      return score >= 1 && score <= 7 ? { ces: score } : undefined;
    default:
      return undefined;
  }
}

const commentDigest = (comment: string) => createHash('sha256').update(comment).digest('hex').slice(0, 16);

/**
 * A Delighted response becomes up to two feedback. Delighted sends `survey_response.created` the moment a
 * person scores and `survey_response.updated` when they add or change a comment (usually minutes later),
 * while cxloop stores feedback once per id. So the score is one feedback (`response:<id>`, stored by
 * whichever event arrives first, counted once), and each distinct comment is another
 * (`response:<id>:comment:<digest>`, text only, the score beside it in metadata), so the comment is never
 * lost to the score having been stored first and the score is never counted twice. A later change of the
 * score alone is not stored (the first score stands), which the delivery log says.
 */
function responseFeedback(response: DelightedSurveyResponse, eventId: string): FeedbackEvent[] {
  const ratings = ratingOf(response);
  const customerRef = response.person?.id;
  const comment = response.comment?.trim();
  const metadata = {
    delighted: {
      responseId: response.id,
      eventId,
      surveyType: response.survey_type,
      ...(response.score !== null && response.score !== undefined ? { score: response.score } : {}),
      ...(response.permalink ? { permalink: response.permalink } : {}),
      ...(response.tags?.length ? { tags: response.tags } : {}),
    },
  };
  const shared = {
    ...(customerRef ? { customerRef } : {}),
    metadata,
  };
  const events: FeedbackEvent[] = [];
  if (ratings) {
    events.push(
      canonicalEvent({
        externalId: `response:${response.id}`,
        ratings,
        occurredAt: vendorInstant(response.created_at),
        ...shared,
      }),
    );
  }
  if (comment) {
    events.push(
      canonicalEvent({
        externalId: `response:${response.id}:comment:${commentDigest(comment)}`,
        text: clipText(comment),
        occurredAt: vendorInstant(response.updated_at ?? response.created_at),
        ...shared,
      }),
    );
  }
  return events;
}

/** Delighted survey responses (NPS, CSAT, CES and the 1–5 scales), signed with the account's API key. */
export const delightedAdapter: ChannelAdapter = {
  name: 'delighted',
  mediaTypes: ['application/json'],
  successStatus: 202,
  signTest: (secret, _settings, test) =>
    signedJsonTest(test, (body) => ({ [SCHEME.header]: bodyHmacSignature(SCHEME, secret, body) })),
  verify: async (delivery, secrets) => verifyBodyHmac(SCHEME, delivery, secrets),
  async parse(delivery) {
    const json = parseJsonBody(delivery.body);
    const webhook = parseVendorPayload(DelightedWebhook, json);
    if (!webhook.event_type.startsWith('survey_response.')) {
      return { events: [], batch: false, ignored: `event ${webhook.event_type} is not feedback` };
    }
    const response = parseVendorPayload(DelightedResponseWebhook, json).event_data;
    const events = responseFeedback(response, webhook.event_id);
    if (events.length === 0) {
      return {
        events,
        batch: false,
        ignored: `response ${response.id} has neither a ${response.survey_type} score cxloop reads nor a comment`,
      };
    }
    return { events, batch: false };
  },
};
