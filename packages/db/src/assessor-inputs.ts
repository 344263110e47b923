import type { Selectable } from 'kysely';
import type {
  AssessmentAuditTable,
  AuditKind,
  ElementTargetTable,
  IndicatorOverrideTable,
  ObjectiveLevel,
  ObjectiveRatingTable,
} from './assessments.tables.js';
import type { Db } from './connection.js';

/**
 * What assessors put into a score by hand: objective ratings, indicator overrides and element targets.
 * Every change is written with its audit entry (who, when, old → new, why) in the same transaction, so no
 * manual change exists without its trail.
 */

export type ObjectiveRating = Selectable<ObjectiveRatingTable>;
export type IndicatorOverride = Selectable<IndicatorOverrideTable>;
export type ElementTarget = Selectable<ElementTargetTable>;
export type AuditEntry = Selectable<AssessmentAuditTable>;

/** Who made a change and when: the person the key acts for, else the key's name. */
export interface ManualChange {
  actor: string;
  at: Date;
  reason: string;
}

/** Who holds an API key, as an audit entry names them: the member it acts for, else the key's own name. */
export async function apiKeyHolderName(db: Db, orgId: string, apiKeyId: string): Promise<string> {
  const row = await db
    .selectFrom('api_keys')
    .leftJoin('members', 'members.id', 'api_keys.member_id')
    .select(['api_keys.name as keyName', 'members.name as memberName'])
    .where('api_keys.org_id', '=', orgId)
    .where('api_keys.id', '=', apiKeyId)
    .executeTakeFirstOrThrow();
  return row.memberName ?? row.keyName;
}

async function audit(
  trx: Db,
  orgId: string,
  entry: {
    kind: AuditKind;
    subject: string;
    scope: string | null;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  },
  change: ManualChange,
): Promise<AuditEntry> {
  return trx
    .insertInto('assessment_audit')
    .values({
      org_id: orgId,
      kind: entry.kind,
      subject: entry.subject,
      scope: entry.scope,
      actor: change.actor,
      at: change.at,
      old_value: entry.before === null ? null : JSON.stringify(entry.before),
      new_value: entry.after === null ? null : JSON.stringify(entry.after),
      reason: change.reason,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listObjectiveRatings(db: Db, orgId: string): Promise<ObjectiveRating[]> {
  return db
    .selectFrom('objective_ratings')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('element_id')
    .execute();
}

/** Rates one element's objective, replacing any earlier rating; returns the rating and its audit entry. */
export async function rateObjective(
  db: Db,
  orgId: string,
  rating: { elementId: string; level: ObjectiveLevel; evidenceLinks: readonly string[] },
  change: ManualChange,
): Promise<{ rating: ObjectiveRating; audit: AuditEntry }> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('objective_ratings')
      .select(['level', 'reason', 'evidence_links'])
      .where('org_id', '=', orgId)
      .where('element_id', '=', rating.elementId)
      .forUpdate()
      .executeTakeFirst();
    const row = {
      level: rating.level,
      reason: change.reason,
      evidence_links: JSON.stringify(rating.evidenceLinks),
      rated_by: change.actor,
      rated_at: change.at,
    };
    const saved = await trx
      .insertInto('objective_ratings')
      .values({ org_id: orgId, element_id: rating.elementId, ...row })
      .onConflict((oc) => oc.columns(['org_id', 'element_id']).doUpdateSet(row))
      .returningAll()
      .executeTakeFirstOrThrow();
    const entry = await audit(
      trx,
      orgId,
      {
        kind: 'objective_rating',
        subject: rating.elementId,
        scope: null,
        before: before ? { level: before.level, evidenceLinks: before.evidence_links } : null,
        after: { level: rating.level, evidenceLinks: rating.evidenceLinks },
      },
      change,
    );
    return { rating: saved, audit: entry };
  });
}

export async function listIndicatorOverrides(db: Db, orgId: string): Promise<IndicatorOverride[]> {
  return db
    .selectFrom('indicator_overrides')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('indicator_id')
    .execute();
}

