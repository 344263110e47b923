/**
 * The metric catalogue: every measurement the workers may hand to scoring, what it measures, over which window,
 * what its sample size counts and how it is computed from the pipeline's tables (feedback, feedback_analysis,
 * rollups, triage cases, channels). Ids are stable snake_case strings; the worker that computes a metric and the
 * indicator that reads it meet on the id.
 *
 * Every metric measures the organisation: what its customers say, what its response team does, how it has set
 * up its feedback. None measures cxloop itself (analysis backlog, processing lag, when a channel was connected
 * to cxloop): those say how well our workers run, belong in /metrics and `doctor`, and would hand every
 * customer marks for our speed, or points at onboarding that vanish later with nothing changed.
 */

import { actionMetrics } from './action-metrics.js';
import { outcomeMetrics } from './outcome-metrics.js';

/** The kind of number a metric is; it decides which values are valid. */
export type MetricUnit = 'share' | 'count' | 'hours' | 'minutes';

export interface MetricDefinition {
  readonly id: string;
  readonly name: string;
  readonly unit: MetricUnit;
  /** Length of the trailing window the metric is computed over, in days. */
  readonly windowDays: number;
  /** What the metric measures and how a worker computes it. */
  readonly description: string;
  /** What the observation's sample size counts. */
  readonly sampleOf: string;
  /**
   * The sample size at which confidence in this metric reaches one half. Confidence is n / (n + halfConfidenceAt):
   * it grows with every extra case and never quite reaches 1.
   */
  readonly halfConfidenceAt: number;
}

