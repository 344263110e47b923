import { FeedbackEvent, type FeedbackEventInput, isPlausibleOccurredAt } from '@cxloop/contracts';
import { fieldProblems, problems } from '../../problems.js';

/**
 * Checks an adapter's mapping against the canonical FeedbackEvent, so vendor feedback obeys the same limits
 * as the generic channel. Paths are reported under `/mapped`, since they name cxloop's fields. A vendor's
 * implausible timestamp (year 0000, far future) is dropped rather than refused: the vendor would retry the
 * refusal for hours, and the time it was received is a fair stand-in.
 */
export function canonicalEvent(input: FeedbackEventInput): FeedbackEvent {
  const { occurredAt, ...rest } = input;
  const plausible = occurredAt !== undefined && isPlausibleOccurredAt(occurredAt);
  const parsed = FeedbackEvent.safeParse(plausible ? { ...rest, occurredAt } : rest);
  if (!parsed.success) throw problems.invalidBody(fieldProblems(parsed.error, '/mapped'));
  return parsed.data;
}

/**
 * A vendor's timestamp (unix seconds, or a date string) as ISO 8601, or undefined when it names no instant
 * JavaScript can represent: `canonicalEvent` then uses the time received, as for an implausible one.
 */
export function vendorInstant(value: number | string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const at = new Date(typeof value === 'number' ? value * 1000 : value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** Text cut to the canonical limit at a character boundary: long emails keep their start. */
export function clipText(text: string, maxChars = 20_000): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : chars.slice(0, maxChars).join('');
}

/** Plain text of a vendor's HTML fragment (Intercom message bodies). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
