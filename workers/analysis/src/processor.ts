import { AnalyzeJob } from '@cxloop/contracts';
import { type Db, findFeedbackForAnalysis, openCaseForAnalysis, saveFeedbackAnalysis } from '@cxloop/db';
import { type AggregateQueue, enqueueAggregation } from '@cxloop/runtime';
import { analyseFeedback } from '@cxloop/text';
import { type Job, UnrecoverableError } from 'bullmq';

export interface AnalyzeResult {
  feedbackId: string;
  skipped: boolean;
  severity?: string;
  /** Seconds from accepting the feedback to storing its analysis (absent when skipped). */
  lagSeconds?: number;
}

/**
 * The `analyze` job: load the committed feedback, analyse its text, store the analysis and mark the row
 * analysed. Input that can never succeed (bad payload, row gone) fails without retries; anything else
 * (database blip) throws and is retried with backoff.
 *
 * @example
 * new Worker(queueNames.analyze, createAnalyzeProcessor({ db, aggregateQueue }), { connection, prefix });
 */
export function createAnalyzeProcessor(deps: { db: Db; aggregateQueue: AggregateQueue }) {
  return async (job: Job<AnalyzeJob>): Promise<AnalyzeResult> => {
    const payload = AnalyzeJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid analyze payload: ${payload.error.message}`);
    const { feedbackId, orgId } = payload.data;
    const feedback = await findFeedbackForAnalysis(deps.db, orgId, feedbackId);
    if (!feedback) throw new UnrecoverableError(`feedback ${feedbackId} not found in organisation ${orgId}`);
    // A retry after the analysis committed but before the rollup job was enqueued must still enqueue it;
    // the job id (feedback id) and the rollup marker make the repeat harmless.
    if (feedback.status === 'analysed') {
      await enqueueAggregation(deps.aggregateQueue, [{ feedbackId, orgId }]);
      return { feedbackId, skipped: true };
    }

    const analysis = analyseFeedback({
      text: feedback.text,
      nps: feedback.nps,
      csat: feedback.csat,
      ces: feedback.ces,
    });
    // Flagged feedback opens its triage case in the transaction that stores the analysis: exactly once.
    // The rollup job enqueued below requests the score recompute that counts the new case.
    const openCase = (trx: Db) =>
      openCaseForAnalysis(
        trx,
        {
          orgId,
          feedbackId,
          severity: analysis.severity,
          urgency: analysis.urgency,
          flagCodes: analysis.flags.map((flag) => flag.code),
          topics: analysis.topics.map((topic) => topic.id),
        },
        new Date(),
      );
    await saveFeedbackAnalysis(
      deps.db,
      {
        feedback_id: feedbackId,
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
      },
      openCase,
    );
    await enqueueAggregation(deps.aggregateQueue, [{ feedbackId, orgId }]);
    return {
      feedbackId,
      skipped: false,
      severity: analysis.severity,
      lagSeconds: (Date.now() - feedback.received_at.getTime()) / 1000,
    };
  };
}
