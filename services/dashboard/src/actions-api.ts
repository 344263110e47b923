import type { ActionMetric, ActionPriority, ActionStatus, EffectAnchor } from '@cxloop/contracts/actions';
import { api, type Query } from './api';

/** Improvement actions as `/v1/actions` answers them. */
export interface ActionSummary {
  id: string;
  title: string;
  description: string;
  scope: { unitId: string | null; channel: string | null; touchpoint: string | null; topic: string | null };
  owner: { teamId: string | null; memberId: string | null };
  metric: ActionMetric;
  targetValue: number;
  startDate: string;
  dueDate: string;
  measureFrom: EffectAnchor;
  effectWindowDays: number;
  priority: ActionPriority;
  status: ActionStatus;
  nextStatuses: ActionStatus[];
  overdue: boolean;
  origin: { kind: string; risingIssueId: string | null; ref: string | null };
}

export interface Estimate {
  value: number | null;
  standardError: number | null;
  sampleSize: number;
  daysObserved: number;
}
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}
interface Trend {
  weeks: { weekStart: string; value: number | null; sampleSize: number }[];
  slopePerWeek: number | null;
}

export interface EffectReport {
  effect: {
    before: { from: string; to: string; scope: Estimate; comparison: Estimate | null };
    after: { from: string; to: string; scope: Estimate; comparison: Estimate | null };
    naive: Interval | null;
    differenceInDifferences: Interval | null;
    preTrends: { scope: Trend; comparison: Trend | null; slopeDifference: Interval | null };
    status: 'measuring' | 'measured';
    basis: 'difference_in_differences' | 'before_after' | null;
    verdict: 'improved' | 'no_detectable_change' | 'worse' | null;
    minimumDetectableEffect: number | null;
    complete: boolean;
  } | null;
  comparisonKind: 'other_units' | 'rest_of_feedback' | null;
  targetReached: boolean | null;
  frozen: boolean;
  pending: string | null;
}

export interface ActionDetail extends ActionSummary {
  effect: EffectReport;
  comments: { id: string; body: string; createdAt: string }[];
  events: { event: string; fromStatus: string | null; toStatus: string | null; at: string }[];
}

export const METRIC_LABELS: Record<ActionMetric, string> = {
  nps: 'NPS',
  csat: 'Mean CSAT (1–5)',
  ces: 'Mean CES (1–7, higher is easier)',
  sentiment: 'Mean sentiment (−1…1)',
  topic_share: "Topic's share of feedback",
};

export const STATUS_LABELS: Record<ActionStatus, string> = {
  proposed: 'Proposed',
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  abandoned: 'Abandoned',
};

export const VERDICT_LABELS = {
  improved: 'Improved',
  no_detectable_change: 'No detectable change',
  worse: 'Worse',
} as const;

/** A metric value as people read it: NPS in points, a share in per cent, a mean with two decimals. */
export function formatMetricValue(metric: ActionMetric, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (metric === 'nps') return value.toFixed(1);
  if (metric === 'topic_share') return `${(value * 100).toFixed(1)} %`;
  return value.toFixed(2);
}

export const actionsApi = {
  list: (filters: Query) => api.get<{ actions: ActionSummary[] }>('/v1/actions', filters),
  get: (id: string) => api.get<ActionDetail>(`/v1/actions/${id}`),
  create: (body: unknown) => api.post<ActionDetail>('/v1/actions', body),
  move: (id: string, status: ActionStatus) => api.patch<ActionDetail>(`/v1/actions/${id}`, { status }),
  comment: (id: string, body: string) => api.post<unknown>(`/v1/actions/${id}/comments`, { body }),
};
