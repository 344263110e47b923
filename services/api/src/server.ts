import { setTimeout as sleep } from 'node:timers/promises';
import { createDb } from '@cxloop/db';
import {
  closeQueue,
  createAnalyzeQueue,
  createLogger,
  createMetricsRegistry,
  createOutboundQueue,
  createReanalysisQueue,
  createScoreQueue,
  redisOptions,
  SecretBox,
} from '@cxloop/runtime';
import { Redis } from 'ioredis';
import { buildApp } from './app.js';
import { loadApiConfig, metricsAccess, publicBaseUrl } from './config.js';

// The API process: parse config, open pools, listen; on SIGTERM fail readiness for SHUTDOWN_DRAIN_SECONDS
// while still serving, then stop accepting, finish what is in flight, close pools.
const config = loadApiConfig();
const logger = createLogger('api', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { applicationName: 'cxloop-api' });
// Producer connection fails fast while Redis is away, so a webhook is answered from Postgres alone.
const analyzeQueue = createAnalyzeQueue({
  connection: { ...redisOptions(config.REDIS_URL), enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  prefix: config.REDIS_PREFIX,
});
analyzeQueue.on('error', (error) => logger.warn({ err: error }, 'analyze queue connection error'));
const scoreQueue = createScoreQueue({
  connection: { ...redisOptions(config.REDIS_URL), enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  prefix: config.REDIS_PREFIX,
});
scoreQueue.on('error', (error) => logger.warn({ err: error }, 'score queue connection error'));
const outboundQueue = createOutboundQueue({
  connection: { ...redisOptions(config.REDIS_URL), enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  prefix: config.REDIS_PREFIX,
});
outboundQueue.on('error', (error) => logger.warn({ err: error }, 'outbound queue connection error'));
const reanalysisQueue = createReanalysisQueue({
  connection: { ...redisOptions(config.REDIS_URL), enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  prefix: config.REDIS_PREFIX,
});
reanalysisQueue.on('error', (error) => logger.warn({ err: error }, 'reanalysis queue connection error'));
// Rate-limit counters: fail fast too, so a Redis outage admits deliveries instead of stalling them.
const redis = new Redis({
  ...redisOptions(config.REDIS_URL),
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
});
redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));

const app = await buildApp({
  db,
  analyzeQueue,
  scoreQueue,
  outboundQueue,
  reanalysisQueue,
  secretBox: new SecretBox(config.CXLOOP_SECRET_KEY),
  logger,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  webhookToleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
  redis,
  redisPrefix: config.REDIS_PREFIX,
  apiKeyRateLimitPerMinute: config.API_KEY_RATE_LIMIT_PER_MINUTE,
  unsignedDeliveriesPerMinute: config.WEBHOOK_UNSIGNED_LIMIT_PER_MINUTE,
  publicBaseUrl: publicBaseUrl(config),
  metrics: createMetricsRegistry('api'),
  ...metricsAccess(config),
  operatorToken: config.OPERATOR_TOKEN,
  trustProxy: config.TRUST_PROXY,
  authFailureLimitPerMinute: config.AUTH_FAILURE_LIMIT_PER_MINUTE,
  outboundAllowlist: config.OUTBOUND_ALLOWED_HOSTS,
  isDraining: () => shuttingDown,
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal, drainSeconds: config.SHUTDOWN_DRAIN_SECONDS }, 'shutting down');
  try {
    // Closing at once would answer requests a load balancer still routes here with 503 (Fastify refuses
    // new requests on kept-alive connections while closing); failing readiness first lets it stop first.
    await sleep(config.SHUTDOWN_DRAIN_SECONDS * 1000);
    await app.close();
    await Promise.all(
      [analyzeQueue, scoreQueue, outboundQueue, reanalysisQueue].map((queue) => closeQueue(queue)),
    );
    redis.disconnect();
    await db.destroy();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: config.HOST, port: config.PORT });
