import { createServer, type Server } from 'node:http';
import type { Worker } from 'bullmq';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process, labelled with the process name so API and worker series can be told
 * apart when they share a scrape job. Node's default metrics (CPU, memory, event loop lag) come with it.
 */
export function createMetricsRegistry(processName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Job outcomes and durations per queue: what a worker process reports about its work. */
export function createJobMetrics(registry: Registry) {
  return {
    jobDuration: new Histogram({
      name: 'cxloop_job_duration_seconds',
      help: 'Time a worker spent on one job, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    analysisLag: new Histogram({
      name: 'cxloop_analysis_lag_seconds',
      help: 'Time from accepting feedback to storing its analysis',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
      registers: [registry],
    }),
  };
}
export type JobMetrics = ReturnType<typeof createJobMetrics>;

/** Records each finished job's processing time on `jobDuration`, labelled with the worker's queue. */
export function observeJobDurations(worker: Worker, metrics: JobMetrics): void {
  const observe = (
    outcome: 'completed' | 'failed',
    job: { processedOn?: number; finishedOn?: number } | undefined,
  ) => {
    if (job?.processedOn && job.finishedOn) {
      metrics.jobDuration.observe({ queue: worker.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
    }
  };
  worker.on('completed', (job) => observe('completed', job));
  worker.on('failed', (job) => observe('failed', job));
}

/**
 * Serves `GET /metrics` for a worker process, which has no HTTP server of its own. Binds to loopback by
 * default: metrics are for the scraper beside the process, not the internet. A port already taken (a
 * second replica on the same host) is reported to `onError` and the worker carries on without metrics.
 */
export function serveMetrics(
  registry: Registry,
  port: number,
  onError: (error: Error) => void,
  host = '127.0.0.1',
): Server {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  server.on('error', onError);
  server.listen(port, host);
  return server;
}
