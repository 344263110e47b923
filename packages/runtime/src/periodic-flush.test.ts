import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodicFlush } from './periodic-flush.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('PeriodicFlush', () => {
  it('writes once per interval however often it is scheduled', async () => {
    vi.useFakeTimers();
    const write = vi.fn(async () => {});
    const flusher = new PeriodicFlush(100, write);
    for (let n = 0; n < 5; n++) flusher.schedule();
    await vi.advanceTimersByTimeAsync(99);
    expect(write).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(write).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('flushes at once, cancelling the armed write, and never runs two writes at a time', async () => {
    vi.useFakeTimers();
    let running = 0;
    let most = 0;
    const write = vi.fn(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running -= 1;
    });
    const flusher = new PeriodicFlush(100, write);
    flusher.schedule();
    const first = flusher.flush();
    const second = flusher.flush();
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([first, second]);
    expect(write).toHaveBeenCalledTimes(2);
    expect(most).toBe(1);
    // The write armed by schedule() was replaced by the flush, not added to it.
    await vi.advanceTimersByTimeAsync(200);
    expect(write).toHaveBeenCalledTimes(2);
  });
});
