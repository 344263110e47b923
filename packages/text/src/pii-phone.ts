/**
 * Phone numbers by libphonenumber-js (Google's numbering-plan metadata, kept current upstream): a number counts
 * when it is valid in the organisation's region or dialled with its country code; written with "+" and a country
 * code, or right after "call me on", "mobile:" and the like, a possible length is enough (customers mistype,
 * plans change). Business lines (freephone, shared-cost, premium, "0345" numbers) are the organisation's or a
 * shop's, not the customer's.
 */
import type { CountryCode, NumberType } from 'libphonenumber-js';
import {
  findPhoneNumbersInText,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import type { FoundSpan } from './pii-context.js';

// Seven digits, possibly spaced or bracketed: below that nothing is a phone number, so most texts skip the parser.
const DIGIT_RUN = /\d(?:[\s()./-]{0,3}\d){6}/;
const FALLBACK_REGIONS: readonly CountryCode[] = ['GB', 'US'];
const BUSINESS_LINES: ReadonlySet<NumberType> = new Set(['TOLL_FREE', 'SHARED_COST', 'PREMIUM_RATE', 'UAN']);
const AFTER_PHONE_CUE =
  /\b(?:call|ring|phone|mobile|mob|cell|tel|telephone|text|whatsapp|sms|contact)(?:\s+(?:me|us|number|no\.?))?(?:\s+(?:on|at|is))?\s*:?\s*(?<number>\+?\(?\d[\d\s().-]{5,18}\d)/gi;

const INTERNATIONAL = /(?<![\w+])\+\d(?:[\s.-]?\(?\d\)?){6,16}(?!\d)/g;

function isPersonal(type: NumberType | undefined): boolean {
  return type === undefined || !BUSINESS_LINES.has(type);
}

/** Whether a region code (ISO 3166-1 alpha-2, "GB") has a numbering plan we can read numbers in. */
export function isPhoneRegion(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

/** The regions whose national numbers are read: the organisation's, or GB and US when it has none. */
export function phoneRegions(defaultRegion: CountryCode | undefined): readonly CountryCode[] {
  return defaultRegion === undefined ? FALLBACK_REGIONS : [defaultRegion];
}

export function findPhoneNumbers(text: string, regions: readonly CountryCode[]): FoundSpan[] {
  if (!DIGIT_RUN.test(text)) return [];
  const found: FoundSpan[] = [];
  for (const region of regions) {
    for (const number of findPhoneNumbersInText(text, { defaultCountry: region })) {
      if (isPersonal(number.number.getType())) found.push({ start: number.startsAt, end: number.endsAt });
    }
  }
  // Written in full international form ("+44 7700 900123") a number with a possible length is a phone number,
  // valid in the plan or not: the "+" and country code say so, whatever the region.
  INTERNATIONAL.lastIndex = 0;
  for (let match = INTERNATIONAL.exec(text); match !== null; match = INTERNATIONAL.exec(text)) {
    const number = parsePhoneNumberFromString(match[0]);
    if (number?.isPossible() === true && isPersonal(number.getType()))
      found.push({ start: match.index, end: match.index + match[0].length });
  }
  AFTER_PHONE_CUE.lastIndex = 0;
  for (let match = AFTER_PHONE_CUE.exec(text); match !== null; match = AFTER_PHONE_CUE.exec(text)) {
    const candidate = match.groups!.number!.trim();
    const possible = regions.some((region) => {
      const number = parsePhoneNumberFromString(candidate, region);
      return number?.isPossible() === true && isPersonal(number.getType());
    });
    const end = match.index + match[0].trimEnd().length;
    if (possible) found.push({ start: end - candidate.length, end });
  }
  return found;
}
