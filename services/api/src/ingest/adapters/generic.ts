import { randomUUID } from 'node:crypto';
import { FeedbackEvent, FeedbackEventBatch } from '@cxloop/contracts';
import { signWebhook, verifyWebhook } from '@cxloop/runtime';
import { fieldProblems, problems } from '../../problems.js';
import type { ChannelAdapter, RejectionReason } from '../adapter.js';
import { signedJsonTest } from '../test-delivery.js';
import { parseJsonBody } from './json.js';

const rejectionDetail: Record<string, [RejectionReason, string]> = {
  missing_headers: [
    'missing_signature',
    'webhook-id, webhook-timestamp and webhook-signature headers are required',
  ],
  invalid_timestamp: ['invalid_timestamp', 'webhook-timestamp must be unix seconds'],
  stale_timestamp: ['stale_timestamp', 'webhook-timestamp is too far from the current time'],
  bad_signature: ['bad_signature', 'no webhook-signature matches this source’s secret'],
};

/**
 * Our own channel: one event or `{"events": [...]}`, signed per Standard Webhooks. The other adapters map
 * onto the same FeedbackEvent.
 */
export const genericAdapter: ChannelAdapter = {
  name: 'generic',
  mediaTypes: ['application/json'],
  successStatus: 202,
  async verify(delivery, secrets) {
    const result = verifyWebhook(
      delivery.headers,
      delivery.body,
      secrets,
      delivery.nowSeconds,
      delivery.toleranceSeconds,
    );
    if (result.ok) return { ok: true, deliveryId: result.webhookId };
    const [reason, detail] = rejectionDetail[result.reason] ?? ['bad_signature', result.reason];
    return { ok: false, reason, detail };
  },
  signTest(secret, _settings, test) {
    const sentAtSeconds = Math.floor(test.sentAt.getTime() / 1000);
    return signedJsonTest(test, (body) =>
      signWebhook(secret, `msg_test_${randomUUID()}`, sentAtSeconds, body),
    );
  },
  async parse(delivery) {
    const json = parseJsonBody(delivery.body);
    const batch = typeof json === 'object' && json !== null && 'events' in json;
    const parsed = batch ? FeedbackEventBatch.safeParse(json) : FeedbackEvent.safeParse(json);
    if (!parsed.success) throw problems.invalidBody(fieldProblems(parsed.error));
    const events = 'events' in parsed.data ? parsed.data.events : [parsed.data];
    return { events, batch };
  },
};
