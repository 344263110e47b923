/**
 * Rule-based sentiment in the manner of Hutto & Gilbert's VADER (valence sum with negation, intensity, contrast and
 * emphasis rules, squashed into −1…+1), over our own lexicon and with rules for customer-service language:
 * service phrases, expectation words that turn negative when denied, clause-bounded negation.
 */

import { courtesyMask, IRONY_SCALAR, isBarePraise, statesFailure, turnIronicPraise } from './courtesy.js';
import { quietJudgedDimensions } from './dimensions.js';
import { emoticonValence } from './emoticons.js';
import {
  BOOSTER_INCREMENT,
  CONTRAST_CONCESSIVE,
  CONTRAST_FORWARD,
  EMOJI_VALENCE,
  EXPLETIVE_INTENSIFIERS,
  GREETING_VALENCE,
  GREETINGS,
  HEDGING_ADJECTIVES,
  INTENSIFIER_STEP,
  isNegator,
  NEGATED_EXPECTATION_VALENCE,
  PHRASE_VALENCE,
  RETURN_INTENT_VALENCE,
  RETURN_VERBS,
  TWO_WORD_DAMPENERS,
} from './lexicon.js';
import { normaliseText } from './normalise.js';
import { splitSentences } from './sentences.js';
import { type Token, tokenise } from './tokenise.js';
import { lookUpWord, unelongated, type WordLookup } from './word-forms.js';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

/** Scores strictly inside ±0.05 are neutral: the threshold of the VADER paper, used by our evaluation too. */
export const NEUTRAL_BAND = 0.05;
/** Denial keeps about three quarters of a word's strength, reversed ("not good" is milder than "bad"). */
const NEGATION_SCALAR = -0.74;
/** A denied fault is faint praise: "not bad" is weaker than "good", as "not good" is not (litotes). */
const DENIED_FAULT_SCALAR = -0.5;
/** How far back a negator or intensifier reaches, in words, and how much it fades with distance. */
const LOOKBACK_DECAY = [1, 0.95, 0.9] as const;
/** Valence from which a word between a negator and a later word takes the denial ("never fails to impress"). */
const DENIAL_CLAIM_STRENGTH = 1;
const CAPS_EMPHASIS = 0.733;
const ELONGATION_EMPHASIS = 0.29;
const EXCLAMATION_EMPHASIS = 0.292;
const MAX_EXCLAMATIONS = 4;
const QUESTION_EMPHASIS = 0.18;
/** A plain question asks rather than asserts: "is the new app any good?" says less than "the new app is good". */
const QUESTION_WEIGHT = 0.75;
/** What a "why …?" question adds: a mild complaint, about as strong as "slow". */
const WHY_QUESTION_VALENCE = -1;
const BEFORE_CONTRAST_WEIGHT = 0.5;
const AFTER_CONTRAST_WEIGHT = 1.5;
const CLOSING_TONE_WEIGHT = AFTER_CONTRAST_WEIGHT;
/** A word in a name or title counts half: raters do react to "Worst Song" or "Happy Birthday", but less. */
const NAME_WEIGHT = 0.5;
/**
 * Below this valence (without courtesy) a text is a complaint whose courtesy carries no praise. At 0 every mildly
 * negative text lost its thanks, which cost the tweets corpus 0.0017 macro-F1 (conversational "thanks so much, I'm
 * numb"); −1 asks for about one clear fault.
 */
const COMPLAINT_VALENCE = -1;
/** Squashing constant: the sum s maps to s / √(s² + α), so one strong word lands near ±0.6. */
const SQUASH_ALPHA = 15;

interface Phrase {
  words: readonly string[];
  valence: number;
}

/** Phrases indexed by first word, longest first, so the longest expression wins. */
const PHRASES_BY_FIRST_WORD: ReadonlyMap<string, readonly Phrase[]> = (() => {
  const index = new Map<string, Phrase[]>();
  for (const [phrase, valence] of PHRASE_VALENCE) {
    const words = phrase.split(' ');
    const first = words[0]!;
    const list = index.get(first) ?? [];
    list.push({ words, valence });
    index.set(first, list);
  }
  for (const list of index.values()) list.sort((a, b) => b.words.length - a.words.length);
  return index;
})();

