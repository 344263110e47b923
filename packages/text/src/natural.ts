/**
 * The one place this package reaches `natural`, and only through its public entry (the package index and
 * its type declarations): its Porter stemmer and English stop words, and Pattern's adjective lexicon. A
 * restructure of natural's internal files then breaks nothing, and an upgrade has one module to check.
 *
 * natural's index calls `dotenv.config()` when loaded (DESIGN "Known pitfalls"): processes set
 * DOTENV_CONFIG_QUIET and nothing here relies on that side effect.
 */
import { createRequire } from 'node:module';

/**
 * The members of natural's public index used here. Its own declarations are not imported: they re-export
 * .ts sources that do not compile under this repository's settings (verbatimModuleSyntax).
 */
interface NaturalIndex {
  PorterStemmer: { stem(word: string): string };
  stopwords: string[];
  SentimentAnalyzer: new (
    language: 'English',
    stemmer: undefined,
    vocabulary: 'pattern',
  ) => { vocabulary: Record<string, number | string> };
}

const require = createRequire(import.meta.url);
const natural = require('natural') as NaturalIndex;

/** Porter stem of a lower-case word ("deliveries" → "deliveri", "parking" → "park"). */
export function porterStem(word: string): string {
  return natural.PorterStemmer.stem(word);
}

/** natural's English stop word list. */
export const englishStopwords: readonly string[] = natural.stopwords;

/**
 * Words Pattern rates as objective (subjectivity < 0.3) although polar, and AFINN lacks: the lexicon used to
 * skip them by their subjectivity, which natural's public analyser does not pass on (natural 8.1.1's list).
 */
const OBJECTIVE_IN_PATTERN: ReadonlySet<string> = new Set([
  'gamechanger',
  'loses',
  'melodrama',
  'pale',
  'profitering',
  'proves',
  'sour',
  'soured',
]);

/**
 * Pattern's English adjective lexicon as natural's sentiment analyser loads it (word → polarity −1…+1),
 * without the words Pattern itself rates as objective.
 */
export function patternPolarities(): ReadonlyMap<string, number> {
  const analyser = new natural.SentimentAnalyzer('English', undefined, 'pattern');
  // Pattern's file states polarities as strings ("0.7"); the analyser passes them on as they are.
  return new Map(
    Object.entries(analyser.vocabulary)
      .filter(([word]) => !OBJECTIVE_IN_PATTERN.has(word))
      .map(([word, polarity]) => [word, Number(polarity)]),
  );
}
