import { FeedbackEvent, FeedbackEventBatch } from '@cxloop/contracts';
import { verifyWebhook } from '@cxloop/runtime';
import { z } from 'zod';
import { fieldProblems, problems } from '../../problems.js';
import type { ChannelAdapter, RejectionReason } from '../adapter.js';
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
 * The body of a test delivery (`POST /v1/sources/:id/test-delivery`, the dashboard's "Send test event"). It
 * goes through verification and the delivery log like any delivery and stores no feedback, so testing a
 * channel never counts towards scores. FeedbackEvent is strict, so no real event can look like it.
 */
export const TestDeliveryBody = z
  .object({ type: z.literal('cxloop.test'), sentAt: z.iso.datetime() })
  .strict();

/** What the delivery log says of a test delivery that passed. */
export const TEST_DELIVERY_IGNORED = 'test event: URL, signature and source status verified; nothing stored';

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
  async parse(delivery) {
    const json = parseJsonBody(delivery.body);
    if (TestDeliveryBody.safeParse(json).success) {
      return { events: [], batch: false, ignored: TEST_DELIVERY_IGNORED };
    }
    const batch = typeof json === 'object' && json !== null && 'events' in json;
    const parsed = batch ? FeedbackEventBatch.safeParse(json) : FeedbackEvent.safeParse(json);
    if (!parsed.success) throw problems.invalidBody(fieldProblems(parsed.error));
    const events = 'events' in parsed.data ? parsed.data.events : [parsed.data];
    return { events, batch };
  },
};
