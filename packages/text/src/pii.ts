/**
 * Personal data redaction: analysts read the redacted text; the spans are kept for audit. Numbers count as
 * payment cards or IBANs only when their check digits are valid, and as phone numbers only when
 * libphonenumber-js finds them valid for the organisation's region (or dialled internationally), so order
 * numbers, ticket numbers, percentages and aircraft registrations stay readable.
 */
import type { CountryCode } from 'libphonenumber-js';
import { isValidIban, passesLuhn } from './pii-checks.js';
import {
  brandHandleSet,
  type FoundSpan,
  findLabelledNames,
  findLocatorsNearNames,
  findPersonalHandles,
  findReferencesAfterKeyword,
} from './pii-context.js';
import { findPhoneNumbers, phoneRegions } from './pii-phone.js';

export { isValidIban, passesLuhn };

export type PiiType =
  | 'email'
  | 'phone'
  | 'payment_card'
  | 'iban'
  | 'street_address'
  | 'postcode'
  | 'booking_reference'
  | 'person_name'
  | 'handle'
  | 'ip_address';

export interface PiiSpan {
  type: PiiType;
  start: number;
  end: number;
}

export interface PiiRedaction {
  redactedText: string;
  spans: PiiSpan[];
}

export interface PiiOptions {
  /**
   * The organisation's region (ISO 3166-1 alpha-2), whose national numbers customers write without a country
   * code ("07911 123456" in GB). Unset: GB and US national numbers, and any number dialled with its country code.
   */
  defaultRegion?: CountryCode;
  /** The organisation's own @handles: customers address them, so they are not personal data. */
  brandHandles?: readonly string[];
}

const EMAIL = /\b[\w.%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b/gi;
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
// Upper case only, as IBANs are printed: with /i a following word ("… 32 now") would join the candidate.
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/g;
// An address is personal data; not a version number ("version 4.2.1.0").
const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]*\d)/g;
const VERSION_BEFORE = /\b(?:version|ver|v)\.?\s*$/i;
// Private, loopback and link-local addresses (a home router's 192.168.1.1) identify nobody.
const PRIVATE_IPV4 = /^(?:10\.|127\.|0\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)/;
// Role addresses (complaints@, support@) belong to a department, not a person.
const ROLE_MAILBOX =
  /^(?:complaints?|support|help|helpdesk|info|contact|customerservices?|customercare|care|service|sales|enquiries|inquiries|hello|admin|billing|accounts|noreply|no-reply|feedback|press|bookings|reservations)@/i;
// Card numbers are printed in fours (the last group shorter on 19-digit cards) or 4-6-5 (American Express).
const CARD_GROUPING = /^(?:(?:4,)+[1-4]|4,6,[45])$/;
const STREET_ADDRESS =
  /\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Close|Way|Place|Pl|Terrace|Crescent|Square|Sq|Highway|Hwy|Gardens|Grove|Mews|Parkway)\b\.?/g;
// UK postcodes as written in addresses, with their space ("SW1A 1AA"). Without the space only after the word
// "postcode": run together, the shape is also an aircraft registration ("N763AN") or a part number.
const UK_POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b/g;
const UK_POSTCODE_AFTER_KEYWORD =
  /\b(?:post\s?code|postal\s+code)\s*(?:is\s+|:\s*)?([A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2})\b/gi;
const SEPARATORS = /[\s.-]/g;

const REDACTION_LABEL: Readonly<Record<PiiType, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  payment_card: '[CARD]',
  iban: '[IBAN]',
  street_address: '[ADDRESS]',
  postcode: '[POSTCODE]',
  booking_reference: '[BOOKING REF]',
  person_name: '[NAME]',
  handle: '[HANDLE]',
  ip_address: '[IP ADDRESS]',
};

function isCardNumber(candidate: string): boolean {
  const groups = candidate.split(/[ -]/);
  if (groups.length > 1 && !CARD_GROUPING.test(groups.map((group) => group.length).join(','))) return false;
  return passesLuhn(candidate.replace(SEPARATORS, ''));
}

/** Spans claimed so far; the first finder to claim a stretch of text keeps it. */
class Claims {
  readonly spans: PiiSpan[] = [];

  add(type: PiiType, found: readonly FoundSpan[]): void {
    for (const { start, end } of found) {
      if (!this.spans.some((span) => span.start < end && start < span.end))
        this.spans.push({ type, start, end });
    }
  }
}

function matches(text: string, pattern: RegExp, accept: (match: RegExpExecArray) => boolean = () => true) {
  const found: FoundSpan[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (accept(match)) found.push({ start: match.index, end: match.index + match[0].length });
  }
  return found;
}

function postcodes(text: string): FoundSpan[] {
  const found = matches(text, UK_POSTCODE);
  UK_POSTCODE_AFTER_KEYWORD.lastIndex = 0;
  for (
    let match = UK_POSTCODE_AFTER_KEYWORD.exec(text);
    match !== null;
    match = UK_POSTCODE_AFTER_KEYWORD.exec(text)
  ) {
    const code = match[1]!;
    if (code !== code.toUpperCase()) continue;
    const end = match.index + match[0].length;
    found.push({ start: end - code.length, end });
  }
  return found;
}

/**
 * Finds personal data and returns the text with each item replaced by its type in brackets.
 * @example redactPii('Mail me at jo@example.com').redactedText === 'Mail me at [EMAIL]'
 */
export function redactPii(text: string, options: PiiOptions = {}): PiiRedaction {
  const claims = new Claims();
  // The most specific patterns claim their text first, so a card number is never also reported as a phone, and
  // a ticket number after "e-ticket" is a booking reference, not a phone number.
  claims.add(
    'email',
    matches(text, EMAIL, (match) => !ROLE_MAILBOX.test(match[0])),
  );
  claims.add('handle', findPersonalHandles(text, brandHandleSet(options.brandHandles)));
  claims.add(
    'iban',
    matches(text, IBAN_CANDIDATE, (match) => isValidIban(match[0])),
  );
  claims.add('booking_reference', findReferencesAfterKeyword(text));
  claims.add(
    'ip_address',
    matches(
      text,
      IPV4,
      (match) =>
        !PRIVATE_IPV4.test(match[0]) &&
        !VERSION_BEFORE.test(text.slice(Math.max(0, match.index - 10), match.index)),
    ),
  );
  claims.add(
    'payment_card',
    matches(text, CARD_CANDIDATE, (match) => isCardNumber(match[0])),
  );
  claims.add('phone', findPhoneNumbers(text, phoneRegions(options.defaultRegion)));
  const names = findLabelledNames(text);
  claims.add('person_name', names);
  claims.add('booking_reference', findLocatorsNearNames(text, names));
  claims.add('street_address', matches(text, STREET_ADDRESS));
  claims.add('postcode', postcodes(text));
  const spans = claims.spans.sort((a, b) => a.start - b.start);
  let redactedText = '';
  let cursor = 0;
  for (const span of spans) {
    redactedText += text.slice(cursor, span.start) + REDACTION_LABEL[span.type];
    cursor = span.end;
  }
  redactedText += text.slice(cursor);
  return { redactedText, spans };
}
