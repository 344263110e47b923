import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

const fulfilled = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });

/** A commit that records its batches and finishes only when the test releases it. */
function gatedCommit() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const commit = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((item) => fulfilled(item * 10));
  };
  return { batches, releases, commit };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('commits the first item at once and groups what arrives meanwhile into the next batch', async () => {
    const gate = gatedCommit();
    const group = new GroupCommit({ commit: gate.commit, maxBatch: 3, maxInFlight: 1 });
    const outcomes = [1, 2, 3, 4, 5, 6].map((item) => group.submit(item));
    await tick();
    expect(gate.batches).toEqual([[1]]);
    gate.releases.shift()!();
    await tick();
    expect(gate.batches).toEqual([[1], [2, 3, 4]]);
    gate.releases.shift()!();
    await tick();
    expect(gate.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    gate.releases.shift()!();
    expect(await Promise.all(outcomes)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('runs up to maxInFlight commits at once', async () => {
    const gate = gatedCommit();
    const group = new GroupCommit({ commit: gate.commit, maxBatch: 10, maxInFlight: 2 });
    const outcomes = [1, 2, 3].map((item) => group.submit(item));
    await tick();
    expect(gate.batches).toEqual([[1], [2]]);
    gate.releases.shift()!();
    await tick();
    expect(gate.batches).toEqual([[1], [2], [3]]);
    for (const release of gate.releases) release();
    expect(await Promise.all(outcomes)).toEqual([10, 20, 30]);
  });

  it('rejects only the item its commit settled as rejected', async () => {
    const group = new GroupCommit<number, number>({
      commit: async (items) =>
        items.map((item) =>
          item === 2 ? { status: 'rejected', reason: new Error('no such row') } : fulfilled(item),
        ),
      maxBatch: 10,
      maxInFlight: 1,
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((item) => group.submit(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('retries each item alone when a shared commit throws, so one poisoned item fails alone', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>({
      commit: async (items) => {
        batches.push([...items]);
        if (items.includes(13)) throw new Error('constraint violated');
        return items.map(fulfilled);
      },
      maxBatch: 10,
      maxInFlight: 1,
    });
    const first = group.submit(1);
    const rest = [2, 13, 4].map((item) => group.submit(item));
    const outcomes = await Promise.allSettled([first, ...rest]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(batches).toEqual([[1], [2, 13, 4], [2], [13], [4]]);
  });

  it('refuses a commit that settles a different number of items than it was given', async () => {
    const group = new GroupCommit<number, number>({
      commit: async () => [],
      maxBatch: 10,
      maxInFlight: 1,
    });
    await expect(group.submit(1)).rejects.toThrow('settled 0 of 1');
  });

  it('bounds a batch by the size of its items, and commits an oversized item alone', async () => {
    const gate = gatedCommit();
    const group = new GroupCommit({
      commit: gate.commit,
      maxBatch: 5,
      maxInFlight: 1,
      sizeOf: (item: number) => item,
    });
    const outcomes = [1, 2, 2, 2, 9, 1].map((item) => group.submit(item));
    await tick();
    expect(gate.batches).toEqual([[1]]);
    for (const expected of [[1], [2, 2], [2], [9], [1]]) {
      expect(gate.batches.at(-1)).toEqual(expected);
      gate.releases.shift()!();
      await tick();
    }
    expect(await Promise.all(outcomes)).toEqual([10, 20, 20, 20, 90, 10]);
  });

  it('while a commit is in flight, starts the next once enough is queued or the oldest has waited', async () => {
    const gate = gatedCommit();
    const group = new GroupCommit({
      commit: gate.commit,
      maxBatch: 100,
      maxInFlight: 2,
      fill: { size: 3, waitMs: 20 },
    });
    const outcomes = [group.submit(1)];
    await tick();
    expect(gate.batches).toEqual([[1]]);
    // A connection is free, but two items are fewer than a filled batch: they wait for company.
    outcomes.push(group.submit(2), group.submit(3));
    await tick();
    expect(gate.batches).toEqual([[1]]);
    outcomes.push(group.submit(4));
    await tick();
    expect(gate.batches).toEqual([[1], [2, 3, 4]]);
    // With one commit still in flight, a lone item waits for company, and goes once it has waited waitMs.
    gate.releases.shift()!();
    outcomes.push(group.submit(5));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(gate.batches).toEqual([[1], [2, 3, 4], [5]]);
    for (const release of gate.releases) release();
    await tick();
    for (const release of gate.releases) release();
    expect(await Promise.all(outcomes)).toEqual([10, 20, 30, 40, 50]);
  });
});
