import { z } from 'zod';
import type { Channel } from './feedback.js';

/** How a source's deliveries are verified and parsed: our generic JSON, or a vendor's own webhook. */
export const adapters = [
  'generic',
  'typeform',
  'surveymonkey',
  'twilio',
  'mailgun',
  'zendesk',
  'intercom',
  'delighted',
  'hubspot',
  'qualtrics',
] as const;
export const Adapter = z.enum(adapters);
export type Adapter = z.infer<typeof Adapter>;

/** The channel a source of each adapter represents unless the admin says otherwise. */
export const defaultChannelOf: Record<Adapter, Channel> = {
  generic: 'web',
  typeform: 'survey',
  surveymonkey: 'survey',
  twilio: 'sms',
  mailgun: 'email',
  zendesk: 'helpdesk',
  intercom: 'chat',
  delighted: 'survey',
  hubspot: 'survey',
  qualtrics: 'survey',
};

/**
 * Where a survey question's answer goes: a customer rating, the feedback text, a staff survey question,
 * or nowhere. Ratings on another scale are rescaled linearly from `scale` (e.g. a 0–4 opinion scale → csat).
 */
export const QuestionTarget = z.union([
  z
    .object({
      as: z.enum(['nps', 'csat', 'ces']),
      scale: z.object({ min: z.number().int(), max: z.number().int() }).optional(),
    })
    .strict()
    .refine((t) => !t.scale || t.scale.max > t.scale.min, { message: 'scale.max must exceed scale.min' }),
  z.object({ as: z.enum(['text', 'ignore']) }).strict(),
  z.object({ as: z.literal('staff'), questionKey: z.string().min(1).max(100) }).strict(),
]);
export type QuestionTarget = z.infer<typeof QuestionTarget>;

/**
 * A survey source's mapping, keyed by the vendor's question id (Typeform field id or ref, SurveyMonkey
 * question id). Questions not listed fall back to defaults by question type.
 */
export const FieldMapping = z
  .object({
    questions: z.record(z.string().min(1), QuestionTarget).default({}),
    /** Typeform hidden field / SurveyMonkey custom variable holding the customer reference. */
    customerRefField: z.string().min(1).max(100).optional(),
    /** The staff survey this source's staff answers belong to, when it receives staff responses. */
    staffSurveyId: z.uuid().optional(),
  })
  .strict();
export type FieldMapping = z.infer<typeof FieldMapping>;
