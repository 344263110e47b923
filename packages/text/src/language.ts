/**
 * Language identification for routing, not linguistics: is this English we can score, and if not, what is it?
 * Non-Latin scripts are told apart by Unicode script; Latin-script languages by their most frequent function
 * words, which short feedback still contains ("the", "de", "und", "che").
 */

import { WORD_VALENCE } from './lexicon.js';
import type { Token } from './tokenise.js';

export interface DetectedLanguage {
  /** ISO 639-1 code, or 'und' when there is too little text to tell. */
  code: string;
  /** 0…1: the share of the evidence that points to `code`. */
  confidence: number;
  /** True when the text was analysed in full (English, or undetermined Latin-script text such as "ok 10/10"). */
  analysed: boolean;
}

const FUNCTION_WORDS: Readonly<Record<string, string>> = {
  // The common English words too, including those other languages share ("a", "as", "in", "no", "me"): a shared
  // word splits its vote, so "As steamy as a dumpling" is not Portuguese for its "as" and "a".
  en: "the and is was are were it this that to of for with my you your i me we our have has had not but very be been they their there what when would could should will just from at on an about after no still again got all any a as in by or so do did does if he she his her him us who how why where which than then too also only more most some one up out into over like get go can am it's i'm don't didn't can't",
  fr: 'le la les des est et un une pas je vous nous il elle du au aux avec pour mais tres très que qui dans sur ce cette mon ma mes votre été avoir suis ne personne rien jamais plus ai trop ont sont',
  de: 'der die das und ist nicht ich sie es ein eine mit für auf den dem des zu war sehr aber wir ihr mein meine kein keine noch auch bei nach wurde nie wieder nichts schon immer seit habe hat kam',
  es: 'el la los las es y un una no yo usted muy pero que en con para por del al mi su fue está estaba lo como más nada servicio me han nadie nunca hasta sin ni ya',
  it: 'il lo la gli le è e un una non io molto ma che di con per del della mio mia sono stato questo questa anche ancora nel mai niente nessuno ho più',
  pt: 'o a os as é e um uma não eu muito mas que de com para do da meu minha foi está estava isso nem você vocês ao pelo',
  nl: 'de het een en is niet ik je jij zijn was met voor op van maar heel ook nog geen mijn wij hun dat dit er naar bij nooit niets heb zo niemand al',
  sv: 'och är inte jag det en ett att med för på av men mycket var har min mitt vi ni de som till från aldrig ingen inget ännu kom',
  da: 'og er ikke jeg det en et at med for på af men meget var har min mit vi de som til fra også endnu aldrig ingen mig kommet',
  pl: 'i jest nie jak to w z na do że się ale bardzo był była mój moja my oni co tak już jeszcze tej pory nikt nigdy mi mnie ani',
  tr: 've bir bu çok ama için ile değil ben sen biz da de mi ne gibi daha olarak var yok kimse hiç hiçbir',
};

const WORD_LANGUAGES: ReadonlyMap<string, readonly string[]> = (() => {
  const index = new Map<string, string[]>();
  for (const [code, words] of Object.entries(FUNCTION_WORDS)) {
    for (const word of words.split(' ')) {
      const codes = index.get(word) ?? [];
      codes.push(code);
      index.set(word, codes);
    }
  }
  return index;
})();

