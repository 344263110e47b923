/**
 * Nouns that name what is judged rather than judge it: "quality" (AFINN +2) is praise alone ("a quality
 * product", "High quality.") but only the dimension when another word judges it ("poor quality", "the quality
 * is poor", "good quality"), where its +2 would cancel the verdict.
 */
import type { Token } from './tokenise.js';

export const DIMENSION_NOUNS: ReadonlySet<string> = new Set(['quality', 'qualities']);
/** From this strength another word in the clause is the judgement. */
const JUDGING_STRENGTH = 1;

/** Zeroes a dimension noun's own valence when another word of its clause judges it. */
export function quietJudgedDimensions(tokens: readonly Token[], valences: number[]): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!DIMENSION_NOUNS.has(tokens[i]!.lower) || valences[i] === 0) continue;
    let from = i;
    while (from > 0 && tokens[from - 1]!.kind === 'word') from--;
    let to = i;
    while (to + 1 < tokens.length && tokens[to + 1]!.kind === 'word') to++;
    for (let k = from; k <= to; k++) {
      if (k !== i && Math.abs(valences[k]!) >= JUDGING_STRENGTH) {
        valences[i] = 0;
        break;
      }
    }
  }
}
