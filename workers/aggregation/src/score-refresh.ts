import { type Db, listOrganisationsScoredBefore, type MaintenanceTask, runMaintenanceTask } from '@cxloop/db';
import { requestScoreRecompute, type ScoreQueue } from '@cxloop/runtime';

/** The lock id is shared by every replica, so one refreshes while the others skip. */
export const SCORE_REFRESH: MaintenanceTask = { lockKey: 0x6378_0003, name: 'score-refresh' };

export interface ScoreRefreshOptions {
  now: Date;
  /** How old an organisation's score may grow before it is recomputed without being asked. */
  maxAgeSeconds: number;
  /** Organisations requested per run at most; the oldest scores go first, the rest wait for the next run. */
  batchSize: number;
}

export type ScoreRefreshOutcome = { ran: false } | { ran: true; requested: number };

/**
 * Requests a recompute of every organisation whose score is older than `maxAgeSeconds`, and of every one
 * with evidence (counted feedback, staff survey responses) and no score. A recompute request is a Redis job, so a Redis loss between counting
 * feedback and its recompute would otherwise leave the score behind its evidence until the organisation's
 * next feedback, which a quiet one may not get for days; and evidence over the last 30 or 90 days moves with
 * the calendar, not only with new feedback. Timer and advisory lock, as the other sweeps, so a Redis flush
 * cannot stop it.
 */
export async function refreshStaleScores(
  deps: { db: Db; scoreQueue: ScoreQueue },
  options: ScoreRefreshOptions,
): Promise<ScoreRefreshOutcome> {
  return runMaintenanceTask(deps.db, SCORE_REFRESH, async () => {
    const computedBefore = new Date(options.now.getTime() - options.maxAgeSeconds * 1000);
    const orgIds = await listOrganisationsScoredBefore(deps.db, computedBefore, options.batchSize);
    for (const orgId of orgIds) await requestScoreRecompute(deps.scoreQueue, orgId);
    return { requested: orgIds.length };
  });
}
