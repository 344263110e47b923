/**
 * Keywords and key phrases (1–3-grams) ranked by TF-IDF against document frequencies the caller holds: the
 * analyser stays pure, the worker keeps the running corpus statistic and passes it in.
 */
import { isNegator } from './lexicon.js';
import { englishStopwords } from './natural.js';
import { normaliseText } from './normalise.js';
import { splitSentences } from './sentences.js';
import { type Token, tokenise } from './tokenise.js';

/** natural's English stop words plus the contractions and filler that feedback is full of. */
const STOPWORDS: ReadonlySet<string> = new Set([
  ...englishStopwords,
  "i'm",
  "i've",
  "i'd",
  "i'll",
  "it's",
  "that's",
  "there's",
  "you're",
  "we're",
  "they're",
  "he's",
  "she's",
  'im',
  'ive',
  'its',
  'thats',
  'just',
  'really',
  'will',
  'get',
  'got',
  'also',
  'even',
  'one',
  'us',
  'yet',
  'ever',
  'back',
  'am',
  'pm',
  'hi',
  'hello',
  'dear',
  'thanks',
  'thank',
  'please',
  'ok',
  'okay',
  'etc',
  'lot',
]);

export interface Keyword {
  term: string;
  /** TF-IDF, weighted towards longer phrases; comparable within one document. */
  score: number;
  count: number;
}

/** Document frequencies of key terms over the documents seen so far; plain JSON so a caller can store it. */
export interface CorpusStats {
  documentCount: number;
  documentFrequency: Readonly<Record<string, number>>;
}

const MAX_PHRASE_WORDS = 3;
/** Longer phrases are more informative than their words; a small bonus lets "call back" outrank "call". */
const PHRASE_BONUS = 0.25;
const DEFAULT_KEYWORD_LIMIT = 8;
const NUMERIC = /^\d+(?:[.,]\d+)?$/;

export function isContentWord(token: Token): boolean {
  return (
    token.kind === 'word' &&
    token.lower.length > 1 &&
    !STOPWORDS.has(token.lower) &&
    !NUMERIC.test(token.lower)
  );
}

/** Counts candidate terms: content unigrams, and 2–3-grams within a clause that start and end on content words. */
export function countCandidateTerms(sentences: readonly (readonly Token[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  const bump = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const tokens of sentences) {
    for (let i = 0; i < tokens.length; i++) {
      const first = tokens[i]!;
      // A phrase may open with a negator: "never arrived" and "not working" are the complaint.
      const opensPhrase = isContentWord(first) || (first.kind === 'word' && isNegator(first.lower));
      if (!opensPhrase) continue;
      if (isContentWord(first)) bump(first.lower);
      let phrase = first.lower;
      for (let n = 2; n <= MAX_PHRASE_WORDS; n++) {
        const next = tokens[i + n - 1];
        if (next === undefined || next.kind !== 'word') break;
        phrase += ` ${next.lower}`;
        if (isContentWord(next)) bump(phrase);
      }
    }
  }
  return counts;
}

function termsOfText(text: string): Map<string, number> {
  const normalised = normaliseText(text).text;
  return countCandidateTerms(
    splitSentences(normalised).map((span) => tokenise(normalised, span.start, span.end)),
  );
}

export function emptyCorpusStats(): CorpusStats {
  return { documentCount: 0, documentFrequency: {} };
}

/** The distinct key terms of a text, sorted: what `addDocument` counts (for callers that store counts elsewhere). */
export function documentTerms(text: string): string[] {
  return [...termsOfText(text).keys()].sort();
}

/**
 * Returns new statistics with one more document counted; the input is not changed.
 * @example addDocument(emptyCorpusStats(), 'late delivery').documentFrequency['late delivery'] === 1
 */
export function addDocument(stats: CorpusStats, text: string): CorpusStats {
  const documentFrequency: Record<string, number> = { ...stats.documentFrequency };
  for (const term of termsOfText(text).keys()) documentFrequency[term] = (documentFrequency[term] ?? 0) + 1;
  return { documentCount: stats.documentCount + 1, documentFrequency };
}

/** Smoothed inverse document frequency: a term never seen scores as if seen once in a corpus one larger. */
export function inverseDocumentFrequency(stats: CorpusStats, term: string): number {
  const frequency = Object.hasOwn(stats.documentFrequency, term) ? stats.documentFrequency[term]! : 0;
  return Math.log((1 + stats.documentCount) / (1 + frequency)) + 1;
}

/**
 * Ranks a document's candidate terms by TF-IDF. Without corpus statistics every IDF is 1 (plain frequency).
 * A word already covered by a higher-ranked phrase is dropped.
 */
export function rankKeywords(
  termCounts: ReadonlyMap<string, number>,
  corpus: CorpusStats = emptyCorpusStats(),
  limit = DEFAULT_KEYWORD_LIMIT,
): Keyword[] {
  const ranked: Keyword[] = [];
  // Without documents every term's smoothed IDF is log(1 / 1) + 1 = 1: skip the look-up and the logarithm.
  const idfOf =
    corpus.documentCount === 0 ? () => 1 : (term: string) => inverseDocumentFrequency(corpus, term);
  for (const [term, count] of termCounts) {
    let words = 1;
    for (let at = term.indexOf(' '); at !== -1; at = term.indexOf(' ', at + 1)) words++;
    const score = count * idfOf(term) * (1 + PHRASE_BONUS * (words - 1));
    ranked.push({ term, score: Math.round(score * 10_000) / 10_000, count });
  }
  // Code-unit order, not localeCompare: the ranking must not depend on the host locale.
  ranked.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  const chosen: Keyword[] = [];
  for (const keyword of ranked) {
    if (chosen.length >= limit) break;
    const covered = chosen.some((kept) => ` ${kept.term} `.includes(` ${keyword.term} `));
    if (!covered) chosen.push(keyword);
  }
  return chosen;
}

/** Convenience: TF-IDF keywords of a raw text. */
export function tfIdf(stats: CorpusStats, text: string, limit = DEFAULT_KEYWORD_LIMIT): Keyword[] {
  return rankKeywords(termsOfText(text), stats, limit);
}