const LOOKBACK_FILLERS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'be', 'been', 'being']);
const HAS_LETTER = /\p{L}/u;

function isShouted(token: Token): boolean {
  return token.text.length > 1 && token.text === token.text.toUpperCase() && HAS_LETTER.test(token.text);
}

const TITLE_CASE = /^\p{Lu}\p{Ll}/u;

function isTitleCase(token: Token | undefined): boolean {
  return token !== undefined && token.kind === 'word' && TITLE_CASE.test(token.text);
}

/**
 * Marks the words inside a run of two or more capitalised words: a name or title ("Arrested Development", "Best
 * Western", "Happy Meal") names more than it judges. Not in a sentence whose words are mostly capitalised
 * (headline style), where capitals mark nothing.
 */
function wordsInNames(tokens: readonly Token[]): boolean[] {
  const inName: boolean[] = new Array(tokens.length).fill(false);
  let words = 0;
  let titled = 0;
  for (const token of tokens) {
    if (token.kind !== 'word') continue;
    words++;
    if (isTitleCase(token)) titled++;
  }
  if (titled * 2 > words) return inName;
  for (let i = 0; i < tokens.length; i++) {
    if (isTitleCase(tokens[i]) && (isTitleCase(tokens[i - 1]) || isTitleCase(tokens[i + 1])))
      inName[i] = true;
    else if (namesABrand(tokens, i)) inName[i] = true;
  }
  return inName;
}

const DETERMINERS: ReadonlySet<string> = new Set(
  'a an the my our your his her their its this that these those new old'.split(' '),
);
const LOWER_CASE_WORD = /^\p{Ll}/u;

/**
 * A single capitalised word between a determiner and a lower-case noun is a brand or model name, however
 * evaluative the word ("my Creative speaker", "the Brilliant range", "a Superb estate"): it names, not praises.
 */
function namesABrand(tokens: readonly Token[], index: number): boolean {
  const before = tokens[index - 1];
  const after = tokens[index + 1];
  return (
    isTitleCase(tokens[index]) &&
    before?.kind === 'word' &&
    DETERMINERS.has(before.text) &&
    after?.kind === 'word' &&
    LOWER_CASE_WORD.test(after.text)
  );
}

/** Capitals are emphasis only when the writer also uses lower case: an all-caps message is just loud. */
function hasMixedCase(tokens: readonly Token[]): boolean {
  let shouted = 0;
  let plain = 0;
  for (const token of tokens) {
    if (token.kind !== 'word' || !HAS_LETTER.test(token.text)) continue;
    if (isShouted(token)) shouted++;
    else plain++;
  }
  return shouted > 0 && plain > 0;
}

function phraseAt(tokens: readonly Token[], index: number): Phrase | undefined {
  const candidates = PHRASES_BY_FIRST_WORD.get(tokens[index]!.lower);
  if (candidates === undefined) return undefined;
  for (const phrase of candidates) {
    let matches = index + phrase.words.length <= tokens.length;
    for (let k = 1; matches && k < phrase.words.length; k++) {
      matches = tokens[index + k]!.lower === phrase.words[k];
    }
    if (matches) return phrase;
  }
  return undefined;
}

/**
 * Whether the word after `index` carries valence for the word at `index` to grade: an expletive intensifies only
 * then ("fucking great", not "damn it"), and "pretty" hedges only then ("pretty good", not "pretty dress").
 */
function gradesNextWord(tokens: readonly Token[], index: number): boolean {
  const next = tokens[index + 1];
  return next !== undefined && next.kind === 'word' && lookUpWord(next.lower) !== undefined;
}

