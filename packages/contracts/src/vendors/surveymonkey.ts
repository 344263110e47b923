import { z } from 'zod';

/**
 * SurveyMonkey webhook callback (api.surveymonkey.com/v3/docs#webhooks): it names the response, it does not
 * carry the answers.
 */
export const SurveyMonkeyWebhook = z.looseObject({
  name: z.string().optional(),
  event_id: z.string().min(1),
  event_type: z.string(),
  object_type: z.string(),
  object_id: z.string().min(1),
  event_datetime: z.string().optional(),
  filter_type: z.string().optional(),
  filter_id: z.string().optional(),
  resources: z
    .looseObject({
      survey_id: z.string().optional(),
      collector_id: z.string().optional(),
      respondent_id: z.string().optional(),
      recipient_id: z.string().optional(),
    })
    .default({}),
});
export type SurveyMonkeyWebhook = z.infer<typeof SurveyMonkeyWebhook>;

/** `GET /v3/surveys/{id}/responses/{id}/details?simple=true`: the answers, with choice text resolved. */
export const SurveyMonkeyResponseDetails = z.looseObject({
  id: z.string(),
  survey_id: z.string().optional(),
  date_modified: z.string().optional(),
  date_created: z.string().optional(),
  response_status: z.string().optional(),
  custom_variables: z.record(z.string(), z.string()).optional(),
  pages: z
    .array(
      z.looseObject({
        id: z.string(),
        questions: z
          .array(
            z.looseObject({
              id: z.string(),
              family: z.string().optional(),
              subtype: z.string().optional(),
              heading: z.string().optional(),
              answers: z
                .array(
                  z.looseObject({
                    choice_id: z.string().optional(),
                    row_id: z.string().optional(),
                    text: z.string().optional(),
                    simple_text: z.string().optional(),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});
export type SurveyMonkeyResponseDetails = z.infer<typeof SurveyMonkeyResponseDetails>;
