import { randomUUID } from 'node:crypto';
import { countFeedbackBatchIntoRollups, saveFeedbackAnalysis, storeFeedbackBatch } from '@cxloop/db';
import type { FrameworkScore } from '@cxloop/scoring';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTenant, plainAnalysis, type TestTenant } from '../support/fixtures.js';
import { scoreOrganisation, useScoringContext } from '../support/scoring.js';

/**
 * A score measures the organisation, not cxloop: how fast our workers analyse feedback, how much waits for
 * them, and when the organisation was onboarded must not move it.
 */

const context = useScoringContext();

const DAY_MS = 86_400_000;

interface Received {
  at: Date;
  nps: number;
  customerRef: string;
}

/** Stores feedback received at the given times; `analyse` says whether the analysis worker got to it. */
async function receive(
  tenant: TestTenant,
  feedback: readonly Received[],
  analyse: boolean,
): Promise<string[]> {
  const { api } = context;
  const stored = await storeFeedbackBatch(
    api.db,
    feedback.map((item) => ({
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: randomUUID(),
      customer_ref: item.customerRef,
      text: 'The delivery was late again',
      nps: item.nps,
      metadata: JSON.stringify({}),
      occurred_at: item.at,
      received_at: item.at,
    })),
  );
  const ids = stored.map((row) => row.id);
  if (!analyse) return ids;
  for (const id of ids) await saveFeedbackAnalysis(api.db, plainAnalysis(id, tenant.orgId));
  await countFeedbackBatchIntoRollups(api.db, tenant.orgId, ids, new Date());
  return ids;
}

async function scoreAt(tenant: TestTenant, now: Date): Promise<FrameworkScore> {
  return (await scoreOrganisation(context, tenant.orgId, now)).score as unknown as FrameworkScore;
}

const elementPoints = (score: FrameworkScore) =>
  Object.fromEntries(score.dimensions.flatMap((d) => d.elements.map((e) => [e.id, e.points])));

describe('scores measure the organisation, not cxloop', () => {
  it('are the same whether the workers analyse promptly or lag behind with a backlog', async () => {
    const now = new Date();
    const day = (daysAgo: number, hour: number) => {
      const at = new Date(now.getTime() - daysAgo * DAY_MS);
      at.setUTCHours(hour, 0, 0, 0);
      return at;
    };
    const history = (hour: number): Received[] =>
      Array.from({ length: 40 }, (_, i) => ({
        at: day(1 + (i % 20), hour),
        nps: i % 11,
        customerRef: `c-${i % 9}`,
      }));
    const prompt = await createTenant(context.api.db, context.api.secretBox, 'Analysed promptly');
    const lagging = await createTenant(
      context.api.db,
      context.api.secretBox,
      'Analysed late, with a backlog',
    );
    // Same customers, same answers, same days; the lagging organisation's feedback waited ten hours longer
    // for analysis, and 60 more feedback are still waiting for the workers.
    await receive(prompt, history(12), true);
    await receive(lagging, history(2), true);
    const backlog = await receive(
      lagging,
      Array.from({ length: 60 }, (_, i) => ({
        at: new Date(now.getTime() - (i + 1) * 60_000),
        nps: 10,
        customerRef: `w-${i}`,
      })),
      false,
    );
    const waiting = await context.api.db
      .selectFrom('feedback')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_id', '=', lagging.orgId)
      .where('id', 'in', backlog)
      .where('status', '<>', 'analysed')
      .executeTakeFirstOrThrow();
    expect(Number(waiting.n)).toBe(60);

    const promptScore = await scoreAt(prompt, now);
    const laggingScore = await scoreAt(lagging, now);
    expect(promptScore.total).toBeGreaterThan(0);
    expect(elementPoints(laggingScore)).toEqual(elementPoints(promptScore));
    expect(laggingScore.total).toBe(promptScore.total);
  });

  it('stay the same as time passes while the evidence does not change: no onboarding windfall or cliff', async () => {
    const start = new Date(Date.now() - 190 * DAY_MS);
    start.setUTCHours(12, 0, 0, 0);
    const later = new Date(start.getTime() + 181 * DAY_MS);
    const tenant = await createTenant(context.api.db, context.api.secretBox, 'Steady organisation');
    // Onboarded ten days before the first score, with its history imported; its channel was connected then.
    await sql`update sources set created_at = ${new Date(start.getTime() - 10 * DAY_MS)} where id = ${tenant.sourceId}`.execute(
      context.api.db,
    );
    // The same week, every week: one answer a day from seven regular customers, from 180 days before the
    // first score to the second.
    const days = Array.from({ length: 362 }, (_, i) => new Date(start.getTime() - (180 - i) * DAY_MS));
    await receive(
      tenant,
      days.map((at, i) => ({ at, nps: [9, 10, 7, 3, 9, 8, 10][i % 7]!, customerRef: `c-${i % 7}` })),
      true,
    );

    const first = await scoreAt(tenant, start);
    const second = await scoreAt(tenant, later);
    expect(first.total).toBeGreaterThan(0);
    expect(elementPoints(second)).toEqual(elementPoints(first));
  });
});
