/**
 * Personal data redaction: analysts read the redacted text; the spans are kept for audit. Numbers are only
 * treated as payment cards or IBANs when their check digits are valid, so order numbers stay readable.
 */

export type PiiType = 'email' | 'phone' | 'payment_card' | 'iban' | 'street_address' | 'postcode';

export interface PiiSpan {
  type: PiiType;
  start: number;
  end: number;
}

export interface PiiRedaction {
  redactedText: string;
  spans: PiiSpan[];
}

const EMAIL = /\b[\w.%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b/gi;
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
// Upper case only, as IBANs are printed: with /i a following word ("… 32 now") would join the candidate.
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/g;
const PHONE_CANDIDATE = /(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d[\d\s.-]{6,16}\d(?![\w])/g;
const STREET_ADDRESS =
  /\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Close|Way|Place|Pl|Terrace|Crescent|Square|Sq|Highway|Hwy|Gardens|Grove|Mews|Parkway)\b\.?/g;
// UK postcodes ("SW1A 1AA"): the common written form of an address here, and unambiguous enough to redact.
const UK_POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b/g;
const SEPARATORS = /[\s.-]/g;

/** Luhn (mod 10) check used by all payment card numbers. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, the whole mod 97 must be 1. */
export function isValidIban(candidate: string): boolean {
  const compact = candidate.replace(/\s/g, '').toUpperCase();
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    // Letters are two digits (A = 10): fold them in one digit at a time to stay within safe integers.
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

const REDACTION_LABEL: Readonly<Record<PiiType, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  payment_card: '[CARD]',
  iban: '[IBAN]',
  street_address: '[ADDRESS]',
  postcode: '[POSTCODE]',
};

function collect(
  text: string,
  pattern: RegExp,
  type: PiiType,
  accept: (match: string) => boolean,
  into: PiiSpan[],
) {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    const overlaps = into.some((span) => span.start < end && start < span.end);
    if (!overlaps && accept(match[0])) into.push({ type, start, end });
  }
}

function digitCount(value: string): number {
  return value.replace(/\D/g, '').length;
}

/**
 * Finds personal data and returns the text with each item replaced by its type in brackets.
 * @example redactPii('Mail me at jo@example.com').redactedText === 'Mail me at [EMAIL]'
 */
export function redactPii(text: string): PiiRedaction {
  const spans: PiiSpan[] = [];
  // The most specific patterns claim their text first, so a card number is never also reported as a phone.
  collect(text, EMAIL, 'email', () => true, spans);
  collect(text, IBAN_CANDIDATE, 'iban', isValidIban, spans);
  collect(text, CARD_CANDIDATE, 'payment_card', (match) => passesLuhn(match.replace(SEPARATORS, '')), spans);
  collect(
    text,
    PHONE_CANDIDATE,
    'phone',
    (match) => {
      const digits = digitCount(match);
      // Between a short national number and the E.164 maximum; a bare run of digits (an order number) must
      // look like a dialled number: international prefix or trunk zero.
      if (digits < 9 || digits > 15) return false;
      return /[\s.()-]/.test(match.trim()) || /^\+|^0/.test(match);
    },
    spans,
  );
  collect(text, STREET_ADDRESS, 'street_address', () => true, spans);
  collect(text, UK_POSTCODE, 'postcode', () => true, spans);
  spans.sort((a, b) => a.start - b.start);
  let redactedText = '';
  let cursor = 0;
  for (const span of spans) {
    redactedText += text.slice(cursor, span.start) + REDACTION_LABEL[span.type];
    cursor = span.end;
  }
  redactedText += text.slice(cursor);
  return { redactedText, spans };
}