const SCRIPTS: readonly (readonly [RegExp, string])[] = [
  [/[\u3040-\u30ff]/u, 'ja'],
  [/\p{Script=Hangul}/u, 'ko'],
  [/\p{Script=Han}/u, 'zh'],
  [/[іїєґ]/iu, 'uk'],
  [/\p{Script=Cyrillic}/u, 'ru'],
  [/\p{Script=Arabic}/u, 'ar'],
  [/\p{Script=Hebrew}/u, 'he'],
  [/\p{Script=Greek}/u, 'el'],
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Devanagari}/u, 'hi'],
];
const LATIN_LETTER = /\p{Script=Latin}/u;
/** Letters that only one language we tell apart writes: a word with one is a vote for it ("dotarła", "cevap"). */
const DISTINCT_LETTERS: readonly (readonly [RegExp, string])[] = [
  [/[łąęśźżńć]/u, 'pl'],
  [/[şğı]/u, 'tr'],
  [/[ãõ]/u, 'pt'],
  [/[ñ¿¡]/u, 'es'],
  [/ß/u, 'de'],
  [/[øæ]/u, 'da'],
  [/å/u, 'sv'],
];
const NON_ASCII = /[^\p{ASCII}]/u;

function letterLanguage(word: string): string | undefined {
  if (!NON_ASCII.test(word)) return undefined;
  for (const [letters, code] of DISTINCT_LETTERS) if (letters.test(word)) return code;
  return undefined;
}
const NON_LATIN_LETTER = /[^\P{L}\p{Script=Latin}]/u;

/** Below this many votes a text is too short to call; English sentiment words count as a vote for English. */
const MIN_VOTES = 1;
const MIN_FOREIGN_VOTES = 2;
const MIN_FOREIGN_LEAD = 1;

function scriptLanguage(tokens: readonly Token[]): string | undefined {
  let latin = 0;
  let other = 0;
  let sample = '';
  for (const token of tokens) {
    if (token.kind !== 'word') continue;
    if (NON_LATIN_LETTER.test(token.text)) {
      other += token.text.length;
      sample += token.text;
    } else if (LATIN_LETTER.test(token.text)) latin += token.text.length;
  }
  if (other <= latin) return undefined;
  for (const [script, code] of SCRIPTS) if (script.test(sample)) return code;
  return 'und';
}

/**
 * @example detectLanguage(tokenise('Le service était très lent')).code === 'fr'
 */
export function detectLanguage(tokens: readonly Token[]): DetectedLanguage {
  const byScript = scriptLanguage(tokens);
  if (byScript !== undefined)
    return { code: byScript, confidence: byScript === 'und' ? 0 : 0.9, analysed: false };

  const votes = new Map<string, number>();
  let total = 0;
  for (const token of tokens) {
    if (token.kind !== 'word') continue;
    const codes = WORD_LANGUAGES.get(token.lower);
    if (codes !== undefined) {
      // A word shared by several languages ("de", "en") is split between them.
      for (const code of codes) votes.set(code, (votes.get(code) ?? 0) + 1 / codes.length);
      total++;
      continue;
    }
    const lettered = letterLanguage(token.lower);
    if (lettered !== undefined) {
      votes.set(lettered, (votes.get(lettered) ?? 0) + 1);
      total++;
    } else if (WORD_VALENCE.has(token.lower)) {
      // English sentiment words are English evidence too: short feedback ("Still no refund, disgusting")
      // may hold no English function word at all.
      votes.set('en', (votes.get('en') ?? 0) + 1);
      total += 1;
    }
  }
  if (total < MIN_VOTES) return { code: 'und', confidence: 0, analysed: true };
  let best = 'en';
  let bestVotes = -1;
  for (const [code, count] of votes) {
    // Ties go to English: the analyser's language and the most common one in the feedback we receive.
    if (count > bestVotes || (count === bestVotes && code === 'en')) {
      best = code;
      bestVotes = count;
    }
  }
  // One shared little word ("a", "was") is not enough to refuse English: another language needs two votes, and a
  // clear lead over English, which is what most of our feedback is written in.
  const englishVotes = votes.get('en') ?? 0;
  if (best !== 'en' && (bestVotes < MIN_FOREIGN_VOTES || bestVotes - englishVotes < MIN_FOREIGN_LEAD)) {
    best = 'en';
    bestVotes = votes.get('en') ?? 0;
  }
  const confidence = Math.round((bestVotes / total) * 1000) / 1000;
  return { code: best, confidence, analysed: best === 'en' };
}
