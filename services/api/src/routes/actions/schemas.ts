import {
  actionMetrics,
  actionOrigins,
  actionPriorities,
  actionStatuses,
  channels,
  effectAnchors,
} from '@cxloop/contracts';
import { z } from 'zod';

const Day = z.iso.date();

/** Which feedback the action is about: any combination of unit, channel, touchpoint and topic (not topic with touchpoint). */
export const ActionScopeBody = z
  .object({
    unitId: z.uuid().nullable().default(null),
    channel: z.enum(channels).nullable().default(null),
    touchpoint: z.string().trim().min(1).max(40).nullable().default(null),
    topic: z.string().trim().min(1).max(60).nullable().default(null),
  })
  .strict();

/** A team or a member of the organisation: exactly one. */
export const ActionOwnerBody = z.union([
  z.object({ teamId: z.uuid() }).strict(),
  z.object({ memberId: z.uuid() }).strict(),
]);

/** Where the action came from; a rising issue and a ranked action are named, so coverage can be counted. */
export const ActionOriginBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rising_issue'), risingIssueId: z.uuid() }).strict(),
  z.object({ kind: z.literal('ranked_action'), ref: z.string().min(1).max(20) }).strict(),
  z.object({ kind: z.literal('driver'), topic: z.string().min(1).max(60) }).strict(),
  z.object({ kind: z.literal('manual') }).strict(),
]);

const planFields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  scope: ActionScopeBody,
  owner: ActionOwnerBody,
  metric: z.enum(actionMetrics),
  /** In the metric's unit: NPS points, a 1–5 or 1–7 mean, sentiment −1…1, or a share 0–1. */
  targetValue: z.number().finite(),
  startDate: Day,
  dueDate: Day,
  measureFrom: z.enum(effectAnchors),
  effectWindowDays: z.number().int().min(7).max(182),
  priority: z.enum(actionPriorities),
};

export const CreateActionBody = z
  .object({
    ...planFields,
    description: planFields.description.default(''),
    measureFrom: planFields.measureFrom.default('start'),
    effectWindowDays: planFields.effectWindowDays.default(28),
    origin: ActionOriginBody.default({ kind: 'manual' }),
  })
  .strict();
export type CreateActionBody = z.infer<typeof CreateActionBody>;

export const UpdateActionBody = z
  .object({ ...planFields, status: z.enum(actionStatuses) })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'change at least one field' });
export type UpdateActionBody = z.infer<typeof UpdateActionBody>;

export const CommentBody = z.object({ body: z.string().trim().min(1).max(5000) }).strict();

export const ActionListQuery = z
  .object({
    status: z.enum(actionStatuses).optional(),
    ownerTeamId: z.uuid().optional(),
    ownerMemberId: z.uuid().optional(),
    overdue: z.enum(['true', 'false']).optional(),
  })
  .strict();

export const ActionView = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  scope: z.object({
    unitId: z.uuid().nullable(),
    channel: z.string().nullable(),
    touchpoint: z.string().nullable(),
    topic: z.string().nullable(),
  }),
  owner: z.object({ teamId: z.uuid().nullable(), memberId: z.uuid().nullable() }),
  metric: z.enum(actionMetrics),
  targetValue: z.number(),
  startDate: Day,
  dueDate: Day,
  measureFrom: z.enum(effectAnchors),
  effectWindowDays: z.number().int(),
  priority: z.enum(actionPriorities),
  status: z.enum(actionStatuses),
  /** Statuses the action may move to next. */
  nextStatuses: z.array(z.enum(actionStatuses)),
  overdue: z.boolean(),
  origin: z.object({
    kind: z.enum(actionOrigins),
    risingIssueId: z.uuid().nullable(),
    ref: z.string().nullable(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  plannedAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});

const Estimate = z.object({
  value: z.number().nullable(),
  standardError: z.number().nullable(),
  sampleSize: z.number(),
  daysObserved: z.number().int(),
});
const Interval = z.object({
  estimate: z.number(),
  low: z.number(),
  high: z.number(),
  standardError: z.number(),
});
const Window = z.object({ from: Day, to: Day, scope: Estimate, comparison: Estimate.nullable() });
const Trend = z.object({
  weeks: z.array(z.object({ weekStart: Day, value: z.number().nullable(), sampleSize: z.number() })),
  slopePerWeek: z.number().nullable(),
});

export const EffectView = z.object({
  effect: z
    .object({
      metric: z.enum(actionMetrics),
      before: Window,
      after: Window,
      naive: Interval.nullable(),
      differenceInDifferences: Interval.nullable(),
      preTrends: z.object({
        scope: Trend,
        comparison: Trend.nullable(),
        slopeDifference: Interval.nullable(),
      }),
      status: z.enum(['measuring', 'measured']),
      basis: z.enum(['difference_in_differences', 'before_after']).nullable(),
      verdict: z.enum(['improved', 'no_detectable_change', 'worse']).nullable(),
      minimumDetectableEffect: z.number().nullable(),
      complete: z.boolean(),
    })
    .nullable(),
  comparisonKind: z.enum(['other_units', 'rest_of_feedback']).nullable(),
  targetReached: z.boolean().nullable(),
  frozen: z.boolean(),
  pending: z.string().nullable(),
});

export const ActionDetailView = ActionView.extend({
  effect: EffectView,
  comments: z.array(
    z.object({
      id: z.uuid(),
      body: z.string(),
      authorMemberId: z.uuid().nullable(),
      createdAt: z.string(),
    }),
  ),
  /** The audit trail, oldest first. */
  events: z.array(
    z.object({
      event: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      actorMemberId: z.uuid().nullable(),
      actorApiKeyId: z.uuid().nullable(),
      details: z.record(z.string(), z.unknown()),
      at: z.string(),
    }),
  ),
});
