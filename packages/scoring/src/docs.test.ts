import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderEvidenceCatalogue } from './catalogue-doc.js';

const docPath = fileURLToPath(new URL('../../../docs/scoring.md', import.meta.url));
const START = '<!-- evidence-catalogue:start (generated from packages/scoring; do not edit by hand) -->';
const END = '<!-- evidence-catalogue:end -->';

describe('docs/scoring.md', () => {
  it('carries the current metric catalogue and indicator evidence', () => {
    const doc = readFileSync(docPath, 'utf8');
    expect(doc.includes(START) && doc.includes(END), `${docPath} needs the ${START} … ${END} markers`).toBe(
      true,
    );
    const expected = `${doc.slice(0, doc.indexOf(START) + START.length)}\n\n${renderEvidenceCatalogue()}\n${doc.slice(doc.indexOf(END))}`;
    // UPDATE_DOCS=1 rewrites the generated section instead of failing, like a snapshot update.
    if (process.env.UPDATE_DOCS === '1' && doc !== expected) writeFileSync(docPath, expected);
    else
      expect(
        doc,
        'docs/scoring.md is out of date: run UPDATE_DOCS=1 pnpm exec vitest run packages/scoring',
      ).toBe(expected);
  });
});