/** "reaaally", "soooooo": an intensifier with a letter held is still that intensifier. */
function boosterIncrement(lower: string): number {
  const increment = BOOSTER_INCREMENT.get(lower);
  if (increment !== undefined) return increment;
  for (const plain of unelongated(lower)) {
    const plainIncrement = BOOSTER_INCREMENT.get(plain);
    if (plainIncrement !== undefined) return plainIncrement;
  }
  return 0;
}

function boosterAt(tokens: readonly Token[], index: number): number {
  const token = tokens[index]!;
  if (token.kind !== 'word') return 0;
  if (EXPLETIVE_INTENSIFIERS.has(token.lower) && gradesNextWord(tokens, index)) return INTENSIFIER_STEP;
  if (HEDGING_ADJECTIVES.has(token.lower) && gradesNextWord(tokens, index)) return -INTENSIFIER_STEP;
  const previous = tokens[index - 1];
  if (token.lower === 'of' || token.lower === 'little' || token.lower === 'bit') {
    if (previous !== undefined && TWO_WORD_DAMPENERS.has(`${previous.lower} ${token.lower}`)) {
      return BOOSTER_INCREMENT.get('bit')!;
    }
  }
  return boosterIncrement(token.lower);
}

function emojiValence(token: Token): number {
  const whole = EMOJI_VALENCE.get(token.lower);
  if (whole !== undefined) return whole;
  const firstCodePoint = String.fromCodePoint(token.lower.codePointAt(0)!);
  return EMOJI_VALENCE.get(firstCodePoint) ?? 0;
}

/**
 * "should have" and "could have" state what did not happen: "could have been friendlier", "should have arrived
 * on Monday" deny like "not" ("it could have been worse" is faint praise). Not "would have", which also tells a
 * hypothetical outcome ("that would have been the perfect name").
 */
const UNMET_MODALS: ReadonlySet<string> = new Set(['should', 'could', 'might']);
const UNMET_MODALS_CONTRACTED: ReadonlySet<string> = new Set([
  "should've",
  "could've",
  "might've",
  'shouldve',
  'couldve',
]);

function statesUnmet(word: string, previous: string | undefined): boolean {
  return (
    UNMET_MODALS_CONTRACTED.has(word) ||
    (word === 'have' && previous !== undefined && UNMET_MODALS.has(previous))
  );
}

/**
 * A negator, or "least" used as one ("the least helpful"): not in "at least" or "the very least", which concede,
 * nor the "not" of "why not", which suggests. An unmet "should have" or "could have" denies too.
 */
function deniesLikeNot(tokens: readonly Token[], index: number): boolean {
  const word = tokens[index]!.lower;
  const previous = tokens[index - 1]?.lower;
  if (word === 'not' && previous === 'why') return false;
  if (statesUnmet(word, previous)) return true;
  if (word !== 'least') return isNegator(word);
  return previous !== 'at' && previous !== 'very';
}

const DEGREE_WORDS: ReadonlySet<string> = new Set(['so', 'such', 'this']);

/**
 * "I have never been so disappointed", "never had such bad service", "I haven't been this happy in years" say the
 * quality was never reached before, which asserts it, strongly (VADER's "never so" rule). "not so good" and "not
 * such a good idea" still deny, so "so" and "such" compare only after "never".
 */
function comparesRatherThanDenies(negator: string, degree: string): boolean {
  return degree === 'this' || negator === 'never';
}

const CANNOT: ReadonlySet<string> = new Set(["can't", 'cant', 'cannot', "couldn't", 'couldnt']);
/** Comparatives that "couldn't be …" raises to the extreme: "couldn't be happier", "it couldn't have gone worse". */
const COMPARATIVES: ReadonlySet<string> = new Set(['better', 'worse', 'happier']);
/** Verbs of praise that "can't … enough" raises to the extreme: "can't thank them enough". */
const PRAISE_VERBS: ReadonlySet<string> = new Set(['thank', 'recommend', 'praise', 'commend']);
/** How far after the word "enough" may come: "can't recommend this place highly enough". */
const ENOUGH_REACH = 4;

