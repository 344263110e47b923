import {
  type Db,
  flushResponseBuffer,
  recordStaffResponse,
  type StaffAnswerValue,
  type StaffResponseRefusal,
  type Survey,
} from '@cxloop/db';
import { requestScoreRecompute, type ScoreQueue, withTimeout } from '@cxloop/runtime';
import type { FastifyBaseLogger } from 'fastify';
import type { RecordStaffResponse } from '../ingest/staff-responses.js';
import { Problem, problems } from '../problems.js';

/** How long a respondent waits for Redis before the answer is confirmed anyway. */
const RECOMPUTE_TIMEOUT_MS = 2_000;

/**
 * New survey evidence: ask for the organisation's scores to be recomputed. The response is already
 * committed, so a Redis outage is logged rather than failing the respondent; the next evidence change of
 * the organisation triggers a recompute that reads this response too.
 */
export async function requestRecomputeAfterResponse(
  scoreQueue: ScoreQueue,
  orgId: string,
  log: FastifyBaseLogger,
): Promise<void> {
  try {
    await withTimeout(
      requestScoreRecompute(scoreQueue, orgId),
      RECOMPUTE_TIMEOUT_MS,
      'score recompute request',
    );
  } catch (error) {
    log.warn({ err: error, orgId }, 'staff response stored; score recompute not requested');
  }
}

/**
 * After an invited response was accepted (and committed with its claim): write a batch if enough answers
 * wait, in a transaction of its own so the response shares nothing with its claim, and ask for a recompute
 * when one was written. A failure here loses nothing: the answers stay buffered, and the next response or
 * the survey's close writes them.
 */
export async function afterInvitedResponse(
  deps: { db: Db; scoreQueue: ScoreQueue },
  survey: Survey,
  log: FastifyBaseLogger,
): Promise<void> {
  let written = 0;
  try {
    written = await flushResponseBuffer(deps.db, survey);
  } catch (error) {
    log.warn({ err: error, surveyId: survey.id }, 'staff response accepted; its batch is written later');
  }
  if (written > 0) await requestRecomputeAfterResponse(deps.scoreQueue, survey.org_id, log);
}

/**
 * The problem a response outcome other than recorded/duplicate is answered with. `closedStatus` is 410 for
 * an invitation link (the link is gone for good) and 409 where the caller addresses the survey itself.
 */
export function responseProblem(
  outcome: StaffResponseRefusal,
  what: 'Invitation' | 'Survey',
  closedStatus: 409 | 410,
): Problem {
  switch (outcome.outcome) {
    case 'invalid':
      return problems.invalidBody(outcome.problems);
    case 'not_found':
      return problems.notFound(what);
    case 'used':
      return new Problem(409, 'invitation_used', 'This invitation has already been answered');
    case 'not_open':
      return new Problem(409, 'survey_not_open', 'The survey is not open yet');
    case 'closed':
      return new Problem(closedStatus, 'survey_closed', 'The survey is closed');
  }
}

const wordAnswers: Record<string, StaffAnswerValue> = {
  dont_know: 'dont_know',
  fully: 'fully',
  partially: 'partially',
  not_yet: 'not_yet',
};

/** A survey tool's answer as cxloop stores it: 1–5, or a choice label such as "Don't know" or "Not yet". */
export function normaliseVendorAnswer(value: number | string): StaffAnswerValue | string | number {
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (/^[1-5]$/.test(trimmed)) return Number(trimmed);
  const word = trimmed
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[\s-]+/g, '_');
  return wordAnswers[word] ?? value;
}

/**
 * The `RecordStaffResponse` the ingest adapters call for answers a Typeform / SurveyMonkey source maps to
 * staff survey questions: stored like an invited response (origin = the source's adapter, idempotent on the
 * vendor's response id), then a score recompute is requested.
 */
export function staffResponseRecorder(deps: {
  scoreQueue: ScoreQueue;
  log: FastifyBaseLogger;
}): RecordStaffResponse {
  return async (db, source, response) => {
    const outcome = await recordStaffResponse(
      db,
      source.org_id,
      response.surveyId,
      response.answers.map((answer) => ({
        question: answer.questionKey,
        // Checked against the question's kind by recordStaffResponse, which answers 422 for anything else.
        answer: normaliseVendorAnswer(answer.value) as StaffAnswerValue,
      })),
      {},
      { name: source.adapter, externalId: response.externalId },
    );
    if (outcome.outcome === 'duplicate') return { id: outcome.responseId, created: false };
    if (outcome.outcome !== 'recorded') throw responseProblem(outcome, 'Survey', 409);
    await requestRecomputeAfterResponse(deps.scoreQueue, source.org_id, deps.log);
    return { id: outcome.responseId, created: true };
  };
}
