import { z } from 'zod';

/** Zendesk event webhook (developer.zendesk.com/api-reference/webhooks/event-types): shared envelope. */
export const ZendeskEvent = z.looseObject({
  type: z.string().startsWith('zen:event-type:'),
  account_id: z.number().int(),
  id: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  zendesk_event_version: z.string().optional(),
  subject: z.string(),
  detail: z
    .looseObject({
      id: z.union([z.string(), z.number()]).optional(),
      subject: z.string().optional(),
      description: z.string().optional(),
      requester_id: z.union([z.string(), z.number()]).optional(),
      created_at: z.string().optional(),
    })
    .default({}),
  event: z.unknown().optional(),
});
export type ZendeskEvent = z.infer<typeof ZendeskEvent>;

/**
 * The body a Zendesk trigger sends when a ticket is rated, as cxloop documents it for the trigger's JSON
 * body (README): Zendesk triggers post whatever JSON the admin writes, with placeholders filled in.
 */
export const ZendeskSatisfactionRating = z.looseObject({
  cxloop_event: z.literal('satisfaction_rating'),
  ticket_id: z.union([z.string(), z.number()]).transform(String),
  rating: z.string().min(1),
  comment: z.string().default(''),
  requester_id: z.union([z.string(), z.number()]).transform(String).optional(),
  rated_at: z.string().optional(),
});
export type ZendeskSatisfactionRating = z.infer<typeof ZendeskSatisfactionRating>;
