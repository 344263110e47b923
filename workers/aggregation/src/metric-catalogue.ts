import {
  addRowsByKey,
  CASE_RESPONSE_BUCKETS,
  type CaseWindowStats,
  type ChannelWindowTotals,
  caseTopicWindowStats,
  caseWindowStats,
  type DayWindow,
  type Db,
  daysWithFeedback,
  listRisingIssues,
  loadJourney,
  nestedChannelTotals,
  returningCustomers,
  type ScoreScope,
  settledForReaderThrough,
  type TopicChannelTotals,
  type TopicTotals,
  type TouchpointCoverage,
  topicCaseClosedWithReply,
  topicChannelTotals,
  topicDailyMentions,
  topicTotals,
  touchpointCoverage,
} from '@cxloop/db';
import { type MetricId, type MetricObservation, metricCatalogue } from '@cxloop/scoring';
import { actionMetricComputations } from './action-metrics.js';
import { daysBefore, risingIssueSpan, topicConvergence } from './insights.js';
import { topicOwners } from './journey-owners.js';
import { type Outcome, share } from './metric-outcome.js';
import { outcomeMetricComputations } from './outcome-metrics.js';
import { type SettledSums, splitAtSettled } from './settled-sums.js';

/**
 * Computes every metric of packages/scoring's catalogue for one scope, from rollups and triage cases over
 * the metric's window, never from raw feedback. A metric without anything to measure (no cases due, no issue
 * rose, no touchpoints declared) is reported missing with the reason, never as 0. Nothing here reads how
 * cxloop itself is doing (analysis backlog or lag, when a source was connected): that is /metrics' and
 * `doctor`'s business, and a score must not move with it.
 */

export type MetricReading =
  | { metric: MetricId; status: 'measured'; value: number; sampleSize: number; window: DayWindow }
  | { metric: MetricId; status: 'missing'; reason: string; window: DayWindow };

/** Readings the pipeline needs at least this many of before a rating type or loyalty signal counts as tracked. */
const TRACKED_MINIMUM = 30;
/** A rising issue counts as acted on when a case on its topic is closed with a reply within this many days. */
const ACT_ON_RISING_ISSUE_DAYS = 14;

const DAY_MS = 86_400_000;

const NO_TOUCHPOINTS = 'no touchpoints are declared for the organisation';
const NO_OWNERS = 'no touchpoint or topic owners are configured for the organisation';

/** The windows metrics and insights read channel sums over, shortest first. */
const CHANNEL_WINDOW_DAYS = [30, 90] as const;
type ChannelWindowDays = (typeof CHANNEL_WINDOW_DAYS)[number];

/** Sums over settled days kept between recomputes, and the organisation's revision they must match. */
export interface SettledSumsAt {
  sums: SettledSums;
  revision: string;
}

/**
 * Window queries shared by several metrics, each run once per recompute. Rollup sums over settled days
 * come from `settled` (read and kept there on a miss); only the last days are read live.
 */
