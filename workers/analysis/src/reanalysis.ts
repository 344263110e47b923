import { queueNames, ReanalyseTopicsJob } from '@cxloop/contracts';
import {
  analysesBehind,
  type Db,
  finishReanalysisRun,
  reanalysisRunActive,
  reviseAnalysisTopics,
  startReanalysisRun,
  unfinishedReanalyses,
} from '@cxloop/db';
import {
  enqueueTopicReanalysis,
  type Logger,
  type ReanalysisQueue,
  requestScoreRecompute,
  type ScoreQueue,
} from '@cxloop/runtime';
import { analyseFeedback } from '@cxloop/text';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { analyseOptionsFor } from './text-options.js';

/** Analyses re-analysed per transaction: small enough that a page never holds row locks for long. */
const PAGE_SIZE = 200;

export interface ReanalysisResult {
  moved: number;
  revised: number;
  /** True when a newer taxonomy version took over (or the run was already done). */
  stopped: boolean;
}

/**
 * The `reanalyse-topics` job: page through the organisation's analyses behind the version, re-detect their
 * topics with the organisation's current taxonomy, and store them with the rollup corrections (one transaction
 * per page, `reviseAnalysisTopics`). Stops when a newer version supersedes the run; requests one score recompute
 * when done. Live analysis runs on its own queue and is not slowed by more than this job's CPU.
 */
export function createReanalysisProcessor(deps: { db: Db; scoreQueue: ScoreQueue; pageSize?: number }) {
  const pageSize = deps.pageSize ?? PAGE_SIZE;
  return async (job: Job<ReanalyseTopicsJob>): Promise<ReanalysisResult> => {
    const parsed = ReanalyseTopicsJob.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`malformed reanalyse-topics job: ${parsed.error.message}`);
    const { orgId, taxonomyVersion } = parsed.data;
    const result: ReanalysisResult = { moved: 0, revised: 0, stopped: false };
    if (!(await startReanalysisRun(deps.db, orgId, taxonomyVersion))) return { ...result, stopped: true };
    for (;;) {
      if (!(await reanalysisRunActive(deps.db, orgId, taxonomyVersion))) return { ...result, stopped: true };
      const page = await analysesBehind(deps.db, orgId, taxonomyVersion, pageSize);
      if (page.length === 0) break;
      const { options } = await analyseOptionsFor(deps.db, orgId);
      const revisions = page.map((feedback) => ({
        feedbackId: feedback.feedbackId,
        receivedAt: feedback.receivedAt,
        topics: analyseFeedback(
          { text: feedback.text, nps: feedback.nps, csat: feedback.csat, ces: feedback.ces },
          options,
        ).topics,
      }));
      const stored = await reviseAnalysisTopics(deps.db, orgId, taxonomyVersion, revisions, new Date());
      result.moved += stored.moved;
      result.revised += stored.revised;
      await job.updateProgress({ moved: result.moved, revised: result.revised });
    }
    await finishReanalysisRun(deps.db, orgId, taxonomyVersion);
    if (result.revised > 0) await requestScoreRecompute(deps.scoreQueue, orgId);
    return result;
  };
}

async function reofferUnfinished(options: { db: Db; reanalysisQueue: ReanalysisQueue }) {
  for (const run of await unfinishedReanalyses(options.db)) {
    await enqueueTopicReanalysis(options.reanalysisQueue, run.org_id, run.taxonomy_version);
  }
}

/**
 * Starts consuming `reanalyse-topics`, one run at a time, and re-offers the runs left unfinished (a job lost with
 * Redis, a worker stopped half-way): each run's row is the record, the job only its wake-up call.
 */
export function startReanalysisWorker(options: {
  db: Db;
  scoreQueue: ScoreQueue;
  reanalysisQueue: ReanalysisQueue;
  connection: RedisOptions;
  prefix: string;
  logger: Logger;
}): Worker<ReanalyseTopicsJob, ReanalysisResult> {
  const worker = new Worker<ReanalyseTopicsJob, ReanalysisResult>(
    queueNames.reanalyseTopics,
    createReanalysisProcessor(options),
    { connection: options.connection, prefix: options.prefix, concurrency: 1 },
  );
  worker.on('completed', (job, result) =>
    options.logger.info({ jobId: job.id, ...result }, 'topic re-analysis finished'),
  );
  worker.on('failed', (job, error) =>
    options.logger.warn({ jobId: job?.id, err: error }, 'topic re-analysis failed'),
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'reanalysis worker error'));
  // In the background: a worker starting while Postgres or Redis is away still starts, and serves live analysis.
  void reofferUnfinished(options).catch((error: unknown) =>
    options.logger.warn(
      { err: error },
      'could not re-offer unfinished topic re-analyses; they wait for the next start',
    ),
  );
  return worker;
}
