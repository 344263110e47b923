import type { AuditEntry } from '@cxloop/db';
import { z } from 'zod';

/** Why a manual change was made: required, so the audit trail always says. */
const Reason = z.string().trim().min(1, 'say why (a reason is required)').max(2_000);

export const ObjectiveLevel = z.enum(['fully', 'partially', 'not_yet']);

export const RatingBody = z
  .object({
    elementId: z.string().min(1).max(20),
    level: ObjectiveLevel,
    reason: Reason,
    evidenceLinks: z
      .array(z.url({ protocol: /^https?$/ }).max(2_000))
      .max(20)
      .default([]),
  })
  .strict();

export const OverrideBody = z
  .object({
    indicatorId: z.string().min(1).max(20),
    /** The attainment the assessor sets, 0–1; null removes the override. */
    attainment: z.number().min(0).max(1).nullable(),
    reason: Reason,
  })
  .strict();

export const TargetBody = z
  .object({
    /** 'enterprise' or a unit id. */
    scope: z.string().min(1).max(60).default('enterprise'),
    elementId: z.string().min(1).max(20),
    /** Points to reach, or a stage (ignore … embed); both null removes the target. */
    points: z.number().min(0).nullable().default(null),
    stage: z.string().nullable().default(null),
    reason: Reason,
  })
  .strict();

export const AuditEntryView = z.object({
  id: z.string(),
  kind: z.enum(['objective_rating', 'indicator_override', 'element_target', 'assessment']),
  subject: z.string(),
  scope: z.string().nullable(),
  actor: z.string(),
  at: z.string(),
  old: z.record(z.string(), z.unknown()).nullable(),
  new: z.record(z.string(), z.unknown()).nullable(),
  reason: z.string(),
});

export function presentAudit(entry: AuditEntry): z.infer<typeof AuditEntryView> {
  return {
    id: String(entry.id),
    kind: entry.kind,
    subject: entry.subject,
    scope: entry.scope,
    actor: entry.actor,
    at: entry.at.toISOString(),
    old: entry.old_value,
    new: entry.new_value,
    reason: entry.reason,
  };
}

export const RatingView = z.object({
  elementId: z.string(),
  level: ObjectiveLevel,
  reason: z.string(),
  evidenceLinks: z.array(z.string()),
  ratedBy: z.string(),
  ratedAt: z.string(),
});

export const ObjectiveView = z.object({
  elementId: z.string(),
  name: z.string(),
  objective: z.string(),
  rating: RatingView.nullable(),
});

export const OverrideView = z.object({
  indicatorId: z.string(),
  elementId: z.string(),
  statement: z.string(),
  attainment: z.number(),
  reason: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});

export const TargetView = z.object({
  scope: z.string(),
  elementId: z.string(),
  name: z.string(),
  points: z.number().nullable(),
  stage: z.string().nullable(),
  /** Points aimed for (a stage's lower edge × the element's points), as the latest score resolved it. */
  targetPoints: z.number().nullable(),
  /** Current points of the element in the scope; null before the scope has a score. */
  currentPoints: z.number().nullable(),
  /** Points still needed, 0 once reached; null until a score has been computed with this target. */
  gap: z.number().nullable(),
  reason: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});
