/**
 * What PostgreSQL can store of text sent from outside. `text` and `jsonb` refuse U+0000 outright, and a
 * lone UTF-16 surrogate (half of a pair, which `JSON.parse` happily yields from `"\ud800"`) is not a
 * character at all: `jsonb` refuses it and the driver turns it into U+FFFD in `text`. Free text is cleaned
 * with these functions; identifiers are refused instead (see `storableIdentifier` in feedback.ts), because a
 * changed identifier could merge two of the sender's records. docs/security.md ("Hostile input") lists the
 * decision for each field.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is this module's job.
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as it can be stored: NUL removed (it carries no meaning in feedback, notes or names), lone surrogates
 * replaced by U+FFFD (the character Unicode keeps for "unreadable here").
 *
 * @example storableText('late\u0000 parcel \ud800') // 'late parcel \ufffd'
 */
export function storableText(text: string): string {
  return text.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Whether `text` holds something PostgreSQL cannot store as sent: a NUL or a lone surrogate. */
export function hasUnstorableCharacters(text: string): boolean {
  NUL.lastIndex = 0;
  LONE_SURROGATE.lastIndex = 0;
  return NUL.test(text) || LONE_SURROGATE.test(text);
}

/** How deep customer metadata may nest: real payloads stay under 10 levels; 10 000 levels exhaust the stack. */
export const MAX_METADATA_DEPTH = 32;

export type StorableJson =
  | { ok: true; value: unknown }
  /** `path`: the keys down to the first value nested deeper than allowed. */
  | { ok: false; path: string[] };

/**
 * A parsed JSON value with every string and key made storable (`storableText`), or where it nests deeper
 * than `maxDepth`. Recursion stops at `maxDepth`, so a hostile 10 000-level document costs `maxDepth` frames.
 * Objects are rebuilt with `Object.fromEntries`, which defines `__proto__` as an ordinary key instead of
 * setting a prototype.
 *
 * @example storableJson({ 'a\u0000': ['x\ud800'] }, 4) // { ok: true, value: { a: ['x\ufffd'] } }
 */
export function storableJson(value: unknown, maxDepth: number): StorableJson {
  const path: string[] = [];
  const clean = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return storableText(node);
    if (node === null || typeof node !== 'object') return node;
    if (depth >= maxDepth) throw new TooDeep();
    if (Array.isArray(node)) {
      return node.map((item, index) => {
        path.push(String(index));
        const cleaned = clean(item, depth + 1);
        path.pop();
        return cleaned;
      });
    }
    return Object.fromEntries(
      Object.entries(node).map(([key, item]) => {
        path.push(key);
        const cleaned = clean(item, depth + 1);
        path.pop();
        return [storableText(key), cleaned];
      }),
    );
  };
  try {
    return { ok: true, value: clean(value, 0) };
  } catch (error) {
    if (error instanceof TooDeep) return { ok: false, path };
    throw error;
  }
}

class TooDeep extends Error {}