/**
 * "couldn't be happier", "couldn't have gone worse", "can't thank you enough", "cannot recommend them highly
 * enough": what is denied is a limit, so the word holds at its extreme. Only after "can't" or "couldn't", and only
 * with a comparative or a verb of praise: "can't load fast enough" is still a complaint.
 */
function deniesOnlyALimit(tokens: readonly Token[], negator: number, index: number): boolean {
  const word = tokens[negator]!.lower;
  const previous = tokens[negator - 1]?.lower;
  if (!CANNOT.has(word) && !(word === 'not' && (previous === 'can' || previous === 'could'))) return false;
  const target = tokens[index]!.lower;
  if (COMPARATIVES.has(target)) return true;
  if (!PRAISE_VERBS.has(target)) return false;
  for (let k = index + 1; k < tokens.length && k <= index + ENOUGH_REACH; k++) {
    if (tokens[k]!.kind !== 'word') return false;
    if (tokens[k]!.lower === 'enough') return true;
  }
  return false;
}

/** An evaluative word (not a weak one such as "like") that a denial before it applies to instead of to later words. */
function takesDenial(token: Token): boolean {
  return !isNegator(token.lower) && Math.abs(lookUpWord(token.lower)?.valence ?? 0) >= DENIAL_CLAIM_STRENGTH;
}

/**
 * "Why was I charged twice?": a question that opens with "why" asks for a justification, which in feedback is a
 * complaint; "why not try it?" suggests instead.
 */
function asksWhy(tokens: readonly Token[]): boolean {
  if (tokens.at(-1)?.kind !== 'question') return false;
  const words = tokens.filter((token) => token.kind === 'word');
  return words[0]?.lower === 'why' && words[1]?.lower !== 'not';
}

/** Words before "well" that make it something other than "in a good way": "as well", "oh well", "may well". */
const NOT_MANNER_BEFORE_WELL: ReadonlySet<string> = new Set(['as', 'oh', 'may', 'might', 'could']);
const PARTICIPLE = /(?:ed|en)$|^(?:done|made|worth|kept|built|paid)$/;

/**
 * "well" praises as an adverb of manner ("it worked well", "well packaged") but not as a discourse marker
 * opening a sentence ("Well, I asked"), nor in "as well", "oh well" or "may well".
 */
function isDiscourseWell(tokens: readonly Token[], index: number): boolean {
  if (tokens[index]!.lower !== 'well') return false;
  const previous = tokens[index - 1];
  if (previous !== undefined && previous.kind === 'word') return NOT_MANNER_BEFORE_WELL.has(previous.lower);
  const next = tokens[index + 1];
  return next === undefined || next.kind !== 'word' || !PARTICIPLE.test(next.lower);
}

/**
 * Words that open a question: wh-words, auxiliaries and modals put first ("is it any good?", "can you help?"),
 * "any…" ("any good films on?") and the short tags that turn a statement into a question ("it's great, right?",
 * "it was lovely, wasn't it?", where only the tag asks).
 */
const QUESTION_OPENERS: ReadonlySet<string> = new Set(
  `
    what what's whats which who who's whom whose where where's wheres when when's why how how's hows
    is are am was were do does did can could would will should shall may might must have has had
    isn't isnt aren't arent wasn't weren't don't dont doesn't doesnt didn't didnt can't cant couldn't couldnt
    wouldn't wouldnt won't wont shouldn't shouldnt haven't hasn't
    any anyone anybody anything right eh innit no yes ok okay
  `
    .trim()
    .split(/\s+/),
);
/** Words that join clauses without starting a new question: "and how was it?", "so is it any good?". */
const CLAUSE_JOINERS: ReadonlySet<string> = new Set(['and', 'but', 'or', 'so']);

