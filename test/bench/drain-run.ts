import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { feedbackRowOf } from '@cxloop/api/store-events';
import { FeedbackEvent } from '@cxloop/contracts';
import { findSourceForDelivery, storeFeedbackBatch } from '@cxloop/db';
import {
  closeQueue,
  createAnalyzeQueue,
  enqueueAnalysis,
  receivedAtPoint,
  redisOptions,
} from '@cxloop/runtime';
import { redisUrl } from '../support/redis.js';
import { seededRandom } from './feedback-sample.js';
import { type BenchPipeline, withBenchPipeline } from './freshness-run.js';
import { ingestBenchEvent } from './ingest-events.js';
import { costPerEvent, pipelineCostDuring } from './pipeline-cost.js';

/** Rows stored per statement while the backlog is built. */
const BACKLOG_CHUNK = 1_000;

/**
 * What the analysis and aggregation stages cost per event at full batches, and how fast they drain a
 * backlog: `events` feedback rows (the freshness sender's mix: an NPS answer each, a customer reference on
 * about 40 %) are stored and enqueued for analysis as the API would, with the analyze queue paused, then
 * analysis resumes and the workers' and their PostgreSQL backends' CPU is measured until every row is
 * counted into the rollups. Built directly rather than through HTTP, so the backlog is as large as asked
 * whatever the machine's load, and per-time costs (recomputes, polling) weigh little per event. On a
 * shared machine the drain rate moves with the others' load, the CPU per event much less, which is why
 * changes are compared by it.
 */
export async function measureDrain(options: { events: number; profileDir?: string }) {
  return withBenchPipeline(options.profileDir, async (pipeline: BenchPipeline) => {
    const analyze = createAnalyzeQueue({ connection: redisOptions(redisUrl), prefix: pipeline.redisPrefix });
    try {
      const source = await findSourceForDelivery(pipeline.db, pipeline.sourceId);
      if (!source) throw new Error('bench source vanished');
      const random = seededRandom(11);
      await analyze.pause();
      for (let start = 0; start < options.events; start += BACKLOG_CHUNK) {
        const receivedAt = new Date();
        const rows = Array.from({ length: Math.min(BACKLOG_CHUNK, options.events - start) }, (_, i) => {
          const event = FeedbackEvent.parse({
            ...ingestBenchEvent(start + i),
            ...(random() < 0.4 ? { customerRef: `cust-${Math.floor(random() * 5_000)}` } : {}),
          });
          return feedbackRowOf(source, event, `backlog-${start + i}-${randomUUID()}`, new Map(), receivedAt);
        });
        const stored = await storeFeedbackBatch(pipeline.db, rows);
        await enqueueAnalysis(
          analyze,
          stored.map((row) => ({
            feedbackId: row.id,
            orgId: pipeline.orgId,
            receivedBetween: receivedAtPoint(row.receivedAt ?? receivedAt),
          })),
        );
      }
      const expected = pipeline.warmAccepted + options.events;
      const pids = Object.fromEntries(pipeline.processes.map((p) => [p.name, [p.child.pid!]]));
      const started = performance.now();
      const drain = await pipelineCostDuring(pipeline.db, pids, async () => {
        await analyze.resume();
        while ((await pipeline.countedFeedback()) < expected) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return (performance.now() - started) / 1000;
      });
      return {
        benchmark: 'drain',
        at: new Date().toISOString(),
        machine: pipeline.machine,
        events: options.events,
        drainSeconds: Number(drain.result.toFixed(1)),
        drainedPerSecond: Math.round(options.events / drain.result),
        cost: costPerEvent(drain.cost, options.events),
      };
    } finally {
      await closeQueue(analyze);
    }
  });
}
