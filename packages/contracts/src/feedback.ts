import { z } from 'zod';
import { hasUnstorableCharacters, MAX_METADATA_DEPTH, storableJson, storableText } from './storable-text.js';

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
 * An identifier the sender chose (external id, customer reference, unit key, touchpoint): compared by its
 * NFC form, so the same visible text sent in composed and decomposed Unicode is one identifier. A NUL or a
 * lone surrogate is refused, not removed: the stored identifier must be the one the sender will send again.
 */
const storableIdentifier = (maxChars: number) =>
  z
    .string()
    .refine((value) => !hasUnstorableCharacters(value), 'must not contain NUL (U+0000) or a lone surrogate')
    .overwrite((value) => value.normalize('NFC'))
    .trim()
    .min(1)
    .max(maxChars);

/** The earliest `occurredAt` taken: nothing digital happened to a customer before 1970. */
const EARLIEST_OCCURRED_AT_MS = 0;
/** How far ahead of the receiver's clock `occurredAt` may be (senders' clocks and time zones drift). */
const OCCURRED_AT_LEAD_MS = 24 * 60 * 60 * 1_000;

/** Whether an instant can be when a customer's feedback happened: from 1970 to a day from now. */
export function isPlausibleOccurredAt(iso: string, nowMs = Date.now()): boolean {
  const at = Date.parse(iso);
  return at >= EARLIEST_OCCURRED_AT_MS && at <= nowMs + OCCURRED_AT_LEAD_MS;
}

/** Metadata as stored: strings and keys cleaned of NUL and lone surrogates, nesting bounded. */
const Metadata = z.record(z.string(), z.unknown()).transform((metadata, context) => {
  const cleaned = storableJson(metadata, MAX_METADATA_DEPTH);
  if (cleaned.ok) return cleaned.value as Record<string, unknown>;
  context.addIssue({
    code: 'custom',
    path: cleaned.path.slice(0, MAX_METADATA_DEPTH),
    message: `nested deeper than ${MAX_METADATA_DEPTH} levels`,
  });
  return z.NEVER;
});

/**
 * One piece of customer feedback as a sender describes it, before cxloop knows its organisation: the body of
 * the generic JSON channel and the target every vendor adapter maps onto.
 */
export const FeedbackEvent = z
  .object({
    /** The sender's own id for this feedback; redelivering the same id changes nothing. */
    externalId: storableIdentifier(200).optional(),
    /** An opaque reference to the customer (account number, hashed email …), used to link repeat contact. */
    customerRef: storableIdentifier(200).optional(),
    /** Free text: NUL removed and lone surrogates replaced, so no customer's words are refused for them. */
    text: z.string().overwrite(storableText).max(MAX_TEXT_CHARS).default(''),
    ratings: Ratings.default({}),
    occurredAt: z.iso
      .datetime({ offset: true })
      .refine((value) => isPlausibleOccurredAt(value), 'must be between 1970 and one day from now')
      .optional(),
    touchpoint: storableIdentifier(100).optional(),
    /** BCP 47 language tag declared by the sender; analysis still detects the language itself. */
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 tag such as "en" or "en-GB"')
      .optional(),
    /** A unit of the organisation (store, region, product line) by its external key. */
    unit: storableIdentifier(100).optional(),
    metadata: Metadata.default({}),
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
