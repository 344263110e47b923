/** A sentence as a span of the original text (offsets are UTF-16 code units, end exclusive). */
export interface SentenceSpan {
  start: number;
  end: number;
}

// A terminator run (". ", "!!! ", "?!") ends a sentence when whitespace or the end follows; a line break always
// does, since feedback forms and SMS often use lines instead of full stops.
const BOUNDARY = /[.!?…]+["')\]]*(?=\s|$)|\n+/g;
// "Mr. Smith", "e.g. the", "approx. 3": a full stop after these does not end a sentence.
const ABBREVIATION_BEFORE =
  /(?:^|\s)(?:mr|mrs|ms|dr|prof|st|vs|etc|e\.g|i\.e|approx|no|ref|tel|inc|ltd|co|jr|sr|dept|min|mins|hr|hrs|ave|rd)$/i;

function trimmedSpan(text: string, start: number, end: number): SentenceSpan | undefined {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return e > s ? { start: s, end: e } : undefined;
}

/**
 * Splits normalised text into sentence spans.
 * @example splitSentences('Slow. Rude staff!').length === 2
 */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  BOUNDARY.lastIndex = 0;
  for (let match = BOUNDARY.exec(text); match !== null; match = BOUNDARY.exec(text)) {
    const end = match.index + match[0].length;
    if (
      match[0][0] === '.' &&
      match[0].length === 1 &&
      ABBREVIATION_BEFORE.test(text.slice(start, match.index))
    ) {
      continue;
    }
    const span = trimmedSpan(text, start, end);
    if (span !== undefined) spans.push(span);
    start = end;
  }
  const last = trimmedSpan(text, start, text.length);
  if (last !== undefined) spans.push(last);
  return spans;
}
