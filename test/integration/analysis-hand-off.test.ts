import { randomUUID } from 'node:crypto';
import { AnalysisHandOff, closeQueue, createAnalyzeQueue, redisOptions } from '@cxloop/runtime';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { flushRedisPrefix, redisUrl } from '../support/redis.js';

const prefix = `cxtest:handoff:${randomUUID()}`;
const queue = createAnalyzeQueue({ connection: redisOptions(redisUrl), prefix });

afterAll(async () => {
  await closeQueue(queue);
  await flushRedisPrefix(prefix);
});

const refsOf = (orgId: string, count: number) =>
  Array.from({ length: count }, () => ({ orgId, feedbackId: randomUUID() }));

async function queuedJobs() {
  return (await queue.getJobs(['waiting'])).map((job) => job.data);
}

describe('AnalysisHandOff (enqueue behind the answer)', () => {
  it('enqueues what was handed over meanwhile together: jobs of up to 100 feedback per organisation', async () => {
    await queue.obliterate({ force: true });
    const handOff = new AnalysisHandOff(queue, { warn: vi.fn() });
    const first = refsOf(randomUUID(), 250);
    const second = refsOf(randomUUID(), 5);
    for (let start = 0; start < first.length; start += 10) handOff.handOff(first.slice(start, start + 10));
    handOff.handOff(second);
    await handOff.flush();
    const jobs = await queuedJobs();
    expect(jobs.map((job) => job.feedbackIds.length).sort((a, b) => a - b)).toEqual([5, 50, 100, 100]);
    const queued = jobs.flatMap((job) => job.feedbackIds);
    expect(new Set(queued)).toEqual(new Set([...first, ...second].map((ref) => ref.feedbackId)));
    expect(queued).toHaveLength(255);
  });

  it('enqueues on its own within its linger, without a flush', async () => {
    await queue.obliterate({ force: true });
    const handOff = new AnalysisHandOff(queue, { warn: vi.fn() });
    const [ref] = refsOf(randomUUID(), 1);
    handOff.handOff([ref!]);
    await expect
      .poll(queuedJobs, { timeout: 2_000, interval: 10 })
      .toEqual([{ orgId: ref!.orgId, feedbackIds: [ref!.feedbackId] }]);
  });

  it('holds at most its limit and leaves the rest to the sweeper, saying how many', async () => {
    await queue.obliterate({ force: true });
    const warn = vi.fn();
    const handOff = new AnalysisHandOff(queue, { warn }, 10);
    const orgId = randomUUID();
    const kept = refsOf(orgId, 8);
    handOff.handOff(kept);
    handOff.handOff(refsOf(orgId, 5));
    await handOff.flush();
    expect((await queuedJobs()).flatMap((job) => job.feedbackIds).sort()).toEqual(
      kept.map((ref) => ref.feedbackId).sort(),
    );
    expect(warn).toHaveBeenCalledWith({ count: 5 }, expect.stringContaining('sweeper'));
  });
});
