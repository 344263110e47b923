import type { Db } from './connection.js';
import type { NewFeedbackAnalysis } from './schema.js';

/**
 * Writes the analysis and marks the feedback analysed in one transaction. A retried job whose first
 * attempt already committed leaves the stored analysis as it is. `alsoOnFirstSave` runs in the same
 * transaction only when this call stored the analysis (triage opens the feedback's case there), so what it
 * writes exists exactly when the analysis does, once.
 */
export async function saveFeedbackAnalysis(
  db: Db,
  analysis: NewFeedbackAnalysis,
  alsoOnFirstSave?: (trx: Db) => Promise<unknown>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const stored = await trx
      .insertInto('feedback_analysis')
      .values(analysis)
      .onConflict((oc) => oc.column('feedback_id').doNothing())
      .returning('feedback_id')
      .executeTakeFirst();
    if (stored && alsoOnFirstSave) await alsoOnFirstSave(trx);
    await trx
      .updateTable('feedback')
      .set({ status: 'analysed', analysed_at: new Date() })
      .where('org_id', '=', analysis.org_id)
      .where('id', '=', analysis.feedback_id)
      .execute();
  });
}
