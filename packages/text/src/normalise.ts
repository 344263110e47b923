/**
 * Normalisation that keeps every offset: the normalised text has exactly the length of the original, so a
 * span found on it (sentence, flag evidence, topic mention) is a span of what the customer wrote. Markup and
 * links are blanked with spaces rather than removed; emoji and emoticons are left alone because they carry
 * sentiment.
 */

export interface NormalisedText {
  /** Same length as the input; HTML entities decoded and padded, URLs and @mentions blanked. */
  text: string;
  urlCount: number;
  mentionCount: number;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: "'",
  rsquo: "'",
  ldquo: '"',
  rdquo: '"',
  pound: '£',
  euro: '€',
};

const ENTITY = /&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
const MENTION = /(?<![\w@])@\w{1,30}\b(?!\.\w)/g;
// Typographic quotes become ASCII so that "don’t" and "don't" are one word to the lexicon (same UTF-16 length).
const CURLY_SINGLE = /[‘’‛′]/g;
const CURLY_DOUBLE = /[“”„″]/g;
const HASHTAG_MARK = /(?<!\w)#(?=\p{L})/gu;

function decodeEntity(body: string): string | undefined {
  if (body[0] === '#') {
    const codePoint =
      body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10ffff
      ? String.fromCodePoint(codePoint)
      : undefined;
  }
  return NAMED_ENTITIES[body.toLowerCase()];
}

/** Stands in for an entity's padding until it is moved to the end of the word (a private-use character). */
const PAD = '\uE000';
const NON_SPACE_RUN = /\S+/g;
const PAD_RUN = /\uE000/g;

/** A decoded entity is never longer than its source (`&#128512;` is 9 units, the emoji 2), so padding fits. */
function padTo(replacement: string, length: number): string {
  return replacement + PAD.repeat(length - replacement.length);
}

/**
 * Moves each entity's padding to the end of the word it sits in, so "don&#39;t" reads "don't" and "&lt;3" reads
 * "<3". Whitespace does not move, so sentence boundaries and the start of every word keep their offsets; only the
 * end of a word that contained an entity comes earlier by the entity's extra length.
 */
function movePaddingToWordEnd(text: string): string {
  if (!text.includes(PAD)) return text;
  return text.replace(NON_SPACE_RUN, (word) => {
    if (!word.includes(PAD)) return word;
    const letters = word.replace(PAD_RUN, '');
    return letters + ' '.repeat(word.length - letters.length);
  });
}

/**
 * @example normaliseText('Great &amp; fast @acme').text === 'Great &     fast      '
 * @example normaliseText('don&#39;t &lt;3').text === "don't     <3   "
 */
export function normaliseText(original: string): NormalisedText {
  let urlCount = 0;
  let mentionCount = 0;
  const decoded = movePaddingToWordEnd(
    original.replace(ENTITY, (whole, body: string) => {
      const character = decodeEntity(body);
      return character === undefined || character.length > whole.length
        ? whole
        : padTo(character, whole.length);
    }),
  );
  const text = decoded
    .replace(URL, (url) => {
      urlCount++;
      return ' '.repeat(url.length);
    })
    .replace(MENTION, (mention) => {
      mentionCount++;
      return ' '.repeat(mention.length);
    })
    .replace(HASHTAG_MARK, ' ')
    .replace(CURLY_SINGLE, "'")
    .replace(CURLY_DOUBLE, '"');
  return { text, urlCount, mentionCount };
}
