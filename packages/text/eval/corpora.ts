import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One human-rated text, gold rating already normalised to [-1, 1] (mean rating / 4). */
export interface RatedText {
  id: string;
  gold: number;
  text: string;
}

export interface Corpus {
  name: string;
  rows: RatedText[];
}

export const CORPUS_FILES = {
  tweets: 'tweets_GroundTruth.txt',
  movie: 'movieReviewSnippets_GroundTruth.txt',
  nyt: 'nytEditorialSnippets_GroundTruth.txt',
} as const;

/** The data lives beside the repository, never inside the product code; the env var lets CI point elsewhere. */
export function sentimentDataDir(): string {
  return (
    process.env.CXLOOP_SENTIMENT_DATA ??
    join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'sentiment')
  );
}

/** Reads one corpus in the README's format: `ID <TAB> mean rating <TAB> text`, CRLF, no header. */
export function loadCorpus(name: keyof typeof CORPUS_FILES, dir = sentimentDataDir()): Corpus {
  const raw = readFileSync(join(dir, CORPUS_FILES[name]), 'utf8');
  const rows: RatedText[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const firstTab = line.indexOf('\t');
    const secondTab = line.indexOf('\t', firstTab + 1);
    if (firstTab < 0 || secondTab < 0) continue;
    const rating = Number(line.slice(firstTab + 1, secondTab));
    if (!Number.isFinite(rating)) continue;
    rows.push({ id: line.slice(0, firstTab), gold: rating / 4, text: line.slice(secondTab + 1) });
  }
  return { name, rows };
}

export function loadAllCorpora(dir = sentimentDataDir()): Corpus[] {
  return (Object.keys(CORPUS_FILES) as (keyof typeof CORPUS_FILES)[]).map((name) => loadCorpus(name, dir));
}
