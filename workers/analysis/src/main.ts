import { createDb } from '@cxloop/db';
import {
  closeQueue,
  createAggregateQueue,
  createJobMetrics,
  createLogger,
  createMetricsRegistry,
  createReanalysisQueue,
  createScoreQueue,
  observeJobDurations,
  redisOptions,
  serveMetrics,
} from '@cxloop/runtime';
import { loadAnalysisWorkerConfig } from './config.js';
import { startReanalysisWorker } from './reanalysis.js';
import { startAnalysisWorker } from './worker.js';

const config = loadAnalysisWorkerConfig();
const logger = createLogger('analysis-worker', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, {
  // Two batches in flight, each reading on three connections at once (processor.ts), plus the failure
  // marking of jobs that ran out of attempts.
  maxConnections: 7,
  applicationName: 'cxloop-analysis',
});
const aggregateQueue = createAggregateQueue({
  connection: redisOptions(config.REDIS_URL),
  prefix: config.REDIS_PREFIX,
});
aggregateQueue.on('error', (error) => logger.warn({ err: error }, 'aggregate queue connection error'));
const queueSettings = { connection: redisOptions(config.REDIS_URL), prefix: config.REDIS_PREFIX };
const scoreQueue = createScoreQueue(queueSettings);
const reanalysisQueue = createReanalysisQueue(queueSettings);
// History re-analysis after a taxonomy change: its own queue and one run at a time, beside live analysis.
const reanalysisWorker = startReanalysisWorker({
  db,
  scoreQueue,
  reanalysisQueue,
  ...queueSettings,
  logger,
});

const worker = startAnalysisWorker({
  db,
  aggregateQueue,
  connection: redisOptions(config.REDIS_URL),
  prefix: config.REDIS_PREFIX,
  concurrency: config.ANALYSIS_CONCURRENCY,
  logger,
});
const registry = createMetricsRegistry('analysis-worker');
const jobMetrics = createJobMetrics(registry);
observeJobDurations(worker, jobMetrics);
worker.on('completed', (_job, result) => {
  for (const { lagSeconds } of result.done) {
    if (lagSeconds !== undefined) jobMetrics.analysisLag.observe(lagSeconds);
  }
});
const metricsServer =
  config.METRICS_PORT > 0
    ? serveMetrics(registry, config.METRICS_PORT, (error) =>
        logger.warn({ err: error }, 'metrics endpoint unavailable'),
      )
    : undefined;
logger.info(
  { concurrency: config.ANALYSIS_CONCURRENCY, metricsPort: config.METRICS_PORT },
  'analysis worker started',
);

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down: finishing active jobs');
  await worker.close();
  await reanalysisWorker.close();
  await closeQueue(scoreQueue);
  await closeQueue(reanalysisQueue);
  metricsServer?.close();
  await closeQueue(aggregateQueue);
  await db.destroy();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
