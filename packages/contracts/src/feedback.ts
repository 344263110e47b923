import { z } from 'zod';

/** The channels a feedback source can represent; vendor adapters map onto these. */
export const channels = [
  'survey',
  'sms',
  'email',
  'chat',
  'helpdesk',
  'review',
  'social',
  'call',
  'web',
  'other',
] as const;
export const Channel = z.enum(channels);
export type Channel = z.infer<typeof Channel>;

/** Net Promoter score answer: "how likely are you to recommend …", 0–10. */
export const NpsRating = z.number().int().min(0).max(10);
/** Customer satisfaction, 1 (very dissatisfied) – 5 (very satisfied). */
export const CsatRating = z.number().int().min(1).max(5);
/** Customer effort score, 1 (very hard) – 7 (very easy). */
export const CesRating = z.number().int().min(1).max(7);

export const Ratings = z
  .object({ nps: NpsRating.optional(), csat: CsatRating.optional(), ces: CesRating.optional() })
  .strict();
export type Ratings = z.infer<typeof Ratings>;

const MAX_TEXT_CHARS = 20_000;

/**
 * One piece of customer feedback as a sender describes it, before cxloop knows its organisation: the body of
 * the generic JSON channel and the target every vendor adapter maps onto.
 */
export const FeedbackEvent = z
  .object({
    /** The sender's own id for this feedback; redelivering the same id changes nothing. */
    externalId: z.string().trim().min(1).max(200).optional(),
    /** An opaque reference to the customer (account number, hashed email …), used to link repeat contact. */
    customerRef: z.string().trim().min(1).max(200).optional(),
    text: z.string().max(MAX_TEXT_CHARS).default(''),
    ratings: Ratings.default({}),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    touchpoint: z.string().trim().min(1).max(100).optional(),
    /** BCP 47 language tag declared by the sender; analysis still detects the language itself. */
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 tag such as "en" or "en-GB"')
      .optional(),
    /** A unit of the organisation (store, region, product line) by its external key. */
    unit: z.string().trim().min(1).max(100).optional(),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((event) => event.text.trim().length > 0 || Object.keys(event.ratings).length > 0, {
    message: 'a feedback event needs text or at least one rating',
    path: ['text'],
  });
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;
export type FeedbackEventInput = z.input<typeof FeedbackEvent>;

export const MAX_EVENTS_PER_BATCH = 500;

/** The generic JSON channel accepts one event, or `{ events: [...] }` with up to 500 of them. */
export const FeedbackEventBatch = z
  .object({ events: z.array(FeedbackEvent).min(1).max(MAX_EVENTS_PER_BATCH) })
  .strict();

/** Lifecycle of a stored feedback row. `received` rows are what the sweeper re-enqueues. */
export const feedbackStatuses = ['received', 'analysed', 'failed'] as const;
