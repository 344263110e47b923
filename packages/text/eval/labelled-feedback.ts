import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One hand-labelled customer-feedback sentence: the topics and flags a person would give it. */
export interface LabelledFeedback {
  text: string;
  nps: number | null;
  topics: string[];
  flags: string[];
}

/** The set the rules were refined against: its figures are in-sample. */
export const TUNING_FIXTURE = join(import.meta.dirname, 'fixtures', 'feedback-labelled.tsv');
/** Written and labelled after the rules were last changed, never used to change them: out-of-sample figures. */
export const HELD_OUT_FIXTURE = join(import.meta.dirname, 'fixtures', 'feedback-heldout.tsv');

function labels(column: string): string[] {
  return column === '-' ? [] : column.split(',').map((label) => label.trim());
}

/** Reads the fixture: `nps <TAB> topics <TAB> flags <TAB> text`, '-' for none, '#' lines are comments. */
export function loadLabelledFeedback(path = TUNING_FIXTURE): LabelledFeedback[] {
  const rows: LabelledFeedback[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [nps, topics, flags, text] = line.split('\t');
    if (nps === undefined || topics === undefined || flags === undefined || text === undefined) {
      throw new Error(`Malformed fixture line: ${line}`);
    }
    rows.push({ text, nps: nps === '-' ? null : Number(nps), topics: labels(topics), flags: labels(flags) });
  }
  return rows;
}
