import { z } from 'zod';

/**
 * Typeform `form_response` webhook (typeform.com/developers/webhooks/example-payload). Only the parts cxloop
 * reads are checked; vendors add fields, so objects stay open.
 */
export const TypeformField = z.looseObject({
  id: z.string(),
  type: z.string(),
  ref: z.string().optional(),
  title: z.string().optional(),
  properties: z
    .looseObject({ steps: z.number().int().optional(), start_at_one: z.boolean().optional() })
    .optional(),
});
export type TypeformField = z.infer<typeof TypeformField>;

export const TypeformAnswer = z.looseObject({
  type: z.string(),
  field: z.looseObject({ id: z.string(), type: z.string(), ref: z.string().optional() }),
  text: z.string().optional(),
  number: z.number().optional(),
  boolean: z.boolean().optional(),
  email: z.string().optional(),
  choice: z.looseObject({ label: z.string().optional() }).optional(),
  choices: z.looseObject({ labels: z.array(z.string()).optional() }).optional(),
});
export type TypeformAnswer = z.infer<typeof TypeformAnswer>;

export const TypeformWebhook = z.looseObject({
  event_id: z.string().min(1),
  event_type: z.string(),
  form_response: z
    .looseObject({
      form_id: z.string(),
      /** The response's id: the same response redelivered carries the same token. */
      token: z.string().min(1),
      submitted_at: z.iso.datetime({ offset: true }),
      landed_at: z.iso.datetime({ offset: true }).optional(),
      hidden: z.record(z.string(), z.string()).optional(),
      definition: z.looseObject({
        id: z.string(),
        title: z.string().optional(),
        fields: z.array(TypeformField).default([]),
      }),
      answers: z.array(TypeformAnswer).default([]),
    })
    .optional(),
});
export type TypeformWebhook = z.infer<typeof TypeformWebhook>;