export class MetricSources {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly db: Db,
    readonly scope: ScoreScope,
    readonly now: Date,
    private readonly settled: SettledSumsAt,
  ) {}

  get today(): string {
    return this.now.toISOString().slice(0, 10);
  }

  window(days: number): DayWindow {
    return { from: daysBefore(this.today, days - 1), to: this.today };
  }

  /** `load` once per recompute under `key`: what several metrics read is read once. */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (value === undefined) {
      value = load();
      this.memo.set(key, value);
    }
    return value;
  }

  /**
   * `read` over windows that end today (one result per window), as the settled part plus the live days
   * after it, added up by `add`; once per recompute for each `name`.
   */
  private windowSums<T>(
    name: string,
    windows: DayWindow[],
    read: (windows: DayWindow[]) => Promise<T[]>,
    add: (settled: T, live: T) => T,
  ): Promise<T[]> {
    return this.once(name, async () => {
      const split = splitAtSettled(windows, settledForReaderThrough(this.now));
      if (!split) return read(windows);
      const { orgId, unitId } = this.scope;
      const key = [
        name,
        orgId,
        unitId ?? 'enterprise',
        ...split.settled.map((w) => `${w.from}..${w.to}`),
      ].join('|');
      const [settled, [live]] = await Promise.all([
        this.settled.sums.get(key, this.settled.revision, () => read(split.settled)),
        read([split.live]),
      ]);
      return settled.map((part) => add(part, live!));
    });
  }

  /** `windowSums` of one window. */
  private async windowSum<T>(
    name: string,
    window: DayWindow,
    read: (window: DayWindow) => Promise<T>,
    add: (settled: T, live: T) => T,
  ): Promise<T> {
    const [sums] = await this.windowSums(name, [window], async ([part]) => [await read(part!)], add);
    return sums!;
  }

  /** Per channel sums over 30 or 90 days: both windows come from one read. */
  async channels(days: ChannelWindowDays): Promise<ChannelWindowTotals[]> {
    const windows = await this.windowSums(
      'channels',
      CHANNEL_WINDOW_DAYS.map((length) => this.window(length)),
      (parts) => nestedChannelTotals(this.db, this.scope, parts),
      (settled, live) => addRowsByKey([settled, live], (row) => row.channel),
    );
    return windows[CHANNEL_WINDOW_DAYS.indexOf(days)]!;
  }

  daysWithFeedback(days: number): Promise<number> {
    return this.windowSum(
      `days:${days}`,
      this.window(days),
      (part) => daysWithFeedback(this.db, this.scope, part),
      (settled, live) => settled + live,
    );
  }

  topics(days: number): Promise<TopicChannelTotals[]> {
    return this.windowSum(
      `topics:${days}`,
      this.window(days),
      (part) => topicChannelTotals(this.db, this.scope, part),
      (settled, live) => addRowsByKey([settled, live], (row) => `${row.topic}|${row.channel}`),
    );
  }

  topicTotals(days: number): Promise<TopicTotals[]> {
    return this.windowSum(
      `topicTotals:${days}`,
      this.window(days),
      (part) => topicTotals(this.db, this.scope, part),
      (settled, live) => addRowsByKey([settled, live], (row) => row.topic),
    );
  }

  /**
   * Mentions per topic and day the customers gave them, over what the rising-issue check looks at. Read
   * whole (days × topics): late history changes old days, so no settled part could be kept.
   */
  topicDays() {
    return this.once('topicDays', () => topicDailyMentions(this.db, this.scope, risingIssueSpan(this.today)));
  }

  /** Declared touchpoints reached by feedback in 90 days, and which of them have an owning team. */
  touchpointCoverage(): Promise<TouchpointCoverage> {
    return this.once('touchpoints', () => touchpointCoverage(this.db, this.scope, this.window(90)));
  }

  cases(days: number): Promise<CaseWindowStats> {
    return this.once(`cases:${days}`, () =>
      caseWindowStats(this.db, this.scope, this.window(days), this.now),
    );
  }

  async totals(days: ChannelWindowDays) {
    const channels = await this.channels(days);
    const sum = (pick: (row: ChannelWindowTotals) => number) =>
      channels.reduce((total, row) => total + pick(row), 0);
    return {
      feedback: sum((row) => row.feedback),
      attributed: sum((row) => row.attributed),
      identified: sum((row) => row.identified),
      rated: sum((row) => row.rated),
      ratedWithTopic: sum((row) => row.ratedWithTopic),
      nps: sum((row) => row.nps),
      csat: sum((row) => row.csat),
      ces: sum((row) => row.ces),
    };
  }

  returning(days: number) {
    const window = this.window(days);
    const before = { from: daysBefore(window.from, days), to: daysBefore(window.from, 1) };
    return this.windowSum(
      `returning:${days}`,
      window,
      (part) => returningCustomers(this.db, this.scope, window, before, part),
      (settled, live) => ({
        returning: settled.returning + live.returning,
        identified: settled.identified + live.identified,
      }),
    );
  }
}

