import { randomUUID } from 'node:crypto';
import { createAnalyzeProcessor } from '@cxloop/analysis-worker';
import type { FeedbackBatchJob } from '@cxloop/contracts';
import { countFeedbackBatchIntoRollups, type Db, storeFeedbackBatch } from '@cxloop/db';
import type { AggregateQueue } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import type { TestTenant } from './fixtures.js';

const DAY_MS = 24 * 3_600_000;

/**
 * Airline feedback over three weeks: five seat-belt complaints no built-in topic knows (four of them get no
 * topic at all), lounge remarks, and a few that the built-in topics already cover.
 */
export const AIRLINE_HISTORY: readonly { text: string; nps: number; daysAgo: number }[] = [
  { text: 'The seat belt buckle was broken and nobody came to fix it.', nps: 2, daysAgo: 20 },
  { text: 'My seat belt would not fasten, the buckle was jammed.', nps: 3, daysAgo: 15 },
  { text: 'Seat belt jammed again, scary take-off.', nps: 1, daysAgo: 9 },
  { text: 'Seat belt buckle missing on row 14.', nps: 4, daysAgo: 2 },
  { text: 'Seat belt strap frayed, reported it to nobody because nobody listened.', nps: 2, daysAgo: 0 },
  { text: 'The lounge was lovely and quiet.', nps: 9, daysAgo: 12 },
  { text: 'Lounge showers were cold.', nps: 5, daysAgo: 3 },
  { text: 'I was charged twice for my ticket and still wait for the refund.', nps: 0, daysAgo: 6 },
  { text: 'Great crew, smooth landing.', nps: 10, daysAgo: 1 },
];

/** Stores the airline history as received days before `now`, analyses it and counts it into the rollups. */
export async function storeAnalysedAirlineHistory(
  db: Db,
  tenant: TestTenant,
  aggregateQueue: AggregateQueue,
  now: Date,
): Promise<string[]> {
  const stored = await storeFeedbackBatch(
    db,
    AIRLINE_HISTORY.map((item) => ({
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: randomUUID(),
      customer_ref: null,
      text: item.text,
      nps: item.nps,
      metadata: JSON.stringify({}),
      occurred_at: new Date(now.getTime() - item.daysAgo * DAY_MS),
      received_at: new Date(now.getTime() - item.daysAgo * DAY_MS),
    })),
  );
  const feedbackIds = stored.map((row) => row.id);
  const analyse = createAnalyzeProcessor({ db, aggregateQueue });
  await analyse({ data: { feedbackIds, orgId: tenant.orgId } } as Job<FeedbackBatchJob>);
  await countFeedbackBatchIntoRollups(db, tenant.orgId, feedbackIds, now);
  return feedbackIds;
}
