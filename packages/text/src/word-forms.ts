/**
 * Finds a word's valence when the lexicon lists another form of it: regular inflections ("nicest" → "nice",
 * "woes" → "woe", "pleasantly" → "pleasant", "loved" → "love"), informal spellings ("lovin", "hahahah", "lolol")
 * and elongations ("soooo goood"). The lexicons list base forms unevenly, and customers write informally.
 */
import { DIMENSION_NOUNS } from './dimensions.js';
import { ADJECTIVE_ONLY, BOOSTER_INCREMENT, INTERJECTIONS, PHRASE_VALENCE, WORD_VALENCE } from './lexicon.js';
import { rememberAnswers } from './remember.js';

export interface WordLookup {
  valence: number;
  /** Written with a letter held ("goood"): the writer's emphasis. */
  elongated: boolean;
  /** A form of an interjection or of laughter ("lolol", "yaaay"): a comment on the message, never negated. */
  interjection: boolean;
}

/** Shorter words are too often whole words that merely end like an inflection ("bed", "bus", "sing"). */
const MIN_INFLECTED_LENGTH = 5;
const SIBILANT_PLURAL = /(?:s|x|z|ch|sh)es$/;
const ELONGATED = /(\p{L})\1{2,}/gu;
const LAUGHTER = /^a?(?:h[ae]){2,}h?$/;
const LOL = /^l(?:o+l)+z?$/;

/** "non-violent", "anti-theft": the prefix denies the head. */
const DENYING_PREFIXES: ReadonlySet<string> = new Set(['non', 'anti', 'no', 'un']);
/** An absent or denied quality keeps part of its strength, reversed (as negation does in the sentence rules). */
const ABSENCE_SCALAR = 0.74;
/** A compound's head under a descriptive modifier counts half ("someone-awesome" is not "awesome"). */
const COMPOUND_HEAD_SCALAR = 0.5;
/** "un" + at least four letters: "unwell", "unresolved", but not "under" or "unit". */
const MIN_PREFIXED_LENGTH = 6;
/** A quality needs this much valence for its "un" form to count: weak entries are too often other senses. */
const MIN_DENIED_QUALITY = 1;
/** A participle needs this much valence to lend it to its verb's other forms. */
const MIN_SIBLING_STRENGTH = 3;
/** Shorter cuts are mostly not verbs ("los" from "losing"). */
const MIN_VERB_LENGTH = 4;
const NO_VALENCE: WordLookup = { valence: 0, elongated: false, interjection: false };

/** Each finder below answers with the lexicon entry a written form belongs to, or undefined. */
type EntryFinder = (word: string) => string | undefined;

const listed: EntryFinder = (word) => (WORD_VALENCE.has(word) ? word : undefined);

/** Nouns and verbs inflect with -s, -ed, -ing; an adjective-only entry ("mean", "live") must not match "means". */
const listedNounOrVerb: EntryFinder = (word) => (ADJECTIVE_ONLY.has(word) ? undefined : listed(word));

/** A stem as written, with its silent e restored ("lov" → "love"), or with its doubled consonant undone. */
function stemEntry(stem: string, find: EntryFinder): string | undefined {
  const asWritten = find(stem) ?? find(`${stem}e`);
  if (asWritten !== undefined) return asWritten;
  const last = stem.length - 1;
  return stem[last] === stem[last - 1] ? find(stem.slice(0, last)) : undefined;
}

/**
 * A plural or third-person form in -s: "woes", "boxes", and "loses", "causes", whose "-es" is a silent e plus s
 * rather than the "-es" of a sibilant ("buses").
 */
function thirdPersonEntry(word: string, find: EntryFinder): string | undefined {
  const withoutS = word.slice(0, -1);
  return SIBILANT_PLURAL.test(word) ? (find(word.slice(0, -2)) ?? find(withoutS)) : find(withoutS);
}

