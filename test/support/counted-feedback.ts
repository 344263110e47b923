import { randomUUID } from 'node:crypto';
import { countFeedbackIntoRollups, type Db, saveFeedbackAnalysis, storeFeedbackBatch } from '@cxloop/db';
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
