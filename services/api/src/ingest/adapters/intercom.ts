import { IntercomNotification } from '@cxloop/contracts';
import type { AdapterOutput } from '../adapter.js';
import { type BodyHmacScheme, bodyHmacSignature, type ChannelAdapter, verifyBodyHmac } from '../adapter.js';
import { signedJsonTest } from '../test-delivery.js';
import { canonicalEvent, clipText, htmlToText, vendorInstant } from './canonical.js';
import { parseJsonBody, parseVendorPayload } from './json.js';

const SCHEME: BodyHmacScheme = {
  header: 'X-Hub-Signature',
  prefix: 'sha1=',
  algorithm: 'sha1',
  encoding: 'hex',
};

/** Intercom's signature: `sha1=` + hex HMAC-SHA1 of the raw body, keyed with the app's client secret. */
export function intercomSignature(clientSecret: string, body: Buffer): string {
  return bodyHmacSignature(SCHEME, clientSecret, body);
}

const ignored = (why: string): AdapterOutput => ({ events: [], batch: false, ignored: why });

/** Conversations a customer starts or replies to, and the ratings they give (topics named in README). */
export const intercomAdapter: ChannelAdapter = {
  name: 'intercom',
  mediaTypes: ['application/json'],
  successStatus: 200,
  signTest: (secret, _settings, test) =>
    signedJsonTest(test, (body) => ({ [SCHEME.header]: bodyHmacSignature(SCHEME, secret, body) })),
  verify: async (delivery, secrets) => verifyBodyHmac(SCHEME, delivery, secrets),
  async parse(delivery) {
    const notification = parseVendorPayload(IntercomNotification, parseJsonBody(delivery.body));
    if (notification.topic === 'ping') return ignored('the ping Intercom sends when a webhook is saved');
    const conversation = notification.data.item;
    const conversationId = conversation.id;
    if (!conversationId) return ignored(`topic ${notification.topic} names no conversation`);
    const contact = conversation.contacts?.contacts[0];
    // API 1.x apps (still sending `conversation_message` and `user`) are read like current ones.
    const opening = conversation.source ?? conversation.conversation_message;
    const customerRef =
      contact?.external_id ??
      contact?.id ??
      conversation.user?.user_id ??
      conversation.user?.id ??
      opening?.author?.id;
    const common = {
      ...(customerRef ? { customerRef } : {}),
      metadata: {
        intercom: {
          conversationId,
          topic: notification.topic,
          ...(notification.id ? { notificationId: notification.id } : {}),
        },
      },
    };
    switch (notification.topic) {
      case 'conversation.user.created': {
        const text = [opening?.subject, opening?.body]
          .map((part) => htmlToText(part ?? ''))
          .filter(Boolean)
          .join('\n\n');
        if (!text) return ignored('the conversation has no text');
        return {
          events: [
            canonicalEvent({
              externalId: `conversation:${conversationId}`,
              text: clipText(text),
              occurredAt: vendorInstant(conversation.created_at),
              ...common,
            }),
          ],
          batch: false,
        };
      }
      case 'conversation.user.replied': {
        const parts = conversation.conversation_parts?.conversation_parts ?? [];
        const reply = parts.findLast((part) => part.author?.type !== 'admin' && part.author?.type !== 'bot');
        const text = htmlToText(reply?.body ?? '');
        if (!reply || !text) return ignored('the reply has no text');
        return {
          events: [
            canonicalEvent({
              externalId: `conversation:${conversationId}:part:${reply.id}`,
              text: clipText(text),
              occurredAt: vendorInstant(reply.created_at),
              ...common,
            }),
          ],
          batch: false,
        };
      }
      case 'conversation.rating.added': {
        const rating = conversation.conversation_rating;
        if (!rating?.rating) return ignored('the rating has no score');
        return {
          events: [
            canonicalEvent({
              externalId: `conversation:${conversationId}:rating`,
              text: rating.remark ?? '',
              ratings: { csat: rating.rating },
              occurredAt: vendorInstant(rating.created_at),
              ...common,
            }),
          ],
          batch: false,
        };
      }
      default:
        return ignored(`topic ${notification.topic} is not read`);
    }
  },
};