/** The entry of a regular inflection. Comparatives in -er are left out: "later" is not "late". */
function inflectedEntry(word: string): string | undefined {
  if (word.length < MIN_INFLECTED_LENGTH) return undefined;
  // Adjective forms: superlatives and adverbs.
  if (word.endsWith('iest')) return listed(`${word.slice(0, -4)}y`);
  if (word.endsWith('est')) return stemEntry(word.slice(0, -3), listed);
  if (word.endsWith('ily')) return listed(`${word.slice(0, -3)}y`);
  if (word.endsWith('bly')) return listed(`${word.slice(0, -1)}e`);
  if (word.endsWith('ly')) return listed(word.slice(0, -2));
  // The quality as a noun: "rudeness", "laziness", "helpfulness".
  if (word.endsWith('iness')) return listed(`${word.slice(0, -5)}y`);
  if (word.endsWith('ness')) return listed(word.slice(0, -4));
  // Noun and verb forms.
  if (word.endsWith("'s")) return listedNounOrVerb(word.slice(0, -2));
  if (word.endsWith('ies') || word.endsWith('ied')) return listedNounOrVerb(`${word.slice(0, -3)}y`);
  if (word.endsWith('s') && !word.endsWith('ss')) return thirdPersonEntry(word, listedNounOrVerb);
  if (word.endsWith('ed')) return stemEntry(word.slice(0, -2), listedNounOrVerb);
  if (word.endsWith('ing')) return stemEntry(word.slice(0, -3), listedNounOrVerb);
  return undefined;
}

/** Informal spellings: laughter of any length, "lolol", and the dropped g of "lovin". */
function informalEntry(word: string): string | undefined {
  if (LAUGHTER.test(word)) return listed('haha');
  if (LOL.test(word)) return listed('lol');
  if (word.endsWith('in') && word.length >= MIN_INFLECTED_LENGTH) return listed(`${word}g`);
  return undefined;
}

function entryOf(word: string): string | undefined {
  return listed(word) ?? informalEntry(word) ?? inflectedEntry(word) ?? verbSiblingEntry(word);
}

/** The verbs a participle can come from: "thrilled" → thrill, "losing" → los, lose; "stopped" → stopp, stop. */
function participleBases(word: string): string[] {
  if (word.endsWith('ied')) return [`${word.slice(0, -3)}y`];
  if (!word.endsWith('ing') && !word.endsWith('ed')) return [];
  const stem = word.slice(0, word.endsWith('ing') ? -3 : -2);
  const bases = [stem, `${stem}e`];
  if (stem.at(-1) === stem.at(-2)) bases.push(stem.slice(0, -1));
  return bases;
}

/**
 * Strongly evaluative participles by their verb: "thrilled", "losing", "frightened" lend their valence to the
 * verb's other forms ("thrills", "thrilling", "lose", "frightens"), which the lists often lack. Only strong
 * entries: a weak one's other forms too often have another sense ("focused" is praise, "focus" is not).
 */
const PARTICIPLE_BY_VERB: ReadonlyMap<string, string> = (() => {
  const byVerb = new Map<string, string>();
  for (const [word, valence] of WORD_VALENCE) {
    if (Math.abs(valence) < MIN_SIBLING_STRENGTH || ADJECTIVE_ONLY.has(word)) continue;
    for (const verb of participleBases(word)) {
      if (verb.length >= MIN_VERB_LENGTH && !byVerb.has(verb)) byVerb.set(verb, word);
    }
  }
  return byVerb;
})();

const participleOf: EntryFinder = (verb) => PARTICIPLE_BY_VERB.get(verb);

function verbSiblingEntry(word: string): string | undefined {
  const asVerb = participleOf(word);
  if (asVerb !== undefined) return asVerb;
  if (word.endsWith('ies')) return participleOf(`${word.slice(0, -3)}y`);
  if (word.endsWith('s') && !word.endsWith('ss')) return thirdPersonEntry(word, participleOf);
  if (word.endsWith('ed')) return stemEntry(word.slice(0, -2), participleOf);
  if (word.endsWith('ing')) return stemEntry(word.slice(0, -3), participleOf);
  return undefined;
}

function lookUp(entry: string, elongated: boolean): WordLookup {
  return { valence: WORD_VALENCE.get(entry)!, elongated, interjection: INTERJECTIONS.has(entry) };
}

/**
 * A hyphenated compound the lexicon lacks takes its valence from its head, the last part ("user-friendly",
 * "God-awful"); a denying prefix reverses it ("non-violent"); "-free" means the first part is absent, so
 * "hassle-free" is good and "sugar-free" merely describes.
 */
