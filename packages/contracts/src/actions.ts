/**
 * The vocabulary of improvement actions, shared by the API, the workers, scoring and the dashboard (zod-free,
 * so the dashboard may import it under its CSP).
 */

export const actionStatuses = ['proposed', 'planned', 'in_progress', 'done', 'abandoned'] as const;
export type ActionStatus = (typeof actionStatuses)[number];

/**
 * The moves an action may make: forward through the plan, or abandoned at any open stage. Done and abandoned
 * are final, so a judged effect cannot be reopened and re-judged.
 */
export const actionTransitions: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
  proposed: ['planned', 'abandoned'],
  planned: ['in_progress', 'abandoned'],
  in_progress: ['done', 'abandoned'],
  done: [],
  abandoned: [],
};

export function isClosedStatus(status: ActionStatus): boolean {
  return actionTransitions[status].length === 0;
}

/** What an action can aim to move. Churn and repeat rates need per-day outcome rollups and are not offered yet. */
export const actionMetrics = ['nps', 'csat', 'ces', 'sentiment', 'topic_share'] as const;
export type ActionMetric = (typeof actionMetrics)[number];

export const actionPriorities = ['high', 'medium', 'low'] as const;
export type ActionPriority = (typeof actionPriorities)[number];

/** Where an action came from: a ranked improvement action, a rising issue, a loyalty driver, or a person's idea. */
export const actionOrigins = ['ranked_action', 'rising_issue', 'driver', 'manual'] as const;
export type ActionOrigin = (typeof actionOrigins)[number];

/** Which day the effect is measured from: the action's start, or the day it was done. */
export const effectAnchors = ['start', 'done'] as const;
export type EffectAnchor = (typeof effectAnchors)[number];