/** A sentence that ends in "?" (one or more), before any closing quote, bracket or face: "Is it any good?" :) */
function endsAsQuestion(tokens: readonly Token[]): boolean {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const kind = tokens[i]!.kind;
    if (kind === 'question') return true;
    if (kind !== 'clauseBreak' && kind !== 'emoticon' && kind !== 'emoji') return false;
  }
  return false;
}

/**
 * Where the question of a sentence that ends in "?" begins: at the last word that opens a clause and opens a
 * question ("Thanks for the quick reply, can you send the invoice?" asks from "can"); without one, at the start of
 * the last clause ("Good value, perhaps?").
 */
function questionStart(tokens: readonly Token[]): number {
  let clauseStart = 0;
  let opener = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word') {
      if (token.kind !== 'question') clauseStart = i + 1;
      continue;
    }
    if (i !== clauseStart) continue;
    if (CLAUSE_JOINERS.has(token.lower)) clauseStart = i + 1;
    else if (QUESTION_OPENERS.has(token.lower)) opener = i;
  }
  return opener >= 0 ? opener : clauseStart;
}

/**
 * Praise inside a question is asked about, not given: "is the premium plan any good?", "any good films on?", "can
 * you help?", "what's a good time to call?" report nothing good. A fault in a question keeps its weight, because in
 * feedback it is usually the complaint itself ("why is it so slow?", "is anyone going to fix this broken app?"),
 * and so do laughter, interjections and faces, which are the writer's tone rather than what is asked.
 */
function dropAskedPraise(tokens: readonly Token[], valences: number[]): void {
  if (!endsAsQuestion(tokens)) return;
  for (let i = questionStart(tokens); i < tokens.length; i++) {
    const token = tokens[i]!;
    if (valences[i]! <= 0 || token.kind !== 'word' || lookUpWord(token.lower)?.interjection) continue;
    valences[i] = 0;
  }
}

/** A sentence ending in a single "?": a question, not the "??" or "?!" of indignation (that is emphasis). */
function isPlainQuestion(tokens: readonly Token[]): boolean {
  const last = tokens.at(-1);
  const beforeLast = tokens.at(-2);
  return last?.kind === 'question' && beforeLast?.kind !== 'question' && beforeLast?.kind !== 'exclamation';
}

/** What the word rules read from a sentence besides its tokens, worked out once per sentence. */
interface SentenceView {
  tokens: readonly Token[];
  mixedCase: boolean;
  /** Each token's intensifier (+) or dampener (−) increment, 0 for other tokens. */
  increments: readonly number[];
}

/**
 * Valence of the word at `index` after intensifiers, negation and emphasis. `found` and `deniedValence` default to
 * the word's own entries; a rule that reads a construction at this word passes its own.
 */
