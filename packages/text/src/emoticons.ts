/**
 * ASCII emoticons by their grammar rather than a list: eyes, an optional nose or tear, and a mouth whose shape
 * carries the feeling (":)", ":-))", ";D", "=/", ":'(", ">:[", "xD"), the same faces read right to left ("(:",
 * "):"), the horizontal faces ("^_^", "T_T", "-_-", "o_O") and hearts ("<3", "</3"). A new combination of known
 * parts is understood without adding it anywhere.
 */

const WESTERN = String.raw`>?[:;=][-^']?(?:[)\]}DPp*3]+|[(\[{/\\|lSsCc@<]+)`;
const REVERSED = String.raw`[(\[][-^']?[:;=]|[)\]][-^']?[:;=]<?`;
const LAUGHING_EYES = String.raw`[xX][-^']?(?:[DP)]+|\(+)`;
const HORIZONTAL = String.raw`\^[_.\-]?\^|[Tt;][_.][Tt;]|-[_.]-|>[_.]<|[oO0][_.][oO0]`;
const HEART = String.raw`<\/3+|<3+`;

/** Source of a regular expression that matches one emoticon; the tokeniser adds the word-boundary guards. */
export const EMOTICON_SOURCE = [HEART, HORIZONTAL, LAUGHING_EYES, WESTERN, REVERSED].join('|');

/** Valence of a mouth as written after the eyes; a mouth read right to left is mirrored first. */
const MOUTH_VALENCE: Readonly<Record<string, number>> = {
  ')': 2,
  ']': 1.8,
  '}': 1.8,
  D: 2.4,
  P: 1.4,
  p: 1.4,
  '*': 2,
  '3': 1.8,
  '(': -2,
  '[': -1.8,
  '{': -1.8,
  '/': -1.2,
  '\\': -1.2,
  '|': -0.6,
  l: -0.6,
  S: -1.2,
  s: -1.2,
  C: -2,
  c: -2,
  '@': -2.4,
  '<': -1.6,
};
const MIRRORED: Readonly<Record<string, string>> = { '(': ')', '[': ']', ')': '(', ']': '[' };
/** A repeated mouth (":)))", ":(((") is a stronger face, as an elongated word is a stronger word. */
const REPEATED_MOUTH_EMPHASIS = 0.29;

function horizontalValence(face: string): number {
  if (face[0] === '^') return 2;
  if (face[0] === '-') return -1.2;
  if (face[0] === '>') return -1.6;
  if (/^[oO0]/.test(face)) return -0.8; // bewildered ("o_O")
  return -2.2; // crying ("T_T", ";_;")
}

/**
 * Valence of one emoticon the tokeniser found with {@link EMOTICON_SOURCE}, on the lexicon's −4…+4 scale.
 * @example emoticonValence(':-))') > emoticonValence(':)')
 */
export function emoticonValence(face: string): number {
  if (face.startsWith('</3')) return -2.6;
  if (face.startsWith('<3')) return 2.6;
  if (/^(?:\^|[Tt;][_.]|-[_.]|>[_.]|[oO0][_.])/.test(face)) return horizontalValence(face);

  const reversed = /^[([)\]]/.test(face);
  const mouthRun = reversed ? MIRRORED[face[0]!]! : face.replace(/^>?[:;=xX][-^']?/, '');
  const mouth = mouthRun[0]!;
  let valence = MOUTH_VALENCE[mouth] ?? 0;
  if (/^[xX]/.test(face)) valence = valence > 0 ? 2.2 : -2;
  const wink = face.includes(';') && valence > 0;
  const tear = face.includes("'");
  const brow = face[0] === '>';
  if (wink) valence = 1.6;
  if (tear && valence < 0) valence = -2.4;
  if (brow) valence = valence < 0 ? -2.6 : 1.4; // ">:(" angry, ">:)" mischievous
  if (mouthRun.length > 1) valence += Math.sign(valence) * REPEATED_MOUTH_EMPHASIS;
  return valence;
}
