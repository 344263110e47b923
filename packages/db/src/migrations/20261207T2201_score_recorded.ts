import type { Kysely } from 'kysely';

/**
 * `score_current.recorded_score`: the score as of the scope's latest history entry. The current score is
 * rewritten on every recompute (fresh samples and windows), but a history entry and a change event are written
 * only when the score moves visibly, and each entry's diff is taken against the last recorded score, so the
 * diffs chain exactly and small drifts add up until they show instead of disappearing between recomputes.
 * Null until the scope's next recorded change (readers fall back to `score`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('score_current').addColumn('recorded_score', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('score_current').dropColumn('recorded_score').execute();
}