function wordValence(
  sentence: SentenceView,
  index: number,
  found = lookUpWord(sentence.tokens[index]!.lower),
  deniedValence = NEGATED_EXPECTATION_VALENCE.get(sentence.tokens[index]!.lower),
): number {
  const { tokens, mixedCase, increments } = sentence;
  const token = tokens[index]!;
  const next = tokens[index + 1];
  // An intensifier before a word modifies that word and says nothing itself ("super helpful"); at the end of a
  // clause it is a judgement ("it was super").
  if (increments[index] !== 0 && next !== undefined && next.kind === 'word') return 0;
  if ((token.lower === 'kind' || token.lower === 'sort') && next?.lower === 'of') return 0;

  if (isDiscourseWell(tokens, index)) return 0;
  let valence = found?.valence ?? 0;

  let negated = false;
  // "never fails to impress", "not happy and angry": the nearer evaluative word takes the denial for itself.
  let claimedDenial = false;
  // "never been so rude", "haven't been this happy in years": the degree word makes the denial a comparison.
  let degree: string | undefined;
  let boost = 0;
  let cursor = index;
  for (let distance = 1; distance <= LOOKBACK_DECAY.length; distance++) {
    cursor--;
    // Articles and copulas do not use up the reach: "wouldn't be such a bad idea" still denies "bad".
    while (cursor > 0 && LOOKBACK_FILLERS.has(tokens[cursor]!.lower)) cursor--;
    const before = tokens[cursor];
    if (before === undefined || before.kind !== 'word' || CONTRAST_FORWARD.has(before.lower)) break;
    if (DEGREE_WORDS.has(before.lower)) degree ??= before.lower;
    if (deniesLikeNot(tokens, cursor) && !claimedDenial) {
      if (degree !== undefined && comparesRatherThanDenies(before.lower, degree)) {
        claimedDenial = true;
        boost += degree === 'this' ? INTENSIFIER_STEP : 0;
      } else if (deniesOnlyALimit(tokens, cursor, index)) {
        claimedDenial = true;
        boost += INTENSIFIER_STEP;
      } else negated = true;
    }
    const increment = increments[cursor]!;
    if (increment === 0 && takesDenial(before)) claimedDenial = true;
    if (increment !== 0) {
      const capsBoost = mixedCase && isShouted(before) ? Math.sign(increment) * CAPS_EMPHASIS : 0;
      boost += (increment + capsBoost) * LOOKBACK_DECAY[distance - 1]!;
    }
  }

  // "no no no" is one refusal said three times, not a refusal denied.
  if (negated && isNegator(token.lower)) negated = false;
  if (negated && deniedValence !== undefined) return deniedValence;
  if (valence === 0) return 0;

  const direction = Math.sign(valence);
  valence += direction * boost;
  if (mixedCase && isShouted(token)) valence += direction * CAPS_EMPHASIS;
  if (found?.elongated) valence += direction * ELONGATION_EMPHASIS;
  if (!negated || found?.interjection) return valence;
  return valence * (valence < 0 ? DENIED_FAULT_SCALAR : NEGATION_SCALAR);
}

/** "hassle free", written open: read as "hassle-free" (the fault is absent) when the first word is a fault. */
function freeOfFault(tokens: readonly Token[], index: number): WordLookup | undefined {
  const word = tokens[index]!.lower;
  if (tokens[index + 1]?.lower !== 'free' || (lookUpWord(word)?.valence ?? 0) >= 0) return undefined;
  return lookUpWord(`${word}-free`);
}

const RETURN_INTENT: WordLookup = { valence: RETURN_INTENT_VALENCE, elongated: false, interjection: false };
/** How far before "again" its verb may stand: "would use this company again". */
const RETURN_VERB_REACH = 3;

/**
 * "again" after a verb of custom ("would order again", "will use them again", "would stay here again") promises a
 * return; the promise is read at the verb, so a denial before the verb makes it a churn signal ("I will never use
 * this company again"). After other verbs "again" stays plain ("charged again", "it broke again").
 * @returns the index of the verb, or -1
 */
function promisedReturnVerb(tokens: readonly Token[], index: number): number {
  if (tokens[index]!.lower !== 'again') return -1;
  for (let back = index - 1; back >= 0 && back >= index - RETURN_VERB_REACH; back--) {
    const token = tokens[back]!;
    if (token.kind !== 'word') return -1;
    if (RETURN_VERBS.has(token.lower)) return back;
  }
  return -1;
}

/** Weighs clauses by contrast: after "but" counts more, before it less; "although X, Y" weakens X. */
function applyContrast(tokens: readonly Token[], valences: number[]): void {
  let lastForward = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind === 'word' && CONTRAST_FORWARD.has(tokens[i]!.lower)) lastForward = i;
  }
  if (lastForward > 0) {
    for (let i = 0; i < valences.length; i++) {
      valences[i]! *= i < lastForward ? BEFORE_CONTRAST_WEIGHT : AFTER_CONTRAST_WEIGHT;
    }
    return;
  }
  const first = tokens[0];
  if (first === undefined || !CONTRAST_CONCESSIVE.has(first.lower)) return;
  const clauseEnd = tokens.findIndex((t) => t.kind === 'clauseBreak');
  if (clauseEnd < 0) return;
  for (let i = 0; i < valences.length; i++) {
    valences[i]! *= i < clauseEnd ? BEFORE_CONTRAST_WEIGHT : AFTER_CONTRAST_WEIGHT;
  }
}

