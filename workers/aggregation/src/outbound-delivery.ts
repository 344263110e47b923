import { OutboundJob, queueNames } from '@cxloop/contracts';
import { type Db, findOutboundDelivery, markOutboundDelivered, recordOutboundFailure } from '@cxloop/db';
import {
  type Logger,
  type OutboundAllowlist,
  postSignedWebhook,
  requestScoreRecompute,
  type ScoreQueue,
  type SecretBox,
  WebhookDeliveryError,
} from '@cxloop/runtime';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';

export interface OutboundDeliveryDeps {
  db: Db;
  secretBox: SecretBox;
  scoreQueue: ScoreQueue;
  timeoutMs: number;
  /** Hosts and ranges the operator allows beyond https to public addresses (OUTBOUND_ALLOWED_HOSTS). */
  allowlist: OutboundAllowlist;
  logger?: Logger;
  now?: () => Date;
}

export type OutboundResult = { messageId: string; status: 'delivered' | 'dead' | 'pending' };

/**
 * The `outbound` job: sign the stored message per Standard Webhooks and POST it to where its kind goes (a
 * reply or an action update to its source's reply URL, an escalation to the organisation's escalation URL). Every failed attempt
 * is recorded on the message; the last allowed one marks it dead in the same step, so the dead-letter state
 * is in Postgres (and on the case) the moment BullMQ gives up. A delivered reply counts as the case's
 * response and asks for a score recompute.
 */
export function createOutboundProcessor(deps: OutboundDeliveryDeps) {
  const now = deps.now ?? (() => new Date());
  return async (job: Job<OutboundJob>): Promise<OutboundResult> => {
    const payload = OutboundJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid outbound payload: ${payload.error.message}`);
    const { messageId, orgId } = payload.data;
    const delivery = await findOutboundDelivery(deps.db, orgId, messageId);
    if (!delivery)
      throw new UnrecoverableError(`outbound message ${messageId} not found in organisation ${orgId}`);
    const { message, target } = delivery;
    if (message.status !== 'pending') return { messageId, status: message.status };

    try {
      // A missing target is retried too: an admin may configure it before the attempts run out.
      if (!target) throw new WebhookDeliveryError('not_configured', `no ${message.kind} URL`);
      await postSignedWebhook({
        url: target.url,
        allowlist: deps.allowlist,
        secret: deps.secretBox.open(target.secretCiphertext),
        webhookId: `msg_${messageId}`,
        body: {
          // Receivers tell a case's reply from an improvement action's notice by the event type.
          type: message.kind === 'action_update' ? 'action.update' : `case.${message.kind}`,
          timestamp: message.created_at.toISOString(),
          data: message.payload,
        },
        timeoutMs: deps.timeoutMs,
        now: now(),
      });
    } catch (error) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // Users see the category only; the network detail would map what the workers can reach.
      deps.logger?.warn(
        {
          messageId,
          orgId,
          err: error,
          detail: error instanceof WebhookDeliveryError ? error.detail : undefined,
        },
        'outbound delivery attempt failed',
      );
      await recordOutboundFailure(deps.db, orgId, messageId, {
        error: error instanceof WebhookDeliveryError ? error.message : 'delivery failed',
        final,
        now: now(),
      });
      throw error;
    }
    await markOutboundDelivered(deps.db, orgId, messageId, now());
    // A delivered reply is response-team evidence, a delivered action update closed-loop evidence (D5.1.5).
    if (message.kind !== 'escalation') await requestScoreRecompute(deps.scoreQueue, orgId);
    return { messageId, status: 'delivered' };
  };
}

export interface OutboundWorkerOptions extends OutboundDeliveryDeps {
  connection: RedisOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
}

export function startOutboundWorker(options: OutboundWorkerOptions): Worker<OutboundJob, OutboundResult> {
  const worker = new Worker<OutboundJob, OutboundResult>(
    queueNames.outbound,
    createOutboundProcessor(options),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
    },
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'outbound worker error'));
  return worker;
}
