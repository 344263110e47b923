import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** A `date` column: written as 'YYYY-MM-DD', read back as a Date at UTC midnight by pg. */
type Day = ColumnType<Date, string, string>;
type Counter = Generated<number>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Per organisation, day (of receipt, UTC), unit, channel and touchpoint: additive counters of feedback. */
export interface RollupDailyTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  channel: string;
  touchpoint: string | null;
  feedback_count: Counter;
  /** Feedback carrying a customer reference. */
  identified_count: Counter;
  /** Feedback the analysis flagged (severity above none). */
  flagged_count: Counter;
  /** Feedback with a sentiment score (languages the analyser reads). */
  sentiment_count: Counter;
  sentiment_sum: Counter;
  sentiment_sum_sq: Counter;
  negative_count: Counter;
  nps_count: Counter;
  nps_promoters: Counter;
  nps_passives: Counter;
  nps_detractors: Counter;
  csat_count: Counter;
  csat_sum: Counter;
  /** CSAT answers of 4 or 5. */
  csat_satisfied: Counter;
  ces_count: Counter;
  ces_sum: Counter;
  /** Feedback with any rating (NPS, CSAT or CES). */
  rated_count: Counter;
  /** Rated feedback whose comment was analysed into at least one topic. */
  rated_with_topic_count: Counter;
}

/** Per organisation, day, unit, channel and topic: mentions, aspect sentiment and the ratings given with them. */
export interface RollupTopicDailyTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  channel: string;
  topic: string;
  mentions: Counter;
  sentiment_sum: Counter;
  negative_count: Counter;
  nps_count: Counter;
  nps_promoters: Counter;
  nps_detractors: Counter;
  csat_count: Counter;
  csat_sum: Counter;
}

/** `rollup_daily` summed over touchpoints: what the channel metrics read. */
export type RollupChannelDailyTable = Omit<RollupDailyTable, 'touchpoint'>;

/** `rollup_topic_daily` summed over channels: what topic × day and topic totals read. */
export type RollupTopicUnitDailyTable = Omit<RollupTopicDailyTable, 'channel'>;

/**
 * Per organisation, day the customer gave the feedback (UTC), unit and channel: the experience as a
 * timeline reads it (migration 20261208T0510).
 */
export interface RollupOccurredChannelDailyTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  channel: string;
  feedback_count: Counter;
  nps_count: Counter;
  nps_promoters: Counter;
  nps_detractors: Counter;
  csat_count: Counter;
  csat_satisfied: Counter;
  ces_count: Counter;
  ces_sum: Counter;
  sentiment_count: Counter;
  sentiment_sum: Counter;
}

/**
 * Per organisation, day the customer gave the feedback (UTC), unit and topic: mentions, and the share that
 * arrived late (history, not news), for rising issues.
 */
export interface RollupOccurredTopicDailyTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  topic: string;
  mentions: Counter;
  negative_count: Counter;
  late_mentions: Counter;
  late_negative_count: Counter;
}

/** Histogram of receipt → analysis minutes per day and unit; buckets are `ANALYSIS_LAG_BUCKETS`. */
export interface RollupAnalysisLagTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  bucket: number;
  count: Counter;
}

/** Days on which an identified customer gave feedback: what returning customers are counted from. */
export interface CustomerDayTable {
  org_id: string;
  customer_ref: string;
  day: Day;
  unit_id: string | null;
}

/** The current score of a scope: the enterprise or one unit. */
export interface ScoreCurrentTable {
  org_id: string;
  /** 'enterprise' or a unit id. */
  scope: string;
  unit_id: string | null;
  total: number;
  stage: string;
  confidence: number;
  /** The FrameworkScore with its evidence trail. */
  score: JSONColumnType<Record<string, unknown>>;
  /** The score as of the latest history entry, which the next entry's diff is taken against; null until then. */
  recorded_score: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** Every catalogue metric: measured with value, sample and window, or missing with the reason. */
  metrics: JSONColumnType<unknown[]>;
  insights: JSONColumnType<Record<string, unknown>>;
  computed_at: Timestamp;
  changed_at: Timestamp;
}

export interface ElementScoreTable {
  org_id: string;
  scope: string;
  element_id: string;
  points: number;
  max: number;
  stage: string;
  confidence: number;
  missing: number;
  updated_at: Timestamp;
}

export interface ScoreHistoryTable {
  id: Generated<string>;
  org_id: string;
  scope: string;
  recorded_at: Timestamp;
  total: number;
  stage: string;
  elements: JSONColumnType<Record<string, number>>;
  diff: JSONColumnType<Record<string, unknown>> | null;
}

export interface RisingIssueTable {
  id: Generated<string>;
  org_id: string;
  unit_id: string | null;
  topic: string;
  window_start: Day;
  mentions: number;
  baseline_weekly_mean: number;
  detected_at: Timestamp;
  acknowledged_at: Timestamp | null;
}

/** Triage cases by UTC day of opening, kept by a trigger on `cases`; dismissed cases are not counted. */
/**
 * Triage cases per day of opening, unit, leading topic and the team holding them, and how many were answered
 * by their first-response deadline (migration 20261208T0200_case_topic_rollup): owning teams answering in time.
 */
export interface RollupCaseTopicDailyTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  topic: string;
  team_id: string | null;
  opened: number;
  answered_in_time: number;
}

export interface RollupCaseDailyTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  opened: number;
  /** Acknowledged or answered. */
  acknowledged: number;
  answered: number;
  answered_in_time: number;
  closed_with_reply: number;
  owned: number;
  /** Resolved at least once: now resolved, or reopened (migration 20261207T2200_case_resolution_rollup). */
  resolved: number;
  /** Reopened at least once. */
  reopened: number;
}

/** Answered cases by opening day and hours-to-first-response bucket (CASE_RESPONSE_BUCKETS). */
export interface RollupCaseResponseTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  bucket: number;
  count: number;
}

/**
 * Visits of identified customers on `day` whose previous visit (same unit; any unit when unit_id is null,
 * the enterprise chain) was `prev_day`, null for a first visit. Kept by a trigger on `customer_days`.
 */
export interface RollupCustomerReturnTable {
  org_id: string;
  unit_id: string | null;
  day: Day;
  prev_day: Day | null;
  count: number;
}

export interface AggregationTables {
  rollup_daily: RollupDailyTable;
  rollup_channel_daily: RollupChannelDailyTable;
  rollup_topic_daily: RollupTopicDailyTable;
  rollup_topic_unit_daily: RollupTopicUnitDailyTable;
  rollup_occurred_channel_daily: RollupOccurredChannelDailyTable;
  rollup_occurred_topic_daily: RollupOccurredTopicDailyTable;
  rollup_analysis_lag: RollupAnalysisLagTable;
  customer_days: CustomerDayTable;
  rollup_case_daily: RollupCaseDailyTable;
  rollup_case_response: RollupCaseResponseTable;
  rollup_case_topic_daily: RollupCaseTopicDailyTable;
  rollup_customer_return: RollupCustomerReturnTable;
  score_current: ScoreCurrentTable;
  element_scores: ElementScoreTable;
  score_history: ScoreHistoryTable;
  rising_issues: RisingIssueTable;
}
