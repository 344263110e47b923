/**
 * Politeness and sarcasm, which a word list reads as praise. Courtesy formulas ("thanks", "please help", "it would
 * be helpful if") are manners, not a verdict: inside a complaint they carry no praise. Praise used as a comment on
 * a stated failure ("thanks for the 3 hour delay", "Great, another cancellation", "love waiting on hold") is
 * sarcasm and counts against.
 */
import type { Token } from './tokenise.js';

const THANKING: ReadonlySet<string> = new Set(['thanks', 'thank', 'thankyou', 'thx', 'ty']);
const PLEASE: ReadonlySet<string> = new Set(['please', 'pls', 'plz', 'kindly']);
const VERB_BEFORE_PLEASE: ReadonlySet<string> = new Set(
  "to will would can could may might should must 'll won't".split(' '),
);
/** "would appreciate", "I'd appreciate", "much appreciated": a request or a sign-off, not a verdict. */
const BEFORE_APPRECIATE: ReadonlySet<string> = new Set(['would', "i'd", "we'd", 'id', 'much']);
/** "it would be helpful if", "would be great if you could": a request dressed as praise. */
const WOULD: ReadonlySet<string> = new Set(['would', "it'd", "that'd"]);
/** How many words after "please" the request reaches: "please help", "please call me back asap". */
const PLEASE_REACH = 2;

function isCourtesyWord(tokens: readonly Token[], index: number): boolean {
  const word = tokens[index]!.lower;
  const next = tokens[index + 1];
  // "thanks to the actors" means "owing to", which is a verdict.
  if (THANKING.has(word)) return next?.lower !== 'to';
  // "will please the fans", "hard to please" use the verb.
  if (PLEASE.has(word)) return !VERB_BEFORE_PLEASE.has(tokens[index - 1]?.lower ?? '');
  if (word === 'appreciate' || word === 'appreciated') {
    return BEFORE_APPRECIATE.has(tokens[index - 1]?.lower ?? '') || next?.lower === 'it';
  }
  // A sign-off ("Cheers, Sam"), not the verb ("the news cheers all who …").
  if (word === 'cheers' || word === 'regards') return next === undefined || next.kind !== 'word';
  return false;
}

/** Which tokens are courtesy formulas: their positive valence is manners, not praise. */
export function courtesyMask(tokens: readonly Token[]): boolean[] {
  const mask: boolean[] = new Array(tokens.length).fill(false);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word') continue;
    if (isCourtesyWord(tokens, i)) {
      mask[i] = true;
      if (PLEASE.has(token.lower)) {
        for (let k = i + 1; k <= i + PLEASE_REACH && tokens[k]?.kind === 'word'; k++) mask[k] = true;
      }
    } else if (WOULD.has(token.lower) && tokens[i + 1]?.lower === 'be') {
      // "would be helpful if …", "would be nice to get a reply": the evaluative word after "be" is the request.
      let k = i + 2;
      if (tokens[k]?.lower === 'very' || tokens[k]?.lower === 'really') mask[k++] = true;
      if (tokens[k]?.kind === 'word' && (tokens[k + 1]?.lower === 'if' || tokens[k + 1]?.lower === 'to'))
        mask[k] = true;
    }
  }
  return mask;
}

/** Thanks that are given for something: "thanks for", "thank you for". */
const THANKS: ReadonlySet<string> = new Set(['thanks', 'thank', 'thx', 'ty', 'cheers']);
/** Praise said as an exclamation of its own ("Great, …", "Perfect!") or of a job ("great job losing my bag"). */
const EXCLAIMED_PRAISE: ReadonlySet<string> = new Set(
  'great nice awesome perfect fantastic brilliant wonderful lovely amazing excellent superb good fab terrific'.split(
    ' ',
  ),
);
/** Liking an activity: "love waiting", "enjoyed sitting on the tarmac". */
const LIKING: ReadonlySet<string> = new Set(['love', 'loving', 'loved', 'enjoy', 'enjoying', 'enjoyed']);
/** The stated failures that make such praise ironic: delays, waiting, losses, cancellations. */
const FAILURE =
  /^(?:delay\w*|late|later|cancel\w*|lost|losing|lose|wait|waits|waiting|waited|hold|stuck|stranded|missed|missing|broken|broke|damaged|overbooked|rude|diverted|disconnected|cut)$/;
const DURATION_UNIT = /^(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|months?)$/;
const CONTRAST = new Set(['but', 'however', 'though', 'although', 'yet']);

function praiseOpensIrony(tokens: readonly Token[], index: number): boolean {
  const word = tokens[index]!.lower;
  const next = tokens[index + 1];
  if (THANKS.has(word)) {
    return next?.lower === 'for' || (next?.lower === 'you' && tokens[index + 2]?.lower === 'for');
  }
  if (EXCLAIMED_PRAISE.has(word)) {
    if (next?.lower === 'job' || next?.lower === 'work') return true;
    // Only as the sentence's opening exclamation: "Great, another delay", not "… equate to being good, no matter".
    const opens = tokens.findIndex((token) => token.kind === 'word') === index;
    return opens && (next === undefined || next.kind === 'clauseBreak' || next.kind === 'exclamation');
  }
  return LIKING.has(word) && next?.kind === 'word' && next.lower.endsWith('ing');
}

export function statesFailure(tokens: readonly Token[], from = 0): boolean {
  for (let k = from; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind !== 'word') continue;
    if (CONTRAST.has(token.lower)) return false;
    if (FAILURE.test(token.lower)) return true;
    if (/^\d+$/.test(token.lower) && DURATION_UNIT.test(tokens[k + 1]?.lower ?? '')) return true;
    if (/^\d+(?:h|hrs?|mins?)$/.test(token.lower)) return true;
  }
  return false;
}

/** How much of the praise turns against: about as strong as the fault it comments on. */
export const IRONY_SCALAR = -0.75;

/** Turns ironic praise against: "thanks for the 3 hour delay" is not thanks. */
export function turnIronicPraise(tokens: readonly Token[], valences: number[]): void {
  for (let i = 0; i < tokens.length; i++) {
    if (valences[i]! <= 0 || tokens[i]!.kind !== 'word') continue;
    if (praiseOpensIrony(tokens, i) && statesFailure(tokens, i + 1))
      valences[i] = valences[i]! * IRONY_SCALAR;
  }
}

const INTERJECTED: ReadonlySet<string> = new Set(['oh', 'just', 'so', 'how', 'really', 'well']);

/** A sentence that is only an exclamation of praise ("Perfect.", "Oh great!"): ironic before a stated failure. */
export function isBarePraise(tokens: readonly Token[]): boolean {
  const words = tokens.filter((token) => token.kind === 'word');
  return (
    words.length > 0 &&
    words.length <= 2 &&
    EXCLAIMED_PRAISE.has(words.at(-1)!.lower) &&
    words.slice(0, -1).every((word) => INTERJECTED.has(word.lower))
  );
}