const catalogue = {
  active_channels_30d: {
    name: 'Active feedback channels',
    unit: 'count',
    windowDays: 30,
    description:
      'Number of distinct channel types (survey, sms, email, chat, helpdesk, review, social, call, web) with at ' +
      'least one feedback received in the window. From the daily channel rollups: count channels with a ' +
      'non-zero feedback count on any day of the window.',
    sampleOf: 'feedback received in the window',
    halfConfidenceAt: 30,
  },
  automated_capture_days_share_30d: {
    name: 'Days with automated feedback capture',
    unit: 'share',
    windowDays: 30,
    description:
      "Share of the 30 days on which customers' feedback reached the organisation through one of its channels " +
      '(by the day it was received). From the daily channel rollups: days with feedback ÷ 30.',
    sampleOf: 'days in the window',
    halfConfidenceAt: 7,
  },
  touchpoint_coverage_90d: {
    name: 'Touchpoint coverage',
    unit: 'share',
    windowDays: 90,
    description:
      "Share of the organisation's declared touchpoints (its journey map, as configured) with at least one " +
      'feedback tagged to them in the window. Distinct touchpoints in the rollups ÷ declared touchpoints. Not ' +
      'computed (missing) when no touchpoints are declared.',
    sampleOf: 'declared touchpoints',
    halfConfidenceAt: 3,
  },
  acknowledgement_rate_30d: {
    name: 'Acknowledgement rate of flagged feedback',
    unit: 'share',
    windowDays: 30,
    description:
      'Share of triage cases opened in the window that a responder has acknowledged (claimed or answered). ' +
      'Cases opened less than their acknowledgement target ago are left out, so fresh cases do not count ' +
      'against the team.',
    sampleOf: 'triage cases opened in the window',
    halfConfidenceAt: 10,
  },
  closed_loop_rate_30d: {
    name: 'Closed-loop rate of flagged feedback',
    unit: 'share',
    windowDays: 30,
    description:
      'Share of triage cases opened in the window that were resolved with a reply sent to the customer. Cases ' +
      'still inside their SLA are left out of both numerator and denominator.',
    sampleOf: 'triage cases opened in the window and past their SLA',
    halfConfidenceAt: 10,
  },
  median_first_response_hours_30d: {
    name: 'Median time to first response',
    unit: 'hours',
    windowDays: 30,
    description:
      'Median hours from a triage case being opened to the first response sent to the customer, over cases ' +
      'opened in the window that have a response. Unanswered cases are covered by the closed-loop rate.',
    sampleOf: 'triage cases with a first response',
    halfConfidenceAt: 10,
  },
  sla_met_rate_30d: {
    name: 'First responses within SLA',
    unit: 'share',
    windowDays: 30,
    description:
      'Share of triage cases opened in the window whose first response was sent before the SLA deadline, over ' +
      'cases whose deadline has passed (answered late or not at all count as missed).',
    sampleOf: 'triage cases past their SLA deadline',
    halfConfidenceAt: 10,
  },
  flagged_cases_owned_30d: {
    name: 'Flagged feedback with a named owner',
    unit: 'share',
    windowDays: 30,
    description:
      'Share of triage cases opened in the window that are assigned to a named responder (the action item has ' +
      'an owner). Cases count as owned once claimed, whatever their later status. A case is judged only once ' +
      'its first-response deadline has passed (or it was claimed or closed): the SLA is the time the team ' +
      'has promised itself to pick a case up, so a case opened seconds ago is not yet unowned.',
    sampleOf: 'triage cases claimed, closed or past their first-response deadline',
    halfConfidenceAt: 10,
  },
  first_time_resolution_rate_30d: {
    name: 'Cases resolved first time',
    unit: 'share',
    windowDays: 30,
    description:
      'Of the triage cases opened in the window that were resolved at least once, the share never reopened: ' +
      'the issue was settled the first time, not bounced back by the customer. 1 − the reopen rate. From the ' +
      'case rollups (resolved, reopened).',
    sampleOf: 'triage cases resolved at least once',
    halfConfidenceAt: 10,
  },
  touchpoints_owned_90d: {
    name: 'Touchpoints with an owning team',
    unit: 'share',
    windowDays: 90,
    description:
      "Of the organisation's declared touchpoints that received feedback in the window, the share with an " +
      'owning team configured. Missing while no touchpoints are declared.',
    sampleOf: 'declared touchpoints with feedback in the window',
    halfConfidenceAt: 3,
  },
  topics_owned_90d: {
    name: 'Leading topics with an owning team',
    unit: 'share',
    windowDays: 90,
    description:
      'Of the ten topics with the most mentions in the window (fewer if fewer exist), the share with an ' +
      'owning team configured. Missing while no topic owners are configured.',
    sampleOf: 'topics considered',
    halfConfidenceAt: 3,
  },
  owners_respond_in_time_30d: {
    name: 'Owning teams answering in time',
    unit: 'share',
    windowDays: 30,
    description:
      'Of the triage cases opened in the window whose leading topic is owned (by a team of its own, or through ' +
      'its touchpoint) and that are answered or past their first-response deadline, the share answered in ' +
      'time while held by the owning team. Missing while no topic is owned.',
    sampleOf: 'owned cases past their first-response deadline or answered',
    halfConfidenceAt: 10,
  },
  rated_comment_share_90d: {
    name: 'Ratings explained by a comment',
    unit: 'share',
    windowDays: 90,
    description:
      'Share of rated feedback (NPS, CSAT or CES) in the window whose comment names at least one topic, so ' +
      'scores can be related to their drivers.',
    sampleOf: 'rated feedback in the window',
    halfConfidenceAt: 30,
  },
  experience_ratings_tracked_30d: {
    name: 'Experience ratings tracked',
    unit: 'count',
    windowDays: 30,
    description:
      'Number of rating types (NPS, CSAT, CES) with at least 30 answers in the window (0–3). From the rating ' +
      'rollups per day and channel.',
    sampleOf: 'rated feedback in the window',
    halfConfidenceAt: 30,
  },
  nps_responses_90d: {
    name: 'NPS answers',
    unit: 'count',
    windowDays: 90,
    description: 'Number of "how likely are you to recommend" (0–10) answers received in the window.',
    sampleOf: 'NPS answers in the window',
    halfConfidenceAt: 30,
  },
  loyalty_signals_tracked_90d: {
    name: 'Loyalty signals tracked',
    unit: 'count',
    windowDays: 90,
    description:
      'How many of the two loyalty signals are present (0–2): advocacy, at least 30 NPS answers in the window; ' +
      'retention, at least 30 identified customers (customer reference) who gave feedback both in this window ' +
      'and in the 90 days before it, so returning customers can be counted.',
    sampleOf: 'identified customers in the window',
    halfConfidenceAt: 30,
  },
  returning_customers_90d: {
    name: 'Returning customers',
    unit: 'count',
    windowDays: 90,
    description:
      'Number of identified customers (customer reference) who gave feedback in the window and also in the 90 ' +
      'days before it: the retention signal the pipeline can observe.',
    sampleOf: 'identified customers in the window',
    halfConfidenceAt: 30,
  },
  identified_feedback_share_90d: {
    name: 'Feedback linked to a customer',
    unit: 'share',
    windowDays: 90,
    description:
      'Share of feedback in the window that carries a customer reference, so it can be joined to the ' +
      "customer's other contacts and profile.",
    sampleOf: 'feedback received in the window',
    halfConfidenceAt: 30,
  },
  cross_channel_identity_linkage_90d: {
    name: 'Cross-channel customer identity linkage',
    unit: 'share',
    windowDays: 90,
    description:
      'Share of active channels (at least one feedback in the window) in which at least half of the feedback ' +
      'carries a customer reference, so one customer can be followed from channel to channel.',
    sampleOf: 'active channels in the window',
    halfConfidenceAt: 2,
  },
  topic_convergence_30d: {
    name: 'Topics converging across channels',
    unit: 'share',
    windowDays: 30,
    description:
      'Of the ten topics with the most mentions in the window (fewer if fewer exist), the share mentioned in ' +
      'two or more channels. From the topic × channel rollups.',
    sampleOf: 'topics considered',
    halfConfidenceAt: 3,
  },
  rising_issues_acted_on_90d: {
    name: 'Rising issues detected and acted on',
    unit: 'share',
    windowDays: 90,
    description:
      'Of the rising issues detected in the window (a topic whose weekly mentions reach twice its 8-week ' +
      'average and at least 10), the share acted on within 14 days: a triage case on that topic resolved with a ' +
      'reply to the customer. Acknowledging the alert is not acting on it and earns nothing. Missing when no ' +
      'issue rose.',
    sampleOf: 'rising issues detected in the window',
    halfConfidenceAt: 2,
  },
  unit_tagged_share_30d: {
    name: 'Feedback attributed to a unit',
    unit: 'share',
    windowDays: 30,
    description:
      'Share of feedback in the window tagged with an organisational unit (store, region, product line), so ' +
      'results can be reported per unit as well as for the enterprise.',
    sampleOf: 'feedback received in the window',
    halfConfidenceAt: 30,
  },
  ...outcomeMetrics,
  ...actionMetrics,
} as const satisfies Record<string, Omit<MetricDefinition, 'id'>>;

/** A metric id from the catalogue, e.g. `closed_loop_rate_30d`. */
export type MetricId = keyof typeof catalogue;

/** The catalogue as a list, in a stable order. */
export const metricCatalogue: readonly MetricDefinition[] = Object.entries(catalogue).map(
  ([id, definition]) => ({ id, ...definition }),
);

/**
 * The definition of one metric, or undefined for an id not in the catalogue.
 *
 * @example metricDefinition('active_channels_30d')?.windowDays // 30
 */
export function metricDefinition(id: string): MetricDefinition | undefined {
  return Object.hasOwn(catalogue, id) ? { id, ...catalogue[id as MetricId] } : undefined;
}

/** Why a value cannot be a reading of this metric, or undefined when it can. */
export function metricValueProblem(definition: MetricDefinition, value: number): string | undefined {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (value < 0) return 'must not be negative';
  if (definition.unit === 'share' && value > 1) return 'is a share and must lie in [0, 1]';
  return undefined;
}
