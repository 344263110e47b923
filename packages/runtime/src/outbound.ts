import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type OutboundJob, queueNames } from '@cxloop/contracts';
import { Queue } from 'bullmq';
import {
  type OutboundAllowlist,
  OutboundTargetRefused,
  type ResolveAll,
  type VettedTarget,
  vetTarget,
} from './outbound-target.js';
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

/**
 * Why a delivery failed, coarse enough to show to an organisation's users: the network detail (addresses,
 * ports, resolver and TLS messages) would let a URL setting probe what the workers can reach.
 */
export const deliveryFailureCategories = {
  not_configured: 'no URL is configured',
  target_not_allowed: 'the target address is not allowed',
  unreachable: 'the receiver could not be reached',
  timeout: 'the receiver did not answer in time',
  rejected: 'the receiver did not accept it',
} as const;
export type DeliveryFailureCategory = keyof typeof deliveryFailureCategories;

/** A failed delivery: `message` is what users see ("delivery failed: …"), `detail` is for logs only. */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
  constructor(
    readonly category: DeliveryFailureCategory,
    readonly detail: string,
  ) {
    super(`delivery failed: ${deliveryFailureCategories[category]}`);
  }
}

/** POSTs to the vetted address only: the lookup hands the socket the address that was checked. */
function postTo(
  target: VettedTarget,
  headers: Record<string, string>,
  payload: string,
  timeoutMs: number,
): Promise<number> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve, reject) => {
    const request = send(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) },
        lookup: pinned,
        // A pooled socket could have been opened for another resolution; each delivery opens its own.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        // The body is not needed; draining it lets the socket close.
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * POSTs a JSON body signed per Standard Webhooks to a vetted target (https to a public address unless
 * allowlisted, checked after resolution). The webhook id is stable across retries of one message, so the
 * receiver can drop duplicates. Resolves on a 2xx answer; throws `WebhookDeliveryError` otherwise. Redirects
 * are not followed (a redirect could lead anywhere).
 *
 * @example
 * await postSignedWebhook({ url, secret, webhookId: `msg_${messageId}`, body: { type: 'case.reply', data }, allowlist });
 */
export async function postSignedWebhook(delivery: {
  url: string;
  secret: string;
  webhookId: string;
  body: unknown;
  allowlist: OutboundAllowlist;
  timeoutMs?: number;
  now?: Date;
  resolveAll?: ResolveAll;
}): Promise<void> {
  let target: VettedTarget;
  try {
    target = await vetTarget(delivery.url, delivery.allowlist, delivery.resolveAll);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new WebhookDeliveryError(
      error instanceof OutboundTargetRefused ? 'target_not_allowed' : 'unreachable',
      detail,
    );
  }
  const payload = JSON.stringify(delivery.body);
  const headers = signWebhook(
    delivery.secret,
    delivery.webhookId,
    Math.floor((delivery.now ?? new Date()).getTime() / 1000),
    payload,
  );
  let status: number;
  try {
    status = await postTo(
      target,
      { ...headers, 'content-type': 'application/json', 'user-agent': 'cxloop-webhooks' },
      payload,
      delivery.timeoutMs ?? 10_000,
    );
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const timedOut = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
    throw new WebhookDeliveryError(timedOut ? 'timeout' : 'unreachable', detail);
  }
  if (status < 200 || status >= 300) {
    throw new WebhookDeliveryError('rejected', `receiver answered HTTP ${status}`);
  }
}
