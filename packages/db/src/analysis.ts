import { spanOf } from '@cxloop/contracts';
import { sql } from 'kysely';
import type { Db } from './connection.js';
import { receivedWithin } from './feedback.js';
import type { NewFeedbackAnalysis } from './schema.js';

/**
 * Stores the analyses of an organisation's feedback and marks the feedback analysed in one statement (the
 * insert and the update as data-modifying CTEs): atomic without a transaction of its own, and one round
 * trip. Returns the analyses this call stored; a retried job whose first attempt already committed leaves
 * the stored analysis as it is and gets none of them back.
 */
async function insertAndMarkAnalysed(
  db: Db,
  orgId: string,
  analyses: readonly NewFeedbackAnalysis[],
): Promise<NewFeedbackAnalysis[]> {
  const received = spanOf(analyses.map((analysis) => analysis.feedback_received_at));
  const ids = analyses.map((analysis) => analysis.feedback_id);
  // In id order, so two batches sharing feedback (the sweeper re-offering what a job still holds) wait on
  // each other's rows in one order rather than deadlock.
  const insert = db
    .insertInto('feedback_analysis')
    .values([...analyses].sort((a, b) => (a.feedback_id < b.feedback_id ? -1 : 1)))
    .onConflict((oc) => oc.column('feedback_id').doNothing())
    .returning('feedback_id');
  const mark = db
    .updateTable('feedback')
    .set({ status: 'analysed', analysed_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .where((eb) => receivedWithin(eb, received));
  const stored = await sql<{ feedback_id: string }>`
    with stored as (${insert}), marked as (${mark}) select feedback_id from stored`.execute(db);
  const firstSaved = new Set(stored.rows.map((row) => row.feedback_id));
  return analyses.filter((analysis) => firstSaved.has(analysis.feedback_id));
}

/**
 * Writes the analyses of an organisation's feedback and marks the feedback analysed, atomically. A retried
 * job whose first attempt already committed leaves the stored analysis as it is. `onFirstSave` runs once in
 * the same transaction with the analyses this call stored (triage opens their cases there), so what it
 * writes exists exactly when the analyses do, once; without it no transaction is opened (the write is one
 * statement), which saves the two round trips of BEGIN and COMMIT.
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
  if (!onFirstSave) {
    await insertAndMarkAnalysed(db, orgId, analyses);
    return;
  }
  await db.transaction().execute(async (trx) => {
    const saved = await insertAndMarkAnalysed(trx, orgId, analyses);
    if (saved.length > 0) await onFirstSave(trx, saved);
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
