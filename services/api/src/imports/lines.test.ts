import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Line, linesOf } from './lines.js';

async function collect(chunks: (string | Buffer)[], maxLineBytes = 64): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of linesOf(Readable.from(chunks, { objectMode: true }), maxLineBytes))
    lines.push(line);
  return lines;
}

describe('linesOf', () => {
  it('splits across chunk boundaries, drops a trailing \\r and keeps a last line without newline', async () => {
    expect(await collect(['a\r\nb', 'c\n\n', 'd'])).toEqual([
      { text: 'a' },
      { text: 'bc' },
      { text: '' },
      { text: 'd' },
    ]);
  });

  it('decodes a character whose bytes arrive in two chunks', async () => {
    const bytes = Buffer.from('é€\n');
    expect(await collect([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual([
      { text: 'é€' },
    ]);
  });

  it('reports a line over the limit as too long, wherever it is cut, and reads on after it', async () => {
    const long = 'x'.repeat(100);
    expect(await collect(['ok\n', long.slice(0, 30), long.slice(30), '\nnext\n', long])).toEqual([
      { text: 'ok' },
      { tooLong: true },
      { text: 'next' },
      { tooLong: true },
    ]);
  });

  it('a line of exactly the limit is kept', async () => {
    expect(await collect(['y'.repeat(64), '\n'])).toEqual([{ text: 'y'.repeat(64) }]);
  });
});
