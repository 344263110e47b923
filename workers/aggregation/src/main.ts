import { createDb } from '@cxloop/db';
import {
  closeQueue,
  createAggregateQueue,
  createAnalyzeQueue,
  createJobMetrics,
  createLogger,
  createMetricsRegistry,
  createScoreQueue,
  observeJobDurations,
  redisOptions,
  serveMetrics,
} from '@cxloop/runtime';
import { Redis } from 'ioredis';
import { loadAggregationWorkerConfig } from './config.js';
import { refreshOutcomeAnalyses } from './outcome-analysis.js';
import { refreshStaleScores } from './score-refresh.js';
import { sweepUnfinishedFeedback } from './sweeper.js';
import { loadTriageWorkerConfig } from './triage-config.js';
import { startTriageWork } from './triage-work.js';
import { startAggregationWorkers } from './workers.js';

// The sweeper and the score refresh run on a timer in this process, not as repeatable BullMQ jobs: a Redis
// flush would erase a repeatable job together with the work it exists to recover.
const config = loadAggregationWorkerConfig();
const logger = createLogger('aggregation-worker', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, {
  // Rollup batches commit one at a time; the rest serves recomputes, the sweepers and outbound deliveries.
  maxConnections: config.SCORE_CONCURRENCY + 10,
  applicationName: 'cxloop-aggregation',
});
const analyzeQueue = createAnalyzeQueue({
  connection: redisOptions(config.REDIS_URL),
  prefix: config.REDIS_PREFIX,
});
analyzeQueue.on('error', (error) => logger.warn({ err: error }, 'analyze queue connection error'));
const aggregateQueue = createAggregateQueue({
  connection: redisOptions(config.REDIS_URL),
  prefix: config.REDIS_PREFIX,
});
aggregateQueue.on('error', (error) => logger.warn({ err: error }, 'aggregate queue connection error'));
const scoreQueue = createScoreQueue({
  connection: redisOptions(config.REDIS_URL),
  prefix: config.REDIS_PREFIX,
});
scoreQueue.on('error', (error) => logger.warn({ err: error }, 'score queue connection error'));
const publisher = new Redis(redisOptions(config.REDIS_URL));
publisher.on('error', (error) => logger.warn({ err: error }, 'score publisher connection error'));
const workers = startAggregationWorkers({
  db,
  scoreQueue,
  redis: publisher,
  connection: redisOptions(config.REDIS_URL),
  prefix: config.REDIS_PREFIX,
  aggregateConcurrency: config.AGGREGATE_CONCURRENCY,
  scoreConcurrency: config.SCORE_CONCURRENCY,
  scoreCooldownMs: config.SCORE_COOLDOWN_MS,
  logger,
});

// Outbound replies and escalations, and the SLA sweep (same timer-and-advisory-lock pattern as the sweeper).
const triage = startTriageWork({ db, logger, config: loadTriageWorkerConfig() });

const registry = createMetricsRegistry('aggregation-worker');
const jobMetrics = createJobMetrics(registry);
observeJobDurations(workers.aggregate, jobMetrics);
observeJobDurations(workers.score, jobMetrics);
const metricsServer =
  config.METRICS_PORT > 0
    ? serveMetrics(registry, config.METRICS_PORT, (error) =>
        logger.warn({ err: error }, 'metrics endpoint unavailable'),
      )
    : undefined;

/** How many organisations one refresh requests at most; the oldest scores go first. */
const SCORE_REFRESH_BATCH = 500;
/** How many organisations' loyalty & value models one pass refits at most (seconds each at 100 k customers). */
const OUTCOME_ANALYSIS_BATCH = 20;

let sweeping: Promise<unknown> = Promise.resolve();
function sweep() {
  sweeping = sweepUnfinishedFeedback(
    { db, analyzeQueue, aggregateQueue },
    { graceSeconds: config.SWEEP_GRACE_SECONDS, pageSize: config.SWEEP_PAGE_SIZE },
  )
    .then(
      (outcome) => {
        if (outcome.ran && outcome.analysis + outcome.aggregation > 0) {
          logger.info(outcome, 'sweeper re-enqueued unfinished feedback');
        }
      },
      (error: unknown) => logger.error({ err: error }, 'sweep failed'),
    )
    .then(() =>
      refreshStaleScores(
        { db, scoreQueue },
        { now: new Date(), maxAgeSeconds: config.SCORE_MAX_AGE_SECONDS, batchSize: SCORE_REFRESH_BATCH },
      ),
    )
    .then(
      (outcome) => {
        if (outcome.ran && outcome.requested > 0)
          logger.info(outcome, 'recomputes requested for stale scores');
      },
      (error: unknown) => logger.error({ err: error }, 'score refresh failed'),
    )
    .then(() =>
      refreshOutcomeAnalyses({ db, scoreQueue }, { now: new Date(), batchSize: OUTCOME_ANALYSIS_BATCH }),
    )
    .then(
      (outcome) => {
        if (outcome.ran && outcome.analysed > 0) logger.info(outcome, 'loyalty & value analyses refitted');
      },
      (error: unknown) => logger.error({ err: error }, 'outcome analysis failed'),
    );
}
const timer = setInterval(() => void sweeping.then(sweep), config.SWEEP_INTERVAL_SECONDS * 1000);
sweep();
logger.info({ intervalSeconds: config.SWEEP_INTERVAL_SECONDS }, 'aggregation worker started');

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  clearInterval(timer);
  await sweeping;
  await triage.close();
  await workers.close();
  metricsServer?.close();
  publisher.disconnect();
  await Promise.all([scoreQueue, analyzeQueue, aggregateQueue].map((queue) => closeQueue(queue)));
  await db.destroy();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
