// The PII check: precision and recall per kind of personal data on hand-labelled feedback, plus how much of the
// labelled personal data a manager would still see (leaks: covered by no redaction of any kind).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { type PiiSpan, type PiiType, redactPii } from '../src/index.js';
import { type ClassScores, scoreLabelCounts } from './metrics.js';

/** The set the PII rules were refined against: its figures are in-sample. */
export const PII_FIXTURE = join(import.meta.dirname, 'fixtures', 'pii-labelled.tsv');
/** Written after the rules were refined, never used to change them. */
export const PII_HELD_OUT_FIXTURE = join(import.meta.dirname, 'fixtures', 'pii-heldout.tsv');

export const PII_TYPES: readonly PiiType[] = [
  'email',
  'phone',
  'payment_card',
  'iban',
  'street_address',
  'postcode',
  'booking_reference',
  'person_name',
  'handle',
  'ip_address',
];

interface LabelledPiiText {
  text: string;
  region: CountryCode | undefined;
  brandHandles: string[];
  gold: PiiSpan[];
}

const MARK = /\[\[([a-z_]+):([^\]]+)\]\]/g;

/** Reads `region <TAB> brand handles <TAB> text` where the text marks personal data as [[kind:value]]. */
export function loadLabelledPii(path: string): LabelledPiiText[] {
  const rows: LabelledPiiText[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [region, brands, marked] = line.split('\t');
    if (region === undefined || brands === undefined || marked === undefined) {
      throw new Error(`Malformed PII fixture line: ${line}`);
    }
    const gold: PiiSpan[] = [];
    let text = '';
    let cursor = 0;
    for (const match of marked.matchAll(MARK)) {
      const type = match[1] as PiiType;
      if (!PII_TYPES.includes(type)) throw new Error(`Unknown PII kind ${type} in: ${line}`);
      text += marked.slice(cursor, match.index);
      gold.push({ type, start: text.length, end: text.length + match[2]!.length });
      text += match[2];
      cursor = match.index + match[0].length;
    }
    text += marked.slice(cursor);
    rows.push({
      text,
      region: region === '-' ? undefined : (region as CountryCode),
      brandHandles: brands === '-' ? [] : brands.split(','),
      gold,
    });
  }
  return rows;
}

const overlaps = (a: PiiSpan, b: PiiSpan) => a.start < b.end && b.start < a.end;

export interface PiiEvaluation {
  texts: number;
  perKind: Record<string, ClassScores>;
  micro: ClassScores;
  /** Labelled items no redaction of any kind touched: what a manager would read. */
  leaked: number;
  mistakes: { text: string; missed: string[]; spurious: string[] }[];
}

/** A found span counts when it overlaps a labelled span of the same kind (one match per labelled span). */
export function evaluatePii(path: string): PiiEvaluation {
  const rows = loadLabelledPii(path);
  const counts = new Map(PII_TYPES.map((type) => [type, { tp: 0, predicted: 0, actual: 0 }]));
  let leaked = 0;
  const mistakes: PiiEvaluation['mistakes'] = [];
  for (const row of rows) {
    const found = redactPii(row.text, { defaultRegion: row.region, brandHandles: row.brandHandles }).spans;
    const missed: string[] = [];
    const spurious: string[] = [];
    for (const gold of row.gold) {
      const count = counts.get(gold.type)!;
      count.actual++;
      if (found.some((span) => span.type === gold.type && overlaps(span, gold))) count.tp++;
      else missed.push(`${gold.type}:${row.text.slice(gold.start, gold.end)}`);
      if (!found.some((span) => overlaps(span, gold))) leaked++;
    }
    for (const span of found) {
      counts.get(span.type)!.predicted++;
      if (!row.gold.some((gold) => gold.type === span.type && overlaps(span, gold)))
        spurious.push(`${span.type}:${row.text.slice(span.start, span.end)}`);
    }
    if (missed.length > 0 || spurious.length > 0) mistakes.push({ text: row.text, missed, spurious });
  }
  const { perLabel: perKind, micro } = scoreLabelCounts(counts);
  return { texts: rows.length, perKind, micro, leaked, mistakes };
}

const fixed = (value: number) => value.toFixed(3);

export function printPii(title: string, result: PiiEvaluation, withMistakes: boolean): void {
  console.log(`\nPersonal data, ${title}, ${result.texts} texts`);
  console.log('kind                      precision  recall     f1  support');
  for (const [kind, scores] of [
    ...Object.entries(result.perKind),
    ['micro average', result.micro] as const,
  ]) {
    console.log(
      `${kind.padEnd(25)} ${fixed(scores.precision).padStart(9)} ${fixed(scores.recall).padStart(7)} ${fixed(scores.f1).padStart(6)} ${String(scores.support).padStart(8)}`,
    );
  }
  console.log(`labelled items left readable (no redaction of any kind): ${result.leaked}`);
  if (!withMistakes) return;
  for (const mistake of result.mistakes) {
    console.log(
      `missed=[${mistake.missed.join(', ')}] spurious=[${mistake.spurious.join(', ')}] ${mistake.text}`,
    );
  }
}
