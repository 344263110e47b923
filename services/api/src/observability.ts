import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import { bearerTokenOf, sameSecret } from './auth/operator.js';
import { problems } from './problems.js';
import { ProblemResponse } from './routes/schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request ended in a problem response: the stable code, for metrics and logs. */
    problemCode?: string;
  }
}

export interface ObservabilityOptions {
  registry: Registry;
  /** Queues whose depth is reported on each scrape. */
  queues: readonly Queue[];
  /** When set, `/metrics` requires `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  /** Without a token: whether anyone may read `/metrics` (local development, METRICS_PUBLIC) or nobody. */
  metricsPublic?: boolean | undefined;
  /**
   * Whether a webhook's source id names a source that exists. Only those become `source` label values;
   * any other id a caller makes up is counted under `unknown`, so callers cannot grow the label set.
   */
  isKnownSource: (sourceId: string) => Promise<boolean>;
}

const UNKNOWN_SOURCE = 'unknown';
const SOURCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** The `source` label of a delivery: the source's id if it exists, else one shared value. */
async function sourceLabel(sourceId: string, isKnownSource: ObservabilityOptions['isKnownSource']) {
  if (!SOURCE_ID.test(sourceId)) return UNKNOWN_SOURCE;
  const known = await isKnownSource(sourceId).catch(() => false);
  return known ? sourceId.toLowerCase() : UNKNOWN_SOURCE;
}

/**
 * One log line per request (method, route, status, duration, request id — never bodies or headers) and the
 * API's Prometheus metrics: request latency by route, ingest outcomes by source and reason, queue depth.
 */
export const observability = fp(async (app: FastifyInstance, options: ObservabilityOptions) => {
  const { registry } = options;
  const requestDuration = new Histogram({
    name: 'cxloop_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const ingestRequests = new Counter({
    name: 'cxloop_ingest_requests_total',
    help: 'Webhook deliveries by source and outcome (accepted, or the problem code of a rejection)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'cxloop_queue_jobs',
    help: 'Jobs per queue and state, read from Redis at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const queue of options.queues) {
        const counts = await queue.getJobCounts(...JOB_STATES).catch(() => undefined);
        for (const state of JOB_STATES) {
          if (counts) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      }
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    const sourceId = (request.params as { sourceId?: unknown } | undefined)?.sourceId;
    if (
      request.method === 'POST' &&
      typeof sourceId === 'string' &&
      route === '/v1/sources/:sourceId/events'
    ) {
      const outcome = reply.statusCode < 300 ? 'accepted' : (request.problemCode ?? String(reply.statusCode));
      ingestRequests.inc({ source: await sourceLabel(sourceId, options.isKnownSource), outcome });
    }
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.problemCode ? { problem: request.problemCode } : {}),
      },
      'request',
    );
  });

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics of this API process',
        tags: ['operations'],
        response: { 200: z.string(), 401: ProblemResponse },
      },
    },
    async (request, reply) => {
      if (options.metricsToken) {
        const offered = bearerTokenOf(request.headers.authorization);
        if (!offered || !sameSecret(offered, options.metricsToken)) {
          throw problems.unauthenticated('send the metrics token as "Authorization: Bearer …"');
        }
      } else if (!options.metricsPublic) {
        throw problems.unauthenticated(
          'metrics need a token here: the operator sets METRICS_TOKEN (or METRICS_PUBLIC=true on a private network)',
        );
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
});
