import { randomUUID } from 'node:crypto';
import {
  countFeedbackBatchIntoRollups,
  countFeedbackIntoRollups,
  type Db,
  saveFeedbackAnalyses,
  saveFeedbackAnalysis,
  storeFeedbackBatch,
} from '@cxloop/db';
import { plainAnalysis, type TestTenant } from './fixtures.js';

/**
 * Rated feedback stored, analysed and counted into the rollups as the pipeline would, without running it:
 * enough for the score worker to compute a score for the tenant.
 */
export async function storeCountedFeedback(db: Db, tenant: TestTenant, npsAnswers: readonly number[]) {
  const stored = await storeFeedbackBatch(
    db,
    npsAnswers.map((nps) => ({
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: randomUUID(),
      customer_ref: null,
      text: 'The delivery was late again',
      nps,
      metadata: JSON.stringify({}),
      occurred_at: new Date(),
    })),
  );
  for (const row of stored) {
    await saveFeedbackAnalysis(db, plainAnalysis(row.id, tenant.orgId));
    await countFeedbackIntoRollups(db, tenant.orgId, row.id, new Date());
  }
}

/** One NPS answer of a seeded history: its unit and the UTC day it was received. */
export interface DatedNpsAnswer {
  unitId: string | null;
  day: string;
  nps: number;
}

/**
 * Stores, analyses and counts a history of NPS answers through the real rollup path, each received at
 * 10:00 UTC of its day, in batches as the aggregation worker counts them.
 */
export async function countNpsHistory(
  db: Db,
  tenant: TestTenant,
  answers: readonly DatedNpsAnswer[],
  now: Date,
) {
  for (let start = 0; start < answers.length; start += 500) {
    const stored = await storeFeedbackBatch(
      db,
      answers.slice(start, start + 500).map((answer) => ({
        org_id: tenant.orgId,
        source_id: tenant.sourceId,
        unit_id: answer.unitId,
        channel: 'web',
        external_id: randomUUID(),
        customer_ref: null,
        text: 'Delivery feedback',
        nps: answer.nps,
        metadata: JSON.stringify({}),
        occurred_at: new Date(`${answer.day}T10:00:00Z`),
        received_at: new Date(`${answer.day}T10:00:00Z`),
      })),
    );
    await saveFeedbackAnalyses(
      db,
      tenant.orgId,
      stored.map((row) => plainAnalysis(row.id, tenant.orgId)),
    );
    await countFeedbackBatchIntoRollups(
      db,
      tenant.orgId,
      stored.map((row) => row.id),
      now,
    );
  }
}

/** NPS answers drawn from a promoter/detractor mix: promoters 9–10, passives 7–8, detractors 0–6. */
export function drawNpsAnswers(
  random: () => number,
  count: number,
  mix: { promoters: number; detractors: number },
) {
  return Array.from({ length: count }, () => {
    const draw = random();
    if (draw < mix.promoters) return random() < 0.5 ? 9 : 10;
    if (draw < mix.promoters + mix.detractors) return Math.floor(random() * 7);
    return random() < 0.5 ? 7 : 8;
  });
}

/**
 * A unit that improves: 56 days around `anchor`, 12 answers a day in `improving` (NPS about 0 before the
 * anchor, about +40 from it) and 24 a day in `steady` (about 0 throughout). The truth effect tests recover.
 */
export function improvementHistory(options: {
  anchor: string;
  improving: string;
  steady: string;
  random: () => number;
}): DatedNpsAnswer[] {
  const base = { promoters: 0.35, detractors: 0.35 };
  const raised = { promoters: 0.6, detractors: 0.2 };
  const answers: DatedNpsAnswer[] = [];
  for (let offset = -28; offset < 28; offset++) {
    const day = new Date(Date.parse(`${options.anchor}T00:00:00Z`) + offset * 86_400_000)
      .toISOString()
      .slice(0, 10);
    for (const nps of drawNpsAnswers(options.random, 12, offset < 0 ? base : raised)) {
      answers.push({ unitId: options.improving, day, nps });
    }
    for (const nps of drawNpsAnswers(options.random, 24, base))
      answers.push({ unitId: options.steady, day, nps });
  }
  return answers;
}
