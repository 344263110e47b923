import { addRowsByKey } from '@cxloop/db';
import { describe, expect, it } from 'vitest';
import { SettledSums, splitAtSettled } from './settled-sums.js';

describe('SettledSums', () => {
  it('keeps sums while the revision holds and reads again when it moves', async () => {
    const sums = new SettledSums();
    let reads = 0;
    const read = async () => ++reads;
    expect(await sums.get('k', '1', read)).toBe(1);
    expect(await sums.get('k', '1', read)).toBe(1);
    expect(await sums.get('k', '2', read)).toBe(2);
    expect(await sums.get('k', '2', read)).toBe(2);
  });

  it('does not keep a failed read', async () => {
    const sums = new SettledSums();
    await expect(sums.get('k', '1', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await sums.get('k', '1', async () => 7)).toBe(7);
  });

  it('lets the oldest entries go beyond its capacity', async () => {
    const sums = new SettledSums(2);
    for (const key of ['a', 'b', 'c']) await sums.get(key, '1', async () => key);
    expect(sums.size).toBe(2);
    expect(await sums.get('a', '1', async () => 'read again')).toBe('read again');
    expect(await sums.get('c', '1', async () => 'read again')).toBe('c');
  });
});

describe('splitAtSettled', () => {
  it('cuts windows that end together into settled parts and one live window', () => {
    const windows = [
      { from: '2026-11-01', to: '2026-11-30' },
      { from: '2026-09-01', to: '2026-11-30' },
    ];
    expect(splitAtSettled(windows, '2026-11-27')).toEqual({
      settled: [
        { from: '2026-11-01', to: '2026-11-27' },
        { from: '2026-09-01', to: '2026-11-27' },
      ],
      live: { from: '2026-11-28', to: '2026-11-30' },
    });
  });

  it('leaves a window with no settled day, or windows ending apart, to be read whole', () => {
    expect(splitAtSettled([{ from: '2026-11-28', to: '2026-11-30' }], '2026-11-27')).toBeNull();
    expect(
      splitAtSettled(
        [
          { from: '2026-11-01', to: '2026-11-30' },
          { from: '2026-09-01', to: '2026-11-29' },
        ],
        '2026-11-27',
      ),
    ).toBeNull();
  });
});

describe('addRowsByKey', () => {
  it('sums numbers per key, keeps the earliest first day, sorts by key and leaves its inputs alone', () => {
    const settled = [
      { channel: 'sms', firstDay: '2026-10-02', feedback: 3 },
      { channel: 'email', firstDay: '2026-10-05', feedback: 1 },
    ];
    const live = [
      { channel: 'sms', firstDay: '2026-11-29', feedback: 2 },
      { channel: 'chat', firstDay: '2026-11-30', feedback: 4 },
    ];
    expect(addRowsByKey([settled, live], (row) => row.channel)).toEqual([
      { channel: 'chat', firstDay: '2026-11-30', feedback: 4 },
      { channel: 'email', firstDay: '2026-10-05', feedback: 1 },
      { channel: 'sms', firstDay: '2026-10-02', feedback: 5 },
    ]);
    expect(settled[0]).toEqual({ channel: 'sms', firstDay: '2026-10-02', feedback: 3 });
  });
});
