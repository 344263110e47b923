import type { Selectable } from 'kysely';
import type { AssessmentTable } from './assessments.tables.js';
import {
  auditManualChange,
  listElementTargets,
  listIndicatorOverrides,
  listObjectiveRatings,
  type ManualChange,
} from './assessor-inputs.js';
import type { Db } from './connection.js';

/**
 * Official assessments: the live score of a scope frozen, as it was, with the metric readings, ratings,
 * overrides and targets behind it. A frozen assessment never changes; later evidence moves only the live score.
 */

export type Assessment = Selectable<AssessmentTable>;
export type AssessmentSummary = Omit<Assessment, 'snapshot'>;

/** What an assessment keeps: everything needed to show, compare and export it without the live tables. */
export interface AssessmentSnapshot {
  score: Record<string, unknown>;
  metrics: unknown[];
  ratings: {
    elementId: string;
    level: string;
    reason: string;
    evidenceLinks: string[];
    ratedBy: string;
    ratedAt: string;
  }[];
  overrides: { indicatorId: string; attainment: number; reason: string; setBy: string; setAt: string }[];
  targets: {
    elementId: string;
    points: number | null;
    stage: string | null;
    reason: string;
    setBy: string;
    setAt: string;
  }[];
}

/**
 * Freezes the current score of `scope` into a signed-off assessment, in one transaction with its audit
 * entry. Undefined when the scope has no score yet.
 */
export async function freezeAssessment(
  db: Db,
  orgId: string,
  assessment: { scope: string; title: string; note: string },
  change: ManualChange,
): Promise<Assessment | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('score_current')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('scope', '=', assessment.scope)
      .executeTakeFirst();
    if (!current) return undefined;
    const [ratings, overrides, targets] = await Promise.all([
      listObjectiveRatings(trx, orgId),
      listIndicatorOverrides(trx, orgId),
      listElementTargets(trx, orgId, assessment.scope),
    ]);
    const snapshot: AssessmentSnapshot = {
      score: current.score,
      metrics: current.metrics,
      ratings: ratings.map((rating) => ({
        elementId: rating.element_id,
        level: rating.level,
        reason: rating.reason,
        evidenceLinks: rating.evidence_links,
        ratedBy: rating.rated_by,
        ratedAt: rating.rated_at.toISOString(),
      })),
      overrides: overrides.map((override) => ({
        indicatorId: override.indicator_id,
        attainment: override.attainment,
        reason: override.reason,
        setBy: override.set_by,
        setAt: override.set_at.toISOString(),
      })),
      targets: targets.map((target) => ({
        elementId: target.element_id,
        points: target.target_points,
        stage: target.target_stage,
        reason: target.reason,
        setBy: target.set_by,
        setAt: target.set_at.toISOString(),
      })),
    };
    const saved = await trx
      .insertInto('assessments')
      .values({
        org_id: orgId,
        scope: assessment.scope,
        title: assessment.title,
        note: assessment.note,
        signed_off_by: change.actor,
        frozen_at: change.at,
        score_computed_at: current.computed_at,
        total: current.total,
        stage: current.stage,
        snapshot: JSON.stringify(snapshot),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await auditManualChange(
      trx,
      orgId,
      {
        kind: 'assessment',
        subject: saved.id,
        scope: assessment.scope,
        after: { title: saved.title, total: saved.total, stage: saved.stage },
      },
      change,
    );
    return saved;
  });
}

/** An organisation's assessments, newest first, without their snapshots. */
export async function listAssessments(db: Db, orgId: string): Promise<AssessmentSummary[]> {
  return db
    .selectFrom('assessments')
    .select([
      'id',
      'org_id',
      'scope',
      'title',
      'note',
      'signed_off_by',
      'frozen_at',
      'score_computed_at',
      'total',
      'stage',
    ])
    .where('org_id', '=', orgId)
    .orderBy('frozen_at', 'desc')
    .execute();
}

export async function findAssessment(db: Db, orgId: string, id: string): Promise<Assessment | undefined> {
  return db
    .selectFrom('assessments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}
