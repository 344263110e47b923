import { performance } from 'node:perf_hooks';
import { closeQueue, createAnalyzeQueue, redisOptions } from '@cxloop/runtime';
import { redisUrl } from '../support/redis.js';
import { type BenchPipeline, withBenchPipeline } from './freshness-run.js';
import { costPerEvent, pipelineCostDuring } from './pipeline-cost.js';

/**
 * What each stage costs per event when it works at full batches, and how fast the workers drain a backlog:
 * the API accepts `rate` events/s for `seconds` while analysis is paused (its queue paused in Redis, so the
 * API's cost is measured alone), then analysis resumes and the workers' cost is measured until every event
 * is counted into the rollups. On a shared machine the drain rate moves with the others' load; the CPU per
 * event much less, which is why changes are compared by it.
 */
export async function measureDrain(options: { rate: number; seconds: number; profileDir?: string }) {
  return withBenchPipeline(options.profileDir, async (pipeline: BenchPipeline) => {
    const analyze = createAnalyzeQueue({
      connection: redisOptions(redisUrl),
      prefix: pipeline.redisPrefix,
    });
    try {
      const pids = Object.fromEntries(pipeline.processes.map((p) => [p.name, [p.child.pid!]]));
      await analyze.pause();
      const ingest = await pipelineCostDuring(pipeline.db, pids, () =>
        pipeline.load(options.rate, options.seconds, 'backlog'),
      );
      const accepted = ingest.result.events.filter((event) => event.status === 202).length;
      const expected = pipeline.warmAccepted + accepted;
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
        accepted,
        ingest: costPerEvent(ingest.cost, accepted),
        drainSeconds: Number(drain.result.toFixed(1)),
        drainedPerSecond: Math.round(accepted / drain.result),
        drain: costPerEvent(drain.cost, accepted),
      };
    } finally {
      await closeQueue(analyze);
    }
  });
}