/** A face, emoji or laugh at the end of a sentence is the writer's comment on all of it: ":)" after a complaint. */
function isToneMarker(token: Token): boolean {
  if (token.kind === 'emoticon' || token.kind === 'emoji') return true;
  return token.kind === 'word' && lookUpWord(token.lower)?.interjection === true;
}

/** Weighs the tone markers that close a sentence (before its final punctuation) as the clause after "but". */
function weighClosingTone(tokens: readonly Token[], valences: number[]): void {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (token.kind === 'exclamation' || token.kind === 'question' || token.kind === 'clauseBreak') continue;
    if (!isToneMarker(token)) return;
    valences[i]! *= CLOSING_TONE_WEIGHT;
  }
}

function punctuationEmphasis(tokens: readonly Token[]): number {
  let exclamations = 0;
  let questions = 0;
  for (const token of tokens) {
    if (token.kind === 'exclamation') exclamations++;
    else if (token.kind === 'question') questions++;
  }
  const questionEmphasis = questions > 1 ? Math.min(questions, 3) * QUESTION_EMPHASIS : 0;
  return Math.min(exclamations, MAX_EXCLAMATIONS) * EXCLAMATION_EMPHASIS + questionEmphasis;
}

/** One sentence's valence, with and without what its courtesy formulas add. */
export interface SentenceReading {
  valence: number;
  /** The valence if its courtesy formulas ("thanks", "please help") carried nothing: what a complaint keeps. */
  withoutCourtesy: number;
}

/** Sums a sentence's word valences and applies the sentence-wide rules (emphasis, "why", plain question). */
function sentenceSum(tokens: readonly Token[], valences: readonly number[]): number {
  let sum = 0;
  for (const valence of valences) sum += valence;
  if (sum !== 0) sum += Math.sign(sum) * punctuationEmphasis(tokens);
  if (asksWhy(tokens)) sum += WHY_QUESTION_VALENCE;
  if (isPlainQuestion(tokens)) sum *= QUESTION_WEIGHT;
  return sum;
}

/**
 * Unsquashed valence of one sentence's tokens, with and without its courtesy formulas.
 * @example readSentence(tokenise('not good')).valence < 0
 */
export function readSentence(tokens: readonly Token[]): SentenceReading {
  const sentence: SentenceView = {
    tokens,
    mixedCase: hasMixedCase(tokens),
    increments: tokens.map((_, index) => boosterAt(tokens, index)),
  };
  const inName = wordsInNames(tokens);
  const valences: number[] = new Array(tokens.length).fill(0);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'emoticon') valences[i] = emoticonValence(token.text);
    else if (token.kind === 'emoji') valences[i] = emojiValence(token);
    else if (token.kind === 'word') {
      const phrase = phraseAt(tokens, i);
      const openCompound = phrase === undefined ? freeOfFault(tokens, i) : undefined;
      const returnVerb = promisedReturnVerb(tokens, i);
      if (phrase !== undefined) {
        valences[i] = phrase.valence;
        i += phrase.words.length - 1;
      } else if (openCompound !== undefined) {
        valences[i] = wordValence(sentence, i, openCompound);
        i++;
      } else if (returnVerb >= 0) {
        valences[i] = wordValence(
          sentence,
          returnVerb,
          RETURN_INTENT,
          NEGATED_EXPECTATION_VALENCE.get('again'),
        );
      } else {
        valences[i] = wordValence(sentence, i) * (inName[i] ? NAME_WEIGHT : 1);
      }
    }
  }
  dropAskedPraise(tokens, valences);
  quietJudgedDimensions(tokens, valences);
  turnIronicPraise(tokens, valences);
  applyContrast(tokens, valences);
  weighClosingTone(tokens, valences);
  const valence = sentenceSum(tokens, valences);
  const courtesy = courtesyMask(tokens);
  let polite = false;
  for (let i = 0; i < valences.length; i++) {
    if (courtesy[i] && valences[i]! > 0) {
      valences[i] = 0;
      polite = true;
    }
  }
  return { valence, withoutCourtesy: polite ? sentenceSum(tokens, valences) : valence };
}

