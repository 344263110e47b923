import type { Readable } from 'node:stream';

/** A line of a stream: its text, or the fact that it was longer than allowed (its bytes were dropped). */
export type Line = { text: string } | { tooLong: true };

const NEWLINE = 0x0a;

/**
 * Lines of a byte stream, in time and memory linear in its length: each chunk is searched for newlines once,
 * and a line's pieces are joined only when it ends. A line longer than `maxLineBytes` is yielded as
 * `tooLong` and its bytes are dropped as they arrive, so one endless line costs at most `maxLineBytes` of
 * memory. Not `readline`: its async iterator keeps reading while the consumer awaits a database write, so a
 * fast stream would pile up in memory; a stream's own iterator waits. Lines split at the `\n` byte, which in
 * UTF-8 never falls inside a character, so each line decodes on its own; a trailing `\r` is dropped.
 *
 * @example for await (const line of linesOf(request.body, 1 << 20)) if ('text' in line) use(line.text);
 */
export async function* linesOf(input: Readable, maxLineBytes: number): AsyncGenerator<Line> {
  let pieces: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  const append = (piece: Buffer) => {
    if (tooLong || piece.length === 0) return;
    length += piece.length;
    if (length > maxLineBytes) {
      tooLong = true;
      pieces = [];
    } else pieces.push(piece);
  };
  const end = (): Line => {
    const line: Line = tooLong ? { tooLong: true } : { text: decode(Buffer.concat(pieces, length)) };
    pieces = [];
    length = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of input) {
    const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    let start = 0;
    for (let newline = bytes.indexOf(NEWLINE); newline !== -1; newline = bytes.indexOf(NEWLINE, start)) {
      append(bytes.subarray(start, newline));
      yield end();
      start = newline + 1;
    }
    // Copied: a subarray would keep the whole chunk alive for the sake of its tail.
    append(Buffer.from(bytes.subarray(start)));
  }
  if (length > 0 || tooLong) yield end();
}

function decode(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
