import { EMOTICON_SOURCE } from './emoticons.js';

export type TokenKind = 'word' | 'emoticon' | 'emoji' | 'exclamation' | 'question' | 'clauseBreak';

export interface Token {
  /** As written (case kept: capitals are an emphasis signal). */
  text: string;
  /** Lower-cased, apostrophes kept ("don't"); emoji without skin tone or variation selector. */
  lower: string;
  kind: TokenKind;
  start: number;
  end: number;
}

const TOKEN = new RegExp(
  [
    // Emoticons must stand apart from words and numbers: "x:D" and "10:30" are not faces.
    `(?<emoticon>(?<![\\p{L}\\p{N}])(?:${EMOTICON_SOURCE})(?![\\p{L}\\p{N}]))`,
    '(?<emoji>\\p{Extended_Pictographic}(?:\\uFE0F|\\p{Emoji_Modifier}|\\u200D\\p{Extended_Pictographic})*)',
    "(?<word>[\\p{L}\\p{N}]+(?:['\\-][\\p{L}\\p{N}]+)*)",
    '(?<exclamation>!)',
    '(?<question>\\?)',
    // Any other mark separates words for phrase purposes ("hour & transferred" is not a phrase).
    '(?<clauseBreak>[^\\s\\p{L}\\p{N}])',
  ].join('|'),
  'gu',
);
const EMOJI_DECORATION = /[\uFE0F\u200D]|\p{Emoji_Modifier}/gu;

/**
 * Splits one span of normalised text into tokens whose offsets are offsets of that text.
 * @example tokenise("Don't ignore me :(", 0, 18).map((t) => t.kind) // word, word, word, emoticon
 */
export function tokenise(text: string, start = 0, end = text.length): Token[] {
  const tokens: Token[] = [];
  const span = start === 0 && end === text.length ? text : text.slice(start, end);
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(span); match !== null; match = TOKEN.exec(span)) {
    const groups = match.groups!;
    const value = match[0];
    const tokenStart = start + match.index;
    const tokenEnd = tokenStart + value.length;
    if (groups.word !== undefined) {
      tokens.push({
        text: value,
        lower: value.toLowerCase(),
        kind: 'word',
        start: tokenStart,
        end: tokenEnd,
      });
    } else if (groups.emoticon !== undefined) {
      tokens.push({ text: value, lower: value, kind: 'emoticon', start: tokenStart, end: tokenEnd });
    } else if (groups.emoji !== undefined) {
      const base = value.replace(EMOJI_DECORATION, '');
      tokens.push({ text: value, lower: base, kind: 'emoji', start: tokenStart, end: tokenEnd });
    } else {
      const kind: TokenKind =
        groups.exclamation !== undefined
          ? 'exclamation'
          : groups.question !== undefined
            ? 'question'
            : 'clauseBreak';
      tokens.push({ text: value, lower: value, kind, start: tokenStart, end: tokenEnd });
    }
  }
  return tokens;
}
