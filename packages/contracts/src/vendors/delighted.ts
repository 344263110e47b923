import { z } from 'zod';

const id = z.union([z.string().min(1), z.number().int()]).transform(String);

/** A Delighted survey response as its webhooks carry it (delighted.com/docs/api/webhooks). */
export const DelightedSurveyResponse = z.looseObject({
  id,
  person: z.looseObject({ id, email: z.string().nullish(), name: z.string().nullish() }).nullish(),
  /** nps, csat, ces, smileys, stars, thumbs, enps, pmf … (one per Delighted project). */
  survey_type: z.string().min(1),
  score: z.number().int().nullish(),
  comment: z.string().nullish(),
  permalink: z.string().nullish(),
  created_at: z.number().int().nullish(),
  updated_at: z.number().int().nullish(),
  tags: z.array(z.string()).nullish(),
  person_properties: z.record(z.string(), z.unknown()).nullish(),
});
export type DelightedSurveyResponse = z.infer<typeof DelightedSurveyResponse>;

/** Every Delighted webhook: an event type, the event's id and the object it is about. */
export const DelightedWebhook = z.looseObject({
  event_type: z.string().min(1),
  event_id: z.string().min(1),
  event_data: z.unknown(),
});

/** A `survey_response.*` webhook: its `event_data` is the response. */
export const DelightedResponseWebhook = DelightedWebhook.extend({ event_data: DelightedSurveyResponse });
