import type { Db, Source } from '@cxloop/db';

/** A staff survey answer that arrived through a survey tool's webhook, before validation. */
export interface StaffAnswer {
  questionKey: string;
  value: number | string;
}

export interface StaffSurveyResponse {
  /** The vendor's response id: recording the same response twice changes nothing. */
  externalId: string;
  surveyId: string;
  answers: StaffAnswer[];
}

/**
 * Records the staff part of a survey response (Typeform answers a source maps to staff survey questions).
 * The staff surveys module provides it (`staffResponseRecorder` in src/surveys/responses.ts) through
 * AppDeps; it throws a Problem for answers it refuses, which becomes the delivery's answer.
 */
export type RecordStaffResponse = (
  db: Db,
  source: Source,
  response: StaffSurveyResponse,
) => Promise<{ id: string; created: boolean }>;
