import {
  type Db,
  listCustomerAnswers,
  listCustomerSummaries,
  listOrganisationsWithNewOutcomes,
  listSplitPurchases,
  type MaintenanceTask,
  runMaintenanceTask,
  saveOutcomeAnalysis,
} from '@cxloop/db';
import { analyseLoyalty, holdoutBuyerOf, holdoutPeriodFor } from '@cxloop/outcomes';
import { requestScoreRecompute, type ScoreQueue } from '@cxloop/runtime';

/** The lock id is shared by every replica, so one analyses while the others skip. */
export const OUTCOME_ANALYSIS: MaintenanceTask = { lockKey: 0x6378_0010, name: 'outcome-analysis' };

/** How far back customers' answers are joined to their outcomes. */
const ANSWER_PERIOD_DAYS = 365;

export interface OutcomeAnalysisOptions {
  now: Date;
  /** Organisations analysed per run at most; the others wait for the next run. */
  batchSize: number;
}

export type OutcomeAnalysisRun = { ran: false } | { ran: true; analysed: number };

/** Fit and store one organisation's loyalty & value analysis from its customer summaries. */
export async function analyseOrganisationOutcomes(db: Db, orgId: string, now: Date) {
  const [summaries, answers] = await Promise.all([
    listCustomerSummaries(db, orgId),
    listCustomerAnswers(db, orgId, new Date(now.getTime() - ANSWER_PERIOD_DAYS * 24 * 3600 * 1000)),
  ]);
  const period = holdoutPeriodFor(
    summaries.flatMap((summary) => summary.firstPurchaseAt ?? []),
    now,
  );
  const holdout = period && {
    ...period,
    buyers: (await listSplitPurchases(db, orgId, period.calibrationEnd, now)).map((purchases) =>
      holdoutBuyerOf(purchases, period.calibrationEnd),
    ),
  };
  const analysis = analyseLoyalty(summaries, answers, now, holdout);
  await saveOutcomeAnalysis(db, orgId, now, analysis as unknown as Record<string, unknown>);
  return analysis;
}

/**
 * Refits every organisation whose customer summaries changed since its last analysis, then asks for its
 * score to be recomputed (the loyalty indicators read the stored analysis, never the transactions). Timer
 * and advisory lock like the other sweeps: fitting costs seconds per 100 k customers, so it runs beside
 * the score jobs rather than inside them.
 */
export async function refreshOutcomeAnalyses(
  deps: { db: Db; scoreQueue: ScoreQueue },
  options: OutcomeAnalysisOptions,
): Promise<OutcomeAnalysisRun> {
  return runMaintenanceTask(deps.db, OUTCOME_ANALYSIS, async () => {
    const orgIds = await listOrganisationsWithNewOutcomes(deps.db, options.batchSize);
    for (const orgId of orgIds) {
      await analyseOrganisationOutcomes(deps.db, orgId, options.now);
      await requestScoreRecompute(deps.scoreQueue, orgId);
    }
    return { analysed: orgIds.length };
  });
}
