import { z } from 'zod';

/**
 * A Qualtrics event subscription's POST (api.qualtrics.com, "Event subscriptions"): form-encoded, the event's
 * `Topic`, its message `MSG` (a JSON string) and, when the subscription has a shared key, `HMAC`.
 */
export const QualtricsEventForm = z.looseObject({
  Topic: z.string().min(1),
  MSG: z.string().min(1),
  HMAC: z.string().optional(),
});

/** The message of a `surveyengine.completedResponse.{SurveyID}` event: it names the response only. */
export const QualtricsCompletedResponse = z.looseObject({
  Status: z.string().optional(),
  SurveyID: z.string().regex(/^SV_[A-Za-z0-9]+$/, 'expected a Qualtrics survey id (SV_…)'),
  ResponseID: z.string().regex(/^R_[A-Za-z0-9]+$/, 'expected a Qualtrics response id (R_…)'),
  CompletedDate: z.string().optional(),
  BrandID: z.string().optional(),
});
export type QualtricsCompletedResponse = z.infer<typeof QualtricsCompletedResponse>;

/** `GET /API/v3/surveys/{surveyId}/responses/{responseId}`: the response's answers by question id. */
export const QualtricsResponse = z.looseObject({
  result: z.looseObject({
    responseId: z.string(),
    values: z.record(z.string(), z.unknown()),
  }),
});
export type QualtricsResponse = z.infer<typeof QualtricsResponse>;
