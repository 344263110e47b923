import { spanOf } from '@cxloop/contracts';
import type { Db } from './connection.js';
import { receivedWithin } from './feedback.js';
import type { NewFeedbackAnalysis } from './schema.js';

/**
 * Writes the analyses of an organisation's feedback and marks the feedback analysed, all in one
 * transaction. A retried job whose first attempt already committed leaves the stored analysis as it is.
 * `onFirstSave` runs once in the same transaction with the analyses this call stored (triage opens their
 * cases there), so what it writes exists exactly when the analyses do, once.
 */
export async function saveFeedbackAnalyses(
  db: Db,
  orgId: string,
  analyses: readonly NewFeedbackAnalysis[],
  onFirstSave?: (trx: Db, saved: readonly NewFeedbackAnalysis[]) => Promise<unknown>,
): Promise<void> {
  if (analyses.length === 0) return;
  if (analyses.some((analysis) => analysis.org_id !== orgId)) {
    throw new Error('every analysis must belong to the organisation it is saved for');
  }
  await db.transaction().execute(async (trx) => {
    const stored = await trx
      .insertInto('feedback_analysis')
      .values([...analyses])
      .onConflict((oc) => oc.column('feedback_id').doNothing())
      .returning('feedback_id')
      .execute();
    if (onFirstSave) {
      const firstSaved = new Set(stored.map((row) => row.feedback_id));
      const saved = analyses.filter((analysis) => firstSaved.has(analysis.feedback_id));
      if (saved.length > 0) await onFirstSave(trx, saved);
    }
    const received = spanOf(analyses.map((analysis) => analysis.feedback_received_at));
    await trx
      .updateTable('feedback')
      .set({ status: 'analysed', analysed_at: new Date() })
      .where('org_id', '=', orgId)
      .where(
        'id',
        'in',
        analyses.map((analysis) => analysis.feedback_id),
      )
      .where((eb) => receivedWithin(eb, received))
      .execute();
  });
}

/** One feedback's analysis: `saveFeedbackAnalyses` for a batch of one. */
export async function saveFeedbackAnalysis(
  db: Db,
  analysis: NewFeedbackAnalysis,
  onFirstSave?: (trx: Db) => Promise<unknown>,
): Promise<void> {
  await saveFeedbackAnalyses(db, analysis.org_id, [analysis], onFirstSave);
}
