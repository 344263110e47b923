/**
 * Personal data recognised by what stands next to it rather than by its own shape: a booking code after
 * "locator:", a name after "name:", an @handle that is not the organisation's own. Each finder returns candidate
 * spans; `redactPii` decides which claim the text first.
 */

export interface FoundSpan {
  start: number;
  end: number;
}

// The keyword, an optional "number"/"code", then "is", ":" or "#": "booking ref: X7K2PL", "PNR is KARAAX",
// "e-ticket number 0162345678901". "ticket" covers airline and event tickets; a support ticket number is also a
// key to the customer's case, so it goes too. "order" is not a keyword: order numbers stay readable for analysts.
const REFERENCE_CUE =
  /\b(?:booking|reservation|confirmation|(?:record\s+)?locator|pnr|e-?ticket|ticket|itinerary|reference|ref)(?:\s+(?:number|num|nr|code|id|no)\b\.?)?(?:\s+(?:is|was)\b)?[\s:#=-]+(?<code>[A-Za-z0-9][A-Za-z0-9-]{3,22}[A-Za-z0-9])\b/gi;
const HAS_DIGIT = /\d/;
// A code without digits is an airline-style locator only when printed in capitals ("KARAAX"), never a word.
const CAPITAL_CODE = /^[A-Z]{5,8}$/;

function isReferenceCode(code: string): boolean {
  const compact = code.replace(/-/g, '');
  if (compact.length < 6) return false;
  return HAS_DIGIT.test(compact) ? !/^\d{1,5}$/.test(compact) : CAPITAL_CODE.test(compact);
}

/** Booking, reservation and ticket references that follow their keyword. */
export function findReferencesAfterKeyword(text: string): FoundSpan[] {
  const spans: FoundSpan[] = [];
  REFERENCE_CUE.lastIndex = 0;
  for (let match = REFERENCE_CUE.exec(text); match !== null; match = REFERENCE_CUE.exec(text)) {
    const code = match.groups!.code!;
    const end = match.index + match[0].length;
    // A word that is not a code may itself be the keyword ("booking reference ABZ8812"): scan on from it.
    if (isReferenceCode(code)) spans.push({ start: end - code.length, end });
    else REFERENCE_CUE.lastIndex = end - code.length;
  }
  return spans;
}

// "name: Alex Karaa", "Passenger name - KARAA/ALEX MR", "surname=Smith": whatever follows is the name.
const NAME_LABEL =
  /\b(?:(?:my|passenger(?:'s)?|full|first|last|given|family|customer|guest|lead|traveller|traveler|account|booking|card\s?holder)\s+)?(?:name|surname)s?(?:\s*[:=]\s*|\s+[–-]\s+)/gi;
// "my name is Alex Karaa", "booked under Hughes", "in the name of Gallagher": only capitalised words follow, so
// "my name is on the booking" names nobody.
const NAME_STATEMENT =
  /\b(?:my\s+(?:full\s+|first\s+|last\s+)?name\s+is|(?:in|under)\s+the\s+name(?:\s+of)?|(?:booked|booking|reservation|reserved|table|room)\s+under)\s+/gi;
const NAME_WORD = /^(?:[\p{Lu}][\p{L}'’.-]*|[\p{L}][\p{L}'’.-]*)(?:\/[\p{L}]+)*/u;
const CAPITALISED_NAME_WORD = /^[\p{Lu}][\p{L}'’-]*(?:\/[\p{L}]+)*/u;
const NOT_A_NAME = new Set(
  'and or the a an on in at for with from but is was not please thanks thank email phone number mobile tel address booking reservation ref reference flight seat ticket date dob n/a na none unknown same'.split(
    ' ',
  ),
);
const MAX_NAME_WORDS = 3;

function nameAfter(text: string, from: number, word: RegExp): FoundSpan | undefined {
  let cursor = from;
  let end = from;
  for (let count = 0; count < MAX_NAME_WORDS; count++) {
    const rest = text.slice(cursor);
    const match = word.exec(rest);
    if (match === null) break;
    const value = match[0].replace(/[.'’-]+$/, '');
    if (value === '' || NOT_A_NAME.has(value.toLowerCase())) break;
    // A word followed by a colon opens the next field ("name: Alex phone: …").
    if (rest[value.length] === ':') break;
    end = cursor + value.length;
    const gap = /^[ \t]+/.exec(text.slice(end));
    if (gap === null) break;
    cursor = end + gap[0].length;
  }
  return end > from ? { start: from, end } : undefined;
}

/** Names given as such: after a "name:" label, or in "my name is …". */
export function findLabelledNames(text: string): FoundSpan[] {
  const spans: FoundSpan[] = [];
  for (const [pattern, word] of [
    [NAME_LABEL, NAME_WORD],
    [NAME_STATEMENT, CAPITALISED_NAME_WORD],
  ] as const) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const span = nameAfter(text, match.index + match[0].length, word);
      if (span !== undefined) spans.push(span);
    }
  }
  return spans;
}

const LOCATOR_LIKE = /(?<![\p{L}\p{N}])[A-Z0-9]{6}(?![\p{L}\p{N}])/gu;
const NEAR_NAME_CHARS = 40;

/**
 * A six-character capitals code written beside a name is a booking locator even without its keyword
 * ("KARAAX, Alex Karaa"): with the name it opens the booking. Not in shouted text, where capitals are words.
 */
export function findLocatorsNearNames(text: string, names: readonly FoundSpan[]): FoundSpan[] {
  if (names.length === 0) return [];
  const spans: FoundSpan[] = [];
  LOCATOR_LIKE.lastIndex = 0;
  for (let match = LOCATOR_LIKE.exec(text); match !== null; match = LOCATOR_LIKE.exec(text)) {
    const code = match[0];
    if (!/[A-Z]/.test(code) || /^\d+$/.test(code)) continue;
    const start = match.index;
    const end = start + code.length;
    const near = names.some(
      (name) =>
        (start >= name.end && start - name.end <= NEAR_NAME_CHARS) ||
        (end <= name.start && name.start - end <= NEAR_NAME_CHARS),
    );
    if (!near) continue;
    const around = text.slice(Math.max(0, start - 20), end + 20);
    const shouted = (around.match(/\b[A-Z]{3,}\b/g) ?? []).length > 2;
    if (!shouted || HAS_DIGIT.test(code)) spans.push({ start, end });
  }
  return spans;
}

const HANDLE = /(?<![\w@.])@(?<name>[A-Za-z0-9_]{1,30})\b/g;

/** Personal @handles; the organisation's own handles (its brand accounts) are addressed, not personal. */
export function findPersonalHandles(text: string, brandHandles: ReadonlySet<string>): FoundSpan[] {
  const spans: FoundSpan[] = [];
  HANDLE.lastIndex = 0;
  for (let match = HANDLE.exec(text); match !== null; match = HANDLE.exec(text)) {
    if (brandHandles.has(match.groups!.name!.toLowerCase())) continue;
    spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/** The organisation's handles as given ("@AcmeAir", "acmeair"), lower-cased without the "@". */
export function brandHandleSet(handles: readonly string[] | undefined): ReadonlySet<string> {
  return new Set((handles ?? []).map((handle) => handle.replace(/^@/, '').toLowerCase()));
}