function compoundLookup(lower: string): WordLookup | undefined {
  const hyphen = lower.lastIndexOf('-');
  if (hyphen < 0) return undefined;
  const modifier = lower.slice(0, hyphen);
  const head = lower.slice(hyphen + 1);
  if (head === 'free') {
    const absent = lookUpWord(modifier);
    return absent !== undefined && absent.valence < 0
      ? { valence: -absent.valence * ABSENCE_SCALAR, elongated: false, interjection: false }
      : NO_VALENCE;
  }
  const found = lookUpWord(head);
  if (found === undefined) return undefined;
  if (DENYING_PREFIXES.has(lower.slice(0, lower.indexOf('-')))) {
    return { ...found, valence: found.valence * -ABSENCE_SCALAR };
  }
  // "low-quality", "poor-quality": the pair as a phrase, or the modifier's verdict on a judged dimension.
  const phrase = PHRASE_VALENCE.get(`${modifier} ${head}`);
  if (phrase !== undefined) return { valence: phrase, elongated: false, interjection: false };
  const judge = lookUpWord(modifier);
  if (DIMENSION_NOUNS.has(head) && judge !== undefined) return { ...judge, elongated: false };
  // The modifier grades or judges the head ("super-friendly", "God-awful"): the head's full valence.
  if (BOOSTER_INCREMENT.has(modifier) || judge !== undefined) return found;
  // Otherwise the head describes part of something ("user-friendly", "someone-awesome"): half its weight.
  return { ...found, valence: found.valence * COMPOUND_HEAD_SCALAR };
}

/**
 * "un" before a listed good quality denies it ("unimpressive", "unresolved", "unlikeable"). Only good qualities:
 * "un" before a fault ("undead", "unlimited") rarely makes praise.
 */
function deniedByPrefix(lower: string): WordLookup | undefined {
  if (!lower.startsWith('un') || lower.length < MIN_PREFIXED_LENGTH) return undefined;
  const quality = entryOf(lower.slice(2));
  const valence = quality === undefined ? 0 : WORD_VALENCE.get(quality)!;
  return valence >= MIN_DENIED_QUALITY
    ? { valence: valence * -ABSENCE_SCALAR, elongated: false, interjection: false }
    : undefined;
}

const DOUBLED_LETTERS = /(\p{L})\1+/gu;
/** Entries long and strong enough to recognise with a doubled letter missed or added. */
const MIN_RESPELT_LENGTH = 7;
const MIN_RESPELT_STRENGTH = 1.5;

function withSingleLetters(word: string): string {
  return word.replace(DOUBLED_LETTERS, '$1');
}

/**
 * The strong entries with a doubled letter, by their spelling with every letter single: customers write
 * "dissapointed", "terible", "proffesional", "wonderfull". Long entries only, so that a real word rarely collides
 * (checked against WordNet's lemmas: "griping" is read as "gripping", "diligence" as itself).
 */
const ENTRY_BY_SINGLE_LETTERS: ReadonlyMap<string, string> = (() => {
  const byKey = new Map<string, string>();
  for (const [word, valence] of WORD_VALENCE) {
    if (word.length < MIN_RESPELT_LENGTH || Math.abs(valence) < MIN_RESPELT_STRENGTH) continue;
    const key = withSingleLetters(word);
    if (!byKey.has(key)) byKey.set(key, word);
  }
  return byKey;
})();

function findWord(lower: string): WordLookup | undefined {
  const entry = entryOf(lower);
  if (entry !== undefined) return lookUp(entry, false);
  const compound = compoundLookup(lower) ?? deniedByPrefix(lower);
  if (compound !== undefined) return compound;
  let elongatedEntry: string | undefined;
  for (const plain of unelongated(lower)) elongatedEntry ??= entryOf(plain);
  if (elongatedEntry !== undefined) return lookUp(elongatedEntry, true);
  const respelt = ENTRY_BY_SINGLE_LETTERS.get(withSingleLetters(lower));
  return respelt === undefined ? undefined : lookUp(respelt, false);
}

/**
 * The plain spellings of a word written with a letter held, most likely first: "goood" → good, god; "soooo" →
 * soo, so. Empty for a word without a held letter.
 */
export function unelongated(lower: string): string[] {
  if (!hasHeldLetter(lower)) return [];
  return [lower.replace(ELONGATED, '$1$1'), lower.replace(ELONGATED, '$1')];
}

/** Three of a character in a row: a plain loop, because this runs on every word and the regex is slower. */
function hasHeldLetter(word: string): boolean {
  for (let i = 2; i < word.length; i++) {
    if (word[i] === word[i - 1] && word[i] === word[i - 2]) return true;
  }
  return false;
}

/** How many words' answers are remembered before the memory starts over. */
const MAX_REMEMBERED_WORDS = 50_000;

/**
 * @example lookUpWord('nicest')?.valence === lookUpWord('nice')?.valence
 * @example lookUpWord('goooood')?.elongated === true
 */
export const lookUpWord: (lower: string) => WordLookup | undefined = rememberAnswers(
  findWord,
  MAX_REMEMBERED_WORDS,
);