/** The median of a bucketed histogram, interpolated linearly inside the bucket that holds it. */
export function histogramMedian(counts: readonly number[], upperBounds: readonly number[]): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const half = total / 2;
  let seen = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    const count = counts[bucket] ?? 0;
    if (count > 0 && seen + count >= half) {
      const lower = bucket === 0 ? 0 : upperBounds[bucket - 1]!;
      // The open-ended last bucket has no upper bound: its lower bound is the honest (under)estimate.
      const upper = upperBounds[bucket] ?? lower;
      return lower + ((half - seen) / count) * (upper - lower);
    }
    seen += count;
  }
  return upperBounds.at(-1) ?? null;
}

/**
 * One computation per catalogue metric. `satisfies Record<MetricId, …>` makes a metric added to the
 * catalogue without a computation a compile error.
 */
export const metricComputations = {
  active_channels_30d: async (s) => {
    const channels = await s.channels(30);
    const feedback = channels.reduce((sum, row) => sum + row.feedback, 0);
    return { value: channels.length, sampleSize: feedback };
  },
  // Every feedback reaches cxloop through a channel webhook (there is no manual import path), so a day
  // with feedback is a day of automated capture.
  automated_capture_days_share_30d: async (s) => ({
    value: (await s.daysWithFeedback(30)) / 30,
    sampleSize: 30,
  }),
  // Touchpoints and owners as the organisation configured them (packages/db journey.ts).
  touchpoint_coverage_90d: async (s) => {
    const coverage = await s.touchpointCoverage();
    return share(coverage.covered.length, coverage.declared, NO_TOUCHPOINTS);
  },
  touchpoints_owned_90d: async (s) => {
    const coverage = await s.touchpointCoverage();
    if (coverage.declared === 0) return { missing: NO_TOUCHPOINTS };
    return share(
      coverage.coveredOwned.length,
      coverage.covered.length,
      'no declared touchpoint received feedback',
    );
  },
  topics_owned_90d: async (s) => {
    const owned = new Set(
      (await loadJourney(s.db, s.scope.orgId)).topics
        .filter((topic) => topic.ownerTeamId !== null)
        .map((t) => t.topic),
    );
    if (owned.size === 0) return { missing: NO_OWNERS };
    const leading = [...(await s.topicTotals(90))].sort((a, b) => b.mentions - a.mentions).slice(0, 10);
    return share(
      leading.filter((topic) => owned.has(topic.topic)).length,
      leading.length,
      'no topic mentioned',
    );
  },
  owners_respond_in_time_30d: async (s) => {
    const owners = topicOwners(await loadJourney(s.db, s.scope.orgId));
    if (owners.size === 0)
      return { missing: 'no topic is owned by a team, directly or through its touchpoint' };
    let due = 0;
    let inTime = 0;
    for (const topic of await caseTopicWindowStats(s.db, s.scope, s.window(30), s.now)) {
      const owner = owners.get(topic.topic);
      if (owner === undefined) continue;
      due += topic.due;
      inTime += topic.answeredInTimeByTeam.get(owner) ?? 0;
    }
    return share(inTime, due, 'no case on an owned topic answered or past its first-response deadline');
  },
  acknowledgement_rate_30d: async (s) => {
    const cases = await s.cases(30);
    return share(cases.acknowledged, cases.acknowledgementDue, 'no triage case due for acknowledgement');
  },
  closed_loop_rate_30d: async (s) => {
    const cases = await s.cases(30);
    return share(cases.closedWithReply, cases.resolutionDue, 'no triage case past its SLA or closed');
  },
  median_first_response_hours_30d: async (s) => {
    const cases = await s.cases(30);
    const median = histogramMedian(cases.firstResponseHours, CASE_RESPONSE_BUCKETS);
    return median === null
      ? { missing: 'no triage case with a first response' }
      : { value: median, sampleSize: cases.answered };
  },
  sla_met_rate_30d: async (s) => {
    const cases = await s.cases(30);
    return share(cases.firstResponseInTime, cases.firstResponseDue, 'no triage case past its SLA deadline');
  },
  flagged_cases_owned_30d: async (s) => {
    const cases = await s.cases(30);
    return share(cases.owned, cases.ownershipDue, 'no triage case claimed, closed or past its deadline');
  },
  first_time_resolution_rate_30d: async (s) => {
    const cases = await s.cases(30);
    return share(cases.resolved - cases.reopened, cases.resolved, 'no triage case resolved');
  },
  rated_comment_share_90d: async (s) => {
    const totals = await s.totals(90);
    return share(totals.ratedWithTopic, totals.rated, 'no rated feedback');
  },
  experience_ratings_tracked_30d: async (s) => {
    const totals = await s.totals(30);
    const tracked = [totals.nps, totals.csat, totals.ces].filter((count) => count >= TRACKED_MINIMUM).length;
    return { value: tracked, sampleSize: totals.rated };
  },
  nps_responses_90d: async (s) => {
    const { nps } = await s.totals(90);
    return { value: nps, sampleSize: nps };
  },
  loyalty_signals_tracked_90d: async (s) => {
    const { nps } = await s.totals(90);
    const { returning, identified } = await s.returning(90);
    const signals = (nps >= TRACKED_MINIMUM ? 1 : 0) + (returning >= TRACKED_MINIMUM ? 1 : 0);
    return { value: signals, sampleSize: identified };
  },
  returning_customers_90d: async (s) => {
    const { returning, identified } = await s.returning(90);
    return { value: returning, sampleSize: identified };
  },
  identified_feedback_share_90d: async (s) => {
    const totals = await s.totals(90);
    return share(totals.identified, totals.feedback, 'no feedback received');
  },
  cross_channel_identity_linkage_90d: async (s) => {
    const channels = await s.channels(90);
    const linked = channels.filter((row) => row.identified >= row.feedback / 2).length;
    return share(linked, channels.length, 'no active channel');
  },
  topic_convergence_30d: async (s) => {
    const topics = topicConvergence(await s.topics(30));
    return share(topics.filter((topic) => topic.converging).length, topics.length, 'no topic mentioned');
  },
  rising_issues_acted_on_90d: async (s) => {
    const since = new Date(s.now.getTime() - 90 * DAY_MS);
    const issues = await listRisingIssues(s.db, s.scope.orgId, s.scope.unitId, since);
    let due = 0;
    let actedOn = 0;
    for (const issue of issues) {
      const deadline = new Date(issue.detected_at.getTime() + ACT_ON_RISING_ISSUE_DAYS * DAY_MS);
      // Acknowledging the alert is a click, not an action: only a case on the topic closed with a reply counts.
      const acted = await topicCaseClosedWithReply(
        s.db,
        s.scope.orgId,
        issue.topic,
        issue.detected_at,
        deadline,
      );
      // An issue still inside its 14 days and not yet acted on is not yet a miss.
      if (!acted && deadline > s.now) continue;
      due += 1;
      if (acted) actedOn += 1;
    }
    return share(actedOn, due, 'no rising issue detected');
  },
  unit_tagged_share_30d: async (s) => {
    const { attributed, feedback } = await s.totals(30);
    return share(attributed, feedback, 'no feedback received');
  },
  ...outcomeMetricComputations,
  ...actionMetricComputations,
} satisfies Record<MetricId, (sources: MetricSources) => Promise<Outcome>>;

/** Every catalogue metric for one scope, in catalogue order. */
export async function computeMetrics(sources: MetricSources): Promise<MetricReading[]> {
  return Promise.all(
    metricCatalogue.map(async (definition): Promise<MetricReading> => {
      const metric = definition.id as MetricId;
      const window = sources.window(definition.windowDays);
      const outcome = await metricComputations[metric](sources);
      return 'missing' in outcome
        ? { metric, status: 'missing', reason: outcome.missing, window }
        : { metric, status: 'measured', value: outcome.value, sampleSize: outcome.sampleSize, window };
    }),
  );
}

/** The measured readings as scoring evidence. */
export function metricObservations(readings: readonly MetricReading[]): MetricObservation[] {
  return readings.flatMap((reading) =>
    reading.status === 'measured'
      ? [
          {
            metric: reading.metric,
            value: reading.value,
            sampleSize: reading.sampleSize,
            window: reading.window,
          },
        ]
      : [],
  );
}
