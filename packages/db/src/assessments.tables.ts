import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type ObjectiveLevel = 'fully' | 'partially' | 'not_yet';

/** An assessor's current rating of one element's statement of objective (organisation-wide). */
export interface ObjectiveRatingTable {
  org_id: string;
  element_id: string;
  level: ObjectiveLevel;
  reason: string;
  evidence_links: JSONColumnType<string[], string, string>;
  rated_by: string;
  rated_at: Timestamp;
}

/** An assessor's attainment (0–1) for one indicator, replacing what the evidence says. */
export interface IndicatorOverrideTable {
  org_id: string;
  indicator_id: string;
  attainment: number;
  reason: string;
  set_by: string;
  set_at: Timestamp;
}

/** The goal for one element in one scope ('enterprise' or a unit id): a stage or a number of points. */
export interface ElementTargetTable {
  org_id: string;
  scope: string;
  element_id: string;
  target_points: number | null;
  target_stage: string | null;
  reason: string;
  set_by: string;
  set_at: Timestamp;
}

export type AuditKind = 'objective_rating' | 'indicator_override' | 'element_target' | 'assessment';

/** One manual change: who, when, what it was, what it became, and why. Append-only. */
export interface AssessmentAuditTable {
  id: Generated<string>;
  org_id: string;
  kind: AuditKind;
  /** The element, indicator or assessment changed. */
  subject: string;
  scope: string | null;
  actor: string;
  at: Timestamp;
  old_value: JSONColumnType<Record<string, unknown>, string | null, string | null> | null;
  new_value: JSONColumnType<Record<string, unknown>, string | null, string | null> | null;
  reason: string;
}

/** A signed-off assessment: the live score of a scope frozen with the evidence and manual input behind it. */
export interface AssessmentTable {
  id: Generated<string>;
  org_id: string;
  scope: string;
  title: string;
  note: string;
  signed_off_by: string;
  frozen_at: Timestamp;
  score_computed_at: Timestamp;
  total: number;
  stage: string;
  snapshot: JSONColumnType<Record<string, unknown>, string, string>;
}

export interface AssessmentTables {
  objective_ratings: ObjectiveRatingTable;
  indicator_overrides: IndicatorOverrideTable;
  element_targets: ElementTargetTable;
  assessment_audit: AssessmentAuditTable;
  assessments: AssessmentTable;
}
