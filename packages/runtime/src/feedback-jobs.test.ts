import { randomUUID } from 'node:crypto';
import { MAX_FEEDBACK_PER_JOB } from '@cxloop/contracts';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { feedbackBatchOf, processFeedbackBatch } from './feedback-jobs.js';
import { feedbackBatches, feedbackBatchJobId } from './queues.js';

const ids = (count: number) => Array.from({ length: count }, () => randomUUID());

describe('feedback batch jobs', () => {
  it('splits feedback into one job per organisation and run of at most MAX_FEEDBACK_PER_JOB ids, in order', () => {
    const [orgA, orgB] = [randomUUID(), randomUUID()];
    const ofA = ids(MAX_FEEDBACK_PER_JOB + 1);
    const ofB = ids(2);
    const refs = [
      ...ofA.map((feedbackId) => ({ feedbackId, orgId: orgA })),
      { feedbackId: ofB[0]!, orgId: orgB },
    ];
    refs.splice(3, 0, { feedbackId: ofB[1]!, orgId: orgB });
    expect(feedbackBatches(refs)).toEqual([
      { orgId: orgA, feedbackIds: ofA.slice(0, MAX_FEEDBACK_PER_JOB) },
      { orgId: orgA, feedbackIds: ofA.slice(MAX_FEEDBACK_PER_JOB) },
      { orgId: orgB, feedbackIds: [ofB[1], ofB[0]] },
    ]);
  });

  it("carries the receipt range of a job's feedback when every one's is known, and hands it to each", async () => {
    const orgId = randomUUID();
    const [early, late, unknown] = ids(3);
    const at = (iso: string) => [iso, iso] as [string, string];
    const known = [
      { feedbackId: late!, orgId, receivedBetween: at('2026-11-30T23:59:59.999Z') },
      { feedbackId: early!, orgId, receivedBetween: at('2026-10-01T00:00:00.000Z') },
    ];
    const [job] = feedbackBatches(known);
    expect(job).toEqual({
      orgId,
      feedbackIds: [late, early],
      receivedBetween: ['2026-10-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z'],
    });
    // The range travels through Redis as JSON and is checked there like the rest of the payload.
    expect(feedbackBatchOf(JSON.parse(JSON.stringify(job)), 'analyze')).toEqual(job);
    expect(() => feedbackBatchOf({ ...job, receivedBetween: ['yesterday', 'today'] }, 'analyze')).toThrow(
      UnrecoverableError,
    );
    // One feedback of unknown receipt leaves the whole job unbounded: workers then look up by id alone.
    expect(feedbackBatches([...known, { feedbackId: unknown!, orgId }])[0]).not.toHaveProperty(
      'receivedBetween',
    );
    const seen: unknown[] = [];
    await processFeedbackBatch(job!, async (ref) => seen.push(ref.receivedBetween));
    expect(seen).toEqual([job!.receivedBetween, job!.receivedBetween]);
  });

  it('names a batch of one by its feedback and a larger one by its set of ids', () => {
    const orgId = randomUUID();
    const [one, two, three] = ids(3);
    expect(feedbackBatchJobId({ orgId, feedbackIds: [one!] })).toBe(one);
    const id = feedbackBatchJobId({ orgId, feedbackIds: [one!, two!] });
    expect(id).toMatch(/^batch-[\w-]+$/);
    expect(feedbackBatchJobId({ orgId, feedbackIds: [two!, one!] })).toBe(id);
    expect(feedbackBatchJobId({ orgId, feedbackIds: [one!, three!] })).not.toBe(id);
  });

  it('accepts the one-feedback payload of earlier versions and refuses a malformed one for good', () => {
    const [feedbackId, orgId] = [randomUUID(), randomUUID()];
    expect(feedbackBatchOf({ feedbackId, orgId }, 'analyze')).toEqual({ orgId, feedbackIds: [feedbackId] });
    expect(feedbackBatchOf({ feedbackIds: [feedbackId], orgId }, 'analyze')).toEqual({
      orgId,
      feedbackIds: [feedbackId],
    });
    expect(() => feedbackBatchOf({ feedbackIds: [], orgId }, 'analyze')).toThrow(UnrecoverableError);
    expect(() => feedbackBatchOf({ feedbackIds: ids(MAX_FEEDBACK_PER_JOB + 1), orgId }, 'analyze')).toThrow(
      UnrecoverableError,
    );
  });

  it('reports feedback that can never be processed without failing the rest of its job', async () => {
    const job = { orgId: randomUUID(), feedbackIds: ids(3) };
    const gone = job.feedbackIds[1]!;
    const outcome = await processFeedbackBatch(job, async ({ feedbackId }) => {
      if (feedbackId === gone) throw new UnrecoverableError('row gone');
      return feedbackId;
    });
    expect(outcome).toEqual({ done: [job.feedbackIds[0], job.feedbackIds[2]], missing: [gone] });
  });

  it('fails the job for a retry when any feedback fails for a passing reason, after running every one', async () => {
    const job = { orgId: randomUUID(), feedbackIds: ids(3) };
    const ran: string[] = [];
    const failure = processFeedbackBatch(job, async ({ feedbackId }) => {
      ran.push(feedbackId);
      if (feedbackId === job.feedbackIds[0]) throw new Error('connection reset');
      return feedbackId;
    });
    await expect(failure).rejects.toThrow('connection reset');
    expect(ran).toEqual(job.feedbackIds);
  });

  it('fails without retries when nothing in the job can be processed', async () => {
    const job = { orgId: randomUUID(), feedbackIds: ids(2) };
    const failure = processFeedbackBatch(job, async () => {
      throw new UnrecoverableError('row gone');
    });
    await expect(failure).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
