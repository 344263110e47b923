import type { FeedbackBatchJob, FeedbackRef } from '@cxloop/contracts';
import {
  caseSeverityFor,
  type Db,
  findFeedbackForAnalysis,
  loadCaseOpeningRules,
  type NewFeedbackAnalysis,
  openCasesForAnalyses,
  type ReceivedRange,
  saveFeedbackAnalyses,
} from '@cxloop/db';
import {
  type AggregateQueue,
  enqueueAggregation,
  type FeedbackBatchOutcome,
  feedbackBatchOf,
  GroupCommit,
  perOrganisation,
  processFeedbackBatch,
  receivedAtPoint,
} from '@cxloop/runtime';
import { analyseFeedback, type TextAnalysis } from '@cxloop/text';
import { type Job, UnrecoverableError } from 'bullmq';
import { analyseOptionsFor } from './text-options.js';

/** The outcome of one feedback of an `analyze` job. */
export interface FeedbackAnalysed {
  feedbackId: string;
  skipped: boolean;
  severity?: string;
  /** Seconds from accepting the feedback to storing its analysis (absent when skipped). */
  lagSeconds?: number;
}

/** Feedback whose writes share one transaction at most. */
const MAX_BATCH = 256;
/**
 * Batches in progress at once. Two, so the analyser's CPU work on one batch overlaps the other's database
 * and Redis round trips; with one, the process sat idle through every round trip of its batch (the
 * freshness benchmark's CPU profile of the analysis worker was ~89 % idle while its backlog grew).
 */
const BATCHES_IN_FLIGHT = 2;

interface Analysed {
  row: NewFeedbackAnalysis;
  analysis: TextAnalysis;
}

function storedAnalysis(
  orgId: string,
  feedback: { id: string; received_at: Date },
  analysis: TextAnalysis,
  taxonomyVersion: number,
): NewFeedbackAnalysis {
  return {
    feedback_id: feedback.id,
    taxonomy_version: taxonomyVersion,
    feedback_received_at: feedback.received_at,
    org_id: orgId,
    analyser_version: analysis.analyserVersion,
    language: analysis.language.code,
    sentiment_score: analysis.sentiment.score,
    sentiment_label: analysis.sentiment.label,
    severity: analysis.severity,
    urgency: analysis.urgency,
    redacted_text: analysis.pii.redactedText,
    details: JSON.stringify({
      language: analysis.language,
      sentences: analysis.sentences,
      topics: analysis.topics,
      keywords: analysis.keywords,
      flags: analysis.flags,
      effort: analysis.effort,
      piiSpans: analysis.pii.spans,
    }),
  };
}

/**
 * Analyses one organisation's jobs and stores the results in one transaction. Input that can never succeed
 * (row gone) fails that job alone, without retries; a database error fails the batch, whose jobs are then
 * retried one by one (GroupCommit) and by BullMQ with backoff.
 */
async function analyseOrganisationBatch(
  deps: { db: Db; aggregateQueue: AggregateQueue },
  orgId: string,
  feedbackIds: readonly string[],
  received: ReceivedRange | undefined,
): Promise<PromiseSettledResult<FeedbackAnalysed>[]> {
  // The reads a batch needs go out together, each on its own pooled connection: one round trip's wait
  // instead of four.
  const [found, { version, options }, caseRules] = await Promise.all([
    findFeedbackForAnalysis(deps.db, orgId, feedbackIds, received),
    analyseOptionsFor(deps.db, orgId),
    loadCaseOpeningRules(deps.db, orgId),
  ]);
  const rows = new Map(found.map((row) => [row.id, row]));
  const analysed = new Map<string, Analysed>();
  for (const feedback of rows.values()) {
    if (feedback.status === 'analysed') continue;
    const analysis = analyseFeedback(
      { text: feedback.text, nps: feedback.nps, csat: feedback.csat, ces: feedback.ces },
      options,
    );
    analysed.set(feedback.id, {
      row: storedAnalysis(orgId, feedback, analysis, version),
      analysis,
    });
  }
  const toSave = [...analysed.values()];
  const opensCases = toSave.some(({ analysis }) =>
    caseSeverityFor(
      caseRules.settings,
      analysis.severity,
      analysis.flags.map((flag) => flag.code),
    ),
  );
  const openedAt = new Date();
  // Flagged feedback opens its triage case in the transaction that stores the analysis: exactly once. A
  // batch that opens none is stored by one statement, without a transaction around it.
  // The rollup jobs enqueued below request the score recompute that counts the new cases.
  await saveFeedbackAnalyses(
    deps.db,
    orgId,
    toSave.map((entry) => entry.row),
    opensCases
      ? (trx, saved) =>
          openCasesForAnalyses(
            trx,
            orgId,
            saved.map((row) => {
              const { analysis } = analysed.get(row.feedback_id)!;
              return {
                orgId,
                feedbackId: row.feedback_id,
                severity: analysis.severity,
                urgency: analysis.urgency,
                flagCodes: analysis.flags.map((flag) => flag.code),
                topics: analysis.topics.map((topic) => topic.id),
              };
            }),
            openedAt,
            { feedback: rows, rules: caseRules },
          )
      : undefined,
  );
  // Already analysed rows are enqueued again too: a retry after the analysis committed but before its
  // rollup job was enqueued must still enqueue it; the job id and the rollup marker make repeats harmless.
  await enqueueAggregation(
    deps.aggregateQueue,
    feedbackIds
      .filter((id) => rows.has(id))
      .map((feedbackId) => ({
        feedbackId,
        orgId,
        receivedBetween: receivedAtPoint(rows.get(feedbackId)!.received_at),
      })),
  );
  const storedAt = Date.now();
  return feedbackIds.map((feedbackId): PromiseSettledResult<FeedbackAnalysed> => {
    if (!rows.has(feedbackId)) {
      return {
        status: 'rejected',
        reason: new UnrecoverableError(`feedback ${feedbackId} not found in organisation ${orgId}`),
      };
    }
    const entry = analysed.get(feedbackId);
    if (!entry) return { status: 'fulfilled', value: { feedbackId, skipped: true } };
    return {
      status: 'fulfilled',
      value: {
        feedbackId,
        skipped: false,
        severity: entry.analysis.severity,
        lagSeconds: (storedAt - rows.get(feedbackId)!.received_at.getTime()) / 1000,
      },
    };
  });
}

export type AnalyzeResult = FeedbackBatchOutcome<FeedbackAnalysed>;

/**
 * The `analyze` job: load a batch of committed feedback, analyse each text, store the analyses and mark the
 * rows analysed, then enqueue their rollup jobs. The jobs the worker runs at once share their database work
 * (GroupCommit): one read and one transaction per organisation per batch instead of per job.
 *
 * @example
 * new Worker(queueNames.analyze, createAnalyzeProcessor({ db, aggregateQueue }), { connection, prefix, concurrency: 256 });
 */
export function createAnalyzeProcessor(deps: { db: Db; aggregateQueue: AggregateQueue }) {
  const batches = new GroupCommit<FeedbackRef, FeedbackAnalysed>({
    maxBatch: MAX_BATCH,
    maxInFlight: BATCHES_IN_FLIGHT,
    commit: (refs) =>
      perOrganisation(refs, (orgId, ids, received) => analyseOrganisationBatch(deps, orgId, ids, received)),
  });
  return (job: Job<FeedbackBatchJob>): Promise<AnalyzeResult> =>
    processFeedbackBatch(feedbackBatchOf(job.data, 'analyze'), (ref) => batches.submit(ref));
}
