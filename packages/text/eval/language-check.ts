// The language check: English texts read as another language get no sentiment, topics or flags, so count those
// misreads on the English corpora, and check short labelled feedback in every language we tell apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseFeedback } from '../src/index.js';
import type { Corpus } from './corpora.js';

export const LANGUAGE_FIXTURE = join(import.meta.dirname, 'fixtures', 'language-labelled.tsv');

export interface LanguageEvaluation {
  /** Per English corpus: texts detected as another language (a few corpus rows are in fact Dutch or Spanish). */
  corpusMisreads: { corpus: string; texts: number; misread: { code: string; text: string }[] }[];
  labelled: { texts: number; correct: number; englishMisread: number; mistakes: string[] };
}

function detectedCode(text: string): string {
  const { language } = analyseFeedback({ text });
  return language.code === 'und' ? 'en' : language.code;
}

export function evaluateLanguage(corpora: readonly Corpus[]): LanguageEvaluation {
  const corpusMisreads = corpora.map((corpus) => ({
    corpus: corpus.name,
    texts: corpus.rows.length,
    misread: corpus.rows
      .map((row) => ({ code: detectedCode(row.text), text: row.text }))
      .filter((row) => row.code !== 'en'),
  }));
  const rows = readFileSync(LANGUAGE_FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [code, text] = line.split('\t');
      if (code === undefined || text === undefined)
        throw new Error(`Malformed language fixture line: ${line}`);
      return { code, text };
    });
  const mistakes: string[] = [];
  let englishMisread = 0;
  for (const row of rows) {
    const code = detectedCode(row.text);
    if (code === row.code) continue;
    mistakes.push(`${row.code} read as ${code}: ${row.text}`);
    if (row.code === 'en') englishMisread++;
  }
  return {
    corpusMisreads,
    labelled: { texts: rows.length, correct: rows.length - mistakes.length, englishMisread, mistakes },
  };
}

export function printLanguage(result: LanguageEvaluation, withMistakes: boolean): void {
  console.log('\nLanguage: English corpus texts read as another language');
  for (const { corpus, texts, misread } of result.corpusMisreads) {
    console.log(`${corpus.padEnd(8)} ${String(texts).padEnd(6)} misread ${misread.length}`);
    for (const row of misread) console.log(`  ${row.code}: ${row.text.slice(0, 120)}`);
  }
  const { labelled } = result;
  console.log(
    `labelled short feedback: ${labelled.correct}/${labelled.texts} correct, English read as another language: ${labelled.englishMisread}`,
  );
  if (withMistakes) for (const mistake of labelled.mistakes) console.log(`  ${mistake}`);
}
