import type { Db } from '@cxloop/db';
import {
  closeQueue,
  createOutboundQueue,
  createScoreQueue,
  type Logger,
  redisOptions,
  SecretBox,
} from '@cxloop/runtime';
import { startOutboundWorker } from './outbound-delivery.js';
import { sweepSlaBreaches } from './sla-sweep.js';
import type { TriageWorkerConfig } from './triage-config.js';

/**
 * Starts the triage work of the aggregation process: the outbound delivery worker (replies, escalation
 * notices) and the SLA sweep on a timer. `close()` stops the timer, waits for a running sweep and closes
 * the worker and queues.
 */
export function startTriageWork(deps: { db: Db; logger: Logger; config: TriageWorkerConfig }) {
  const { db, logger, config } = deps;
  const queueSettings = { connection: redisOptions(config.REDIS_URL), prefix: config.REDIS_PREFIX };
  const outboundQueue = createOutboundQueue(queueSettings);
  const scoreQueue = createScoreQueue(queueSettings);
  for (const queue of [outboundQueue, scoreQueue]) {
    queue.on('error', (error) => logger.warn({ err: error, queue: queue.name }, 'queue connection error'));
  }
  const worker = startOutboundWorker({
    db,
    secretBox: new SecretBox(config.CXLOOP_SECRET_KEY),
    scoreQueue,
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
    allowlist: config.OUTBOUND_ALLOWED_HOSTS,
    ...queueSettings,
    concurrency: config.OUTBOUND_CONCURRENCY,
    logger,
  });

  let sweeping: Promise<unknown> = Promise.resolve();
  function sweep() {
    sweeping = sweepSlaBreaches(
      { db, outboundQueue, scoreQueue },
      { now: new Date(), batchSize: 500, outboundGraceSeconds: config.OUTBOUND_GRACE_SECONDS },
    ).then(
      (outcome) => {
        if (outcome.ran && (outcome.escalated > 0 || outcome.outboundRequeued > 0)) {
          logger.info(outcome, 'SLA sweep escalated cases');
        }
      },
      (error: unknown) => logger.error({ err: error }, 'SLA sweep failed'),
    );
  }
  const timer = setInterval(() => void sweeping.then(sweep), config.SLA_SWEEP_INTERVAL_SECONDS * 1000);
  sweep();

  return {
    async close() {
      clearInterval(timer);
      await sweeping;
      await worker.close();
      await Promise.all([closeQueue(outboundQueue), closeQueue(scoreQueue)]);
    },
  };
}