/**
 * Unsquashed valence of one sentence's tokens taken alone.
 * @example sentenceValence(tokenise('not good')) < 0
 */
export function sentenceValence(tokens: readonly Token[]): number {
  return readSentence(tokens).valence;
}

/**
 * Each sentence's valence within its document: when the text without its courtesy formulas is a complaint, its
 * "thanks" and "please help" are manners and carry no praise ("On hold for 3 hours. Please help!").
 */
export function sentenceValences(sentenceTokens: readonly (readonly Token[])[]): number[] {
  const readings = sentenceTokens.map(readSentence);
  // "Perfect. Cancelled again.": a bare exclamation of praise before a stated failure is irony.
  for (let i = 0; i + 1 < readings.length; i++) {
    if (
      readings[i]!.valence > 0 &&
      isBarePraise(sentenceTokens[i]!) &&
      statesFailure(sentenceTokens[i + 1]!)
    ) {
      const ironic = readings[i]!.valence * IRONY_SCALAR;
      readings[i] = { valence: ironic, withoutCourtesy: ironic };
    }
  }
  let withoutCourtesy = 0;
  for (const reading of readings) withoutCourtesy += reading.withoutCourtesy;
  const complaint = withoutCourtesy < COMPLAINT_VALENCE;
  return readings.map((reading) => (complaint ? reading.withoutCourtesy : reading.valence));
}

/**
 * Unsquashed valence of a document from its sentences. A sentence that opens with "But" or "However" answers what
 * came before, so it outweighs it exactly as the clause after a "but" does inside one sentence. A greeting counts
 * only in a text with nothing else to say.
 * @example documentValence(tokenised, valences) for "Great food. But the service was awful." is negative
 */
export function documentValence(
  sentenceTokens: readonly (readonly Token[])[],
  valences: readonly number[],
): number {
  let sum = 0;
  for (let index = 0; index < valences.length; index++) {
    const firstWord = sentenceTokens[index]!.find((token) => token.kind === 'word');
    if (index > 0 && firstWord !== undefined && CONTRAST_FORWARD.has(firstWord.lower)) {
      sum = sum * BEFORE_CONTRAST_WEIGHT + valences[index]! * AFTER_CONTRAST_WEIGHT;
    } else {
      sum += valences[index]!;
    }
  }
  return sum === 0 && sentenceTokens.some(greets) ? GREETING_VALENCE : sum;
}

function greets(tokens: readonly Token[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (GREETINGS.has(`${tokens[i]!.lower} ${tokens[i + 1]!.lower}`)) return true;
  }
  return false;
}

/** Squashes a valence sum into −1…+1. */
export function squashValence(sum: number): number {
  return sum === 0 ? 0 : sum / Math.sqrt(sum * sum + SQUASH_ALPHA);
}

export function sentimentLabel(score: number): SentimentLabel {
  if (score > NEUTRAL_BAND) return 'positive';
  if (score < -NEUTRAL_BAND) return 'negative';
  return 'neutral';
}

/**
 * Sentiment of a whole text in −1…+1: the fast path (no topics, flags or PII). Equals
 * `analyseFeedback({ text }).sentiment.score` for English text.
 * @example sentimentScore('Still waiting for my refund, no one called back') < -0.5
 */
export function sentimentScore(text: string): number {
  const normalised = normaliseText(text).text;
  const sentenceTokens = splitSentences(normalised).map((sentence) =>
    tokenise(normalised, sentence.start, sentence.end),
  );
  return squashValence(documentValence(sentenceTokens, sentenceValences(sentenceTokens)));
}
