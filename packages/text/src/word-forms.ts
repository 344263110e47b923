/**
 * Finds a word's valence when the lexicon lists another form of it: regular inflections ("nicest" → "nice",
 * "woes" → "woe", "pleasantly" → "pleasant", "loved" → "love"), informal spellings ("lovin", "hahahah", "lolol")
 * and elongations ("soooo goood"). The lexicons list base forms unevenly, and customers write informally.
 */
import { ADJECTIVE_ONLY, WORD_VALENCE } from './lexicon.js';

export interface WordLookup {
  valence: number;
  /** Written with a letter held ("goood"): the writer's emphasis. */
  elongated: boolean;
}

/** Shorter words are too often whole words that merely end like an inflection ("bed", "bus", "sing"). */
const MIN_INFLECTED_LENGTH = 5;
const SIBILANT_PLURAL = /(?:s|x|z|ch|sh)es$/;
const ELONGATED = /(\p{L})\1{2,}/gu;
const LAUGHTER = /^a?(?:h[ae]){2,}h?$/;
const LOL = /^l(?:o+l)+z?$/;

function valenceOf(word: string): number | undefined {
  return WORD_VALENCE.get(word);
}

/** Nouns and verbs inflect with -s, -ed, -ing; an adjective-only entry ("mean", "live") must not match "means". */
function nounOrVerbValence(word: string): number | undefined {
  return ADJECTIVE_ONLY.has(word) ? undefined : WORD_VALENCE.get(word);
}

/** A stem as written, with its silent e restored ("lov" → "love"), or with its doubled consonant undone. */
function stemValence(stem: string, lookUp: (word: string) => number | undefined): number | undefined {
  const asWritten = lookUp(stem) ?? lookUp(`${stem}e`);
  if (asWritten !== undefined) return asWritten;
  const last = stem.length - 1;
  return stem[last] === stem[last - 1] ? lookUp(stem.slice(0, last)) : undefined;
}

/** Valence of a regular inflection of a listed word. Comparatives in -er are left out: "later" is not "late". */
function inflectedValence(word: string): number | undefined {
  if (word.length < MIN_INFLECTED_LENGTH) return undefined;
  // Adjective forms: superlatives and adverbs.
  if (word.endsWith('iest')) return valenceOf(`${word.slice(0, -4)}y`);
  if (word.endsWith('est')) return stemValence(word.slice(0, -3), valenceOf);
  if (word.endsWith('ily')) return valenceOf(`${word.slice(0, -3)}y`);
  if (word.endsWith('bly')) return valenceOf(`${word.slice(0, -1)}e`);
  if (word.endsWith('ly')) return valenceOf(word.slice(0, -2));
  // Noun and verb forms.
  if (word.endsWith("'s")) return nounOrVerbValence(word.slice(0, -2));
  if (word.endsWith('ies') || word.endsWith('ied')) return nounOrVerbValence(`${word.slice(0, -3)}y`);
  if (SIBILANT_PLURAL.test(word)) return nounOrVerbValence(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) return nounOrVerbValence(word.slice(0, -1));
  if (word.endsWith('ed')) return stemValence(word.slice(0, -2), nounOrVerbValence);
  if (word.endsWith('ing')) return stemValence(word.slice(0, -3), nounOrVerbValence);
  return undefined;
}

/** Informal spellings: laughter of any length, "lolol", and the dropped g of "lovin". */
function informalValence(word: string): number | undefined {
  if (LAUGHTER.test(word)) return valenceOf('haha');
  if (LOL.test(word)) return valenceOf('lol');
  if (word.endsWith('in') && word.length >= MIN_INFLECTED_LENGTH) return valenceOf(`${word}g`);
  return undefined;
}

/**
 * @example lookUpWord('nicest')?.valence === lookUpWord('nice')?.valence
 * @example lookUpWord('goooood')?.elongated === true
 */
export function lookUpWord(lower: string): WordLookup | undefined {
  const valence = valenceOf(lower) ?? informalValence(lower) ?? inflectedValence(lower);
  if (valence !== undefined) return { valence, elongated: false };
  if (!ELONGATED.test(lower)) return undefined;
  ELONGATED.lastIndex = 0;
  // "soooo goood": try the doubled letter first ("good"), then the single ("so").
  const doubled = valenceOf(lower.replace(ELONGATED, '$1$1'));
  if (doubled !== undefined) return { valence: doubled, elongated: true };
  const single = valenceOf(lower.replace(ELONGATED, '$1'));
  return single === undefined ? undefined : { valence: single, elongated: true };
}