/** Sets one indicator's attainment by hand, or removes the override (`attainment` null). */
export async function overrideIndicator(
  db: Db,
  orgId: string,
  override: { indicatorId: string; attainment: number | null },
  change: ManualChange,
): Promise<{ override: IndicatorOverride | null; audit: AuditEntry }> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .deleteFrom('indicator_overrides')
      .where('org_id', '=', orgId)
      .where('indicator_id', '=', override.indicatorId)
      .returning('attainment')
      .executeTakeFirst();
    const saved =
      override.attainment === null
        ? null
        : await trx
            .insertInto('indicator_overrides')
            .values({
              org_id: orgId,
              indicator_id: override.indicatorId,
              attainment: override.attainment,
              reason: change.reason,
              set_by: change.actor,
              set_at: change.at,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
    const entry = await audit(
      trx,
      orgId,
      {
        kind: 'indicator_override',
        subject: override.indicatorId,
        scope: null,
        before: before ? { attainment: before.attainment } : null,
        after: saved ? { attainment: saved.attainment } : null,
      },
      change,
    );
    return { override: saved, audit: entry };
  });
}

/** Targets of every scope, or of one scope ('enterprise' or a unit id). */
export async function listElementTargets(db: Db, orgId: string, scope?: string): Promise<ElementTarget[]> {
  let query = db.selectFrom('element_targets').selectAll().where('org_id', '=', orgId);
  if (scope !== undefined) query = query.where('scope', '=', scope);
  return query.orderBy('scope').orderBy('element_id').execute();
}

/** A target is a stage to reach or a number of points, never both. */
export type TargetGoal = { points: number } | { stage: string };

/** Sets an element's target in a scope, or removes it (`goal` null). */
export async function setElementTarget(
  db: Db,
  orgId: string,
  target: { scope: string; elementId: string; goal: TargetGoal | null },
  change: ManualChange,
): Promise<{ target: ElementTarget | null; audit: AuditEntry }> {
  const goalOf = (row: { target_points: number | null; target_stage: string | null }) =>
    row.target_points === null ? { stage: row.target_stage } : { points: row.target_points };
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .deleteFrom('element_targets')
      .where('org_id', '=', orgId)
      .where('scope', '=', target.scope)
      .where('element_id', '=', target.elementId)
      .returning(['target_points', 'target_stage'])
      .executeTakeFirst();
    const goal = target.goal;
    const saved =
      goal === null
        ? null
        : await trx
            .insertInto('element_targets')
            .values({
              org_id: orgId,
              scope: target.scope,
              element_id: target.elementId,
              target_points: 'points' in goal ? goal.points : null,
              target_stage: 'stage' in goal ? goal.stage : null,
              reason: change.reason,
              set_by: change.actor,
              set_at: change.at,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
    const entry = await audit(
      trx,
      orgId,
      {
        kind: 'element_target',
        subject: target.elementId,
        scope: target.scope,
        before: before ? goalOf(before) : null,
        after: saved ? goalOf(saved) : null,
      },
      change,
    );
    return { target: saved, audit: entry };
  });
}

/** Records a change that is not one of the inputs above (an assessment frozen), in the caller's transaction. */
export function auditManualChange(
  trx: Db,
  orgId: string,
  entry: { kind: AuditKind; subject: string; scope: string | null; after: Record<string, unknown> },
  change: ManualChange,
): Promise<AuditEntry> {
  return audit(trx, orgId, { ...entry, before: null }, change);
}

/** The audit trail, newest first; `subject` narrows it to one element, indicator or assessment. */
export async function listAuditEntries(
  db: Db,
  orgId: string,
  options: { subject?: string; kind?: AuditKind; before?: string; limit: number },
): Promise<AuditEntry[]> {
  let query = db.selectFrom('assessment_audit').selectAll().where('org_id', '=', orgId);
  if (options.subject !== undefined) query = query.where('subject', '=', options.subject);
  if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  return query.orderBy('id', 'desc').limit(options.limit).execute();
}
