import { z } from 'zod';

const id = z.union([z.string().min(1), z.number().int()]).transform(String);

/**
 * One event of a HubSpot webhook delivery (developers.hubspot.com/docs/api/webhooks, "Webhook payloads"):
 * HubSpot sends up to 100 of them per request, as a JSON array.
 */
export const HubSpotWebhookEvent = z.looseObject({
  eventId: id,
  subscriptionId: id.optional(),
  portalId: id,
  appId: id.optional(),
  occurredAt: z.number().int(),
  subscriptionType: z.string().min(1),
  attemptNumber: z.number().int().optional(),
  objectId: id,
  /** Generic (`object.*`) subscriptions name the object type by id: feedback submissions are `0-19`. */
  objectTypeId: z.string().optional(),
  changeSource: z.string().optional(),
});
export type HubSpotWebhookEvent = z.infer<typeof HubSpotWebhookEvent>;

export const HubSpotWebhookBatch = z.array(HubSpotWebhookEvent).min(1).max(100);

/** A feedback submission (survey response) as `GET /crm/v3/objects/feedback_submissions/{id}` returns it. */
export const HubSpotFeedbackSubmission = z.looseObject({
  id,
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type HubSpotFeedbackSubmission = z.infer<typeof HubSpotFeedbackSubmission>;
