import { z } from 'zod';

/** A conversation's opening message: `source` since API 2.0, `conversation_message` in the 1.x versions. */
const OpeningMessage = z
  .looseObject({
    body: z.string().nullish(),
    subject: z.string().nullish(),
    author: z.looseObject({ id: z.string().optional(), email: z.string().nullish() }).optional(),
  })
  .nullish();

/**
 * Intercom webhook notification (developers.intercom.com/docs/webhooks): topic + the conversation. The
 * `ping` Intercom sends when a webhook is saved has `"id": null`, so the id is optional here and required
 * only where a notification is stored.
 */
export const IntercomNotification = z.looseObject({
  type: z.literal('notification_event'),
  id: z.string().min(1).nullish(),
  topic: z.string(),
  app_id: z.string().optional(),
  created_at: z.number().int().optional(),
  data: z.looseObject({
    type: z.string().optional(),
    item: z.looseObject({
      type: z.string().optional(),
      id: z.union([z.string(), z.number()]).transform(String).optional(),
      created_at: z.number().int().optional(),
      source: OpeningMessage,
      conversation_message: OpeningMessage,
      /** The 1.x versions name the customer here instead of `contacts`. */
      user: z.looseObject({ id: z.string().optional(), user_id: z.string().nullish() }).nullish(),
      contacts: z
        .looseObject({
          contacts: z.array(z.looseObject({ id: z.string(), external_id: z.string().nullish() })),
        })
        .nullish(),
      conversation_rating: z
        .looseObject({
          rating: z.number().int().nullish(),
          remark: z.string().nullish(),
          created_at: z.number().int().nullish(),
          contact: z.looseObject({ id: z.string().nullish() }).nullish(),
        })
        .nullish(),
      conversation_parts: z
        .looseObject({
          conversation_parts: z.array(
            z.looseObject({
              id: z.string(),
              part_type: z.string().optional(),
              body: z.string().nullish(),
              created_at: z.number().int().optional(),
              author: z.looseObject({ type: z.string().optional(), id: z.string().optional() }).optional(),
            }),
          ),
        })
        .nullish(),
    }),
  }),
});
export type IntercomNotification = z.infer<typeof IntercomNotification>;
