/** Where in the customer's text a finding comes from (offsets into the original text, end exclusive). */
export interface Evidence {
  start: number;
  end: number;
  text: string;
}

/** A rule that finds evidence with one regular expression (global, case-insensitive). */
export interface PatternRule<Code extends string> {
  code: Code;
  pattern: RegExp;
}

const NEGATION_BEFORE =
  /\b(?:not|never|no|don't|dont|won't|wont|wouldn't|didn't|isn't|aren't|wasn't|cannot|can't|no intention of|no plans to)\s+(?:\w+\s+){0,2}$/i;

/**
 * All non-negated matches of a rule in `text`: "I'm not going to cancel my account" is not a churn threat. The
 * negation test looks at up to three words before the match, within the same sentence-ish stretch.
 */
export function findEvidence(text: string, pattern: RegExp): Evidence[] {
  const found: Evidence[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const before = text.slice(Math.max(0, match.index - 40), match.index);
    const lastBreak = Math.max(
      before.lastIndexOf('.'),
      before.lastIndexOf('!'),
      before.lastIndexOf('?'),
      before.lastIndexOf(','),
    );
    if (NEGATION_BEFORE.test(before.slice(lastBreak + 1))) continue;
    found.push({ start: match.index, end: match.index + match[0].length, text: match[0] });
  }
  return found;
}
