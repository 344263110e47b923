import { type OutboundJob, queueNames } from '@cxloop/contracts';
import { Queue } from 'bullmq';
import type { QueueSettings } from './queues.js';
import { signWebhook } from './standard-webhooks.js';

/** How often and how patiently an outbound message is retried before it is marked dead. */
export interface OutboundRetryPolicy {
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number };
}

/** Receivers are often briefly down: retry for about an hour (1 s … 35 min apart) before giving up. */
export const defaultOutboundRetry: OutboundRetryPolicy = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1_000 },
};

export type OutboundQueue = Queue<OutboundJob>;

/** The retry policy is set on the queue, so every producer of outbound messages retries the same way. */
export function createOutboundQueue(
  settings: QueueSettings,
  retry: OutboundRetryPolicy = defaultOutboundRetry,
): OutboundQueue {
  return new Queue<OutboundJob>(queueNames.outbound, {
    connection: settings.connection,
    prefix: settings.prefix,
    defaultJobOptions: {
      ...retry,
      removeOnComplete: { age: 24 * 3_600 },
      removeOnFail: { age: 7 * 24 * 3_600 },
    },
  });
}

/**
 * Enqueues delivery of stored outbound messages. The job id is the message id, so enqueueing again (the
 * API after commit, the sweep after a Redis flush) is ignored while the first job exists.
 */
export async function enqueueOutbound(queue: OutboundQueue, jobs: readonly OutboundJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await queue.addBulk(jobs.map((data) => ({ name: 'deliver', data, opts: { jobId: data.messageId } })));
}

export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

/**
 * POSTs a JSON body signed per Standard Webhooks. The webhook id is stable across retries of one message, so
 * the receiver can drop duplicates. Resolves on a 2xx answer; throws `WebhookDeliveryError` otherwise.
 *
 * @example
 * await postSignedWebhook({ url, secret, webhookId: `msg_${messageId}`, body: { type: 'case.reply', data } });
 */
export async function postSignedWebhook(delivery: {
  url: string;
  secret: string;
  webhookId: string;
  body: unknown;
  timeoutMs?: number;
  now?: Date;
}): Promise<void> {
  const payload = JSON.stringify(delivery.body);
  const headers = signWebhook(
    delivery.secret,
    delivery.webhookId,
    Math.floor((delivery.now ?? new Date()).getTime() / 1000),
    payload,
  );
  let response: Response;
  try {
    response = await fetch(delivery.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'cxloop-webhooks' },
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(delivery.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new WebhookDeliveryError(
      `request failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // The body is not needed; consuming it frees the connection.
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) {
    throw new WebhookDeliveryError(`receiver answered HTTP ${response.status}`);
  }
}
