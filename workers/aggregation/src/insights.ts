import type { ChannelWindowTotals, TopicChannelTotals, TopicTotals } from '@cxloop/db';

/**
 * Insights for managers, computed from topic rollups (pure: the score job reads the rollups and passes them
 * in). Also the evidence behind D6.1: rising issues detected, topics converging across channels, and which
 * topics move the loyalty metrics.
 */

/** Rising-issue rule (the catalogue's, for `rising_issues_acted_on_90d`). */
export const RISING_ISSUE = {
  /** The current window: the last 7 days, today included. */
  windowDays: 7,
  /** The baseline: the 8 preceding 7-day windows. */
  baselineWeeks: 8,
  /** Rises when the current window reaches this multiple of the baseline's weekly mean … */
  ratio: 2,
  /** … and at least this many mentions, so a topic going from 1 to 2 mentions is not an alert. */
  minMentions: 10,
} as const;

/** A topic's mentions on one day the customers gave them; `late…` of those arrived late (history). */
export interface TopicDay {
  topic: string;
  day: string;
  mentions: number;
  negative: number;
  lateMentions: number;
  lateNegative: number;
}

export interface RisingTopic {
  topic: string;
  /** `volume`: mentions rose; `negativity`: negative mentions rose (both can hold; volume is reported). */
  kind: 'volume' | 'negativity';
  current: number;
  baselineWeeklyMean: number;
  /** current ÷ baseline weekly mean; null for a topic new in the window (no baseline at all). */
  ratio: number | null;
}

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' `days` before `day`. */
export function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** The days a rising-issue check needs: the current window and its baseline weeks. */
export function risingIssueSpan(today: string): { from: string; to: string } {
  return {
    from: daysBefore(today, RISING_ISSUE.windowDays * (RISING_ISSUE.baselineWeeks + 1) - 1),
    to: today,
  };
}

/**
 * Topics whose mentions (or negative mentions) in the last 7 days reach twice their mean over the 8 weeks
 * before and at least 10. The baseline is the topic's own, so a topic that is always large does not alert
 * and a small one that doubles does. Days are the customers' (occurred_at). The current week counts only
 * feedback that arrived live: history imported late is a fine baseline, but it is not news, so an import
 * never makes a topic rise (nor does the baseline it fills make live feedback look low).
 *
 * @example detectRisingTopics(topicDays, '2026-03-02') // [{ topic: 'delivery', kind: 'volume', current: 24, … }]
 */
export function detectRisingTopics(topicDays: readonly TopicDay[], today: string): RisingTopic[] {
  const currentFrom = daysBefore(today, RISING_ISSUE.windowDays - 1);
  const baselineFrom = risingIssueSpan(today).from;
  const byTopic = new Map<string, { current: [number, number]; baseline: [number, number] }>();
  for (const row of topicDays) {
    if (row.day < baselineFrom || row.day > today) continue;
    const entry = byTopic.get(row.topic) ?? { current: [0, 0], baseline: [0, 0] };
    if (row.day >= currentFrom) {
      entry.current[0] += row.mentions - row.lateMentions;
      entry.current[1] += row.negative - row.lateNegative;
    } else {
      entry.baseline[0] += row.mentions;
      entry.baseline[1] += row.negative;
    }
    byTopic.set(row.topic, entry);
  }
  const rising: RisingTopic[] = [];
  for (const [topic, { current, baseline }] of byTopic) {
    for (const [kind, index] of [
      ['volume', 0],
      ['negativity', 1],
    ] as const) {
      const now = current[index];
      const mean = baseline[index] / RISING_ISSUE.baselineWeeks;
      if (now < RISING_ISSUE.minMentions || now < RISING_ISSUE.ratio * mean) continue;
      rising.push({
        topic,
        kind,
        current: now,
        baselineWeeklyMean: mean,
        ratio: mean > 0 ? now / mean : null,
      });
      break;
    }
  }
  return rising.sort((a, b) => b.current - a.current || a.topic.localeCompare(b.topic));
}

export interface TopicConvergence {
  topic: string;
  mentions: number;
  channels: string[];
  converging: boolean;
}

/** How many of the most mentioned topics are considered for convergence. */
export const CONVERGENCE_TOP_TOPICS = 10;

/**
 * The most mentioned topics of a window with the channels they appear in; a topic heard in two or more
 * channels is converging: customers raise the same thing wherever they speak.
 */
export function topicConvergence(totals: readonly TopicChannelTotals[]): TopicConvergence[] {
  const byTopic = new Map<string, { mentions: number; channels: Set<string> }>();
  for (const row of totals) {
    if (row.mentions <= 0) continue;
    const entry = byTopic.get(row.topic) ?? { mentions: 0, channels: new Set<string>() };
    entry.mentions += row.mentions;
    entry.channels.add(row.channel);
    byTopic.set(row.topic, entry);
  }
  return [...byTopic]
    .map(([topic, { mentions, channels }]) => ({
      topic,
      mentions,
      channels: [...channels].sort(),
      converging: channels.size >= 2,
    }))
    .sort((a, b) => b.mentions - a.mentions || a.topic.localeCompare(b.topic))
    .slice(0, CONVERGENCE_TOP_TOPICS);
}

export interface LoyaltyDriver {
  topic: string;
  metric: 'nps' | 'csat';
  /** Ratings given with a comment on the topic. */
  sample: number;
  /** The metric over feedback mentioning the topic. */
  withTopic: number;
  /** The metric over the rest of the feedback. */
  withoutTopic: number;
  /**
   * How much the topic moves the organisation's metric: overall value minus the value without the topic's
   * feedback. Negative: the topic drags the metric down by that much.
   */
  impact: number;
}

/** Fewer ratings than this with a topic say nothing about it as a driver. */
export const DRIVER_MIN_SAMPLE = 10;

const npsOf = (count: number, promoters: number, detractors: number) =>
  count > 0 ? (100 * (promoters - detractors)) / count : 0;

/**
 * NPS and CSAT drivers: for each topic with enough ratings, the metric among feedback mentioning it, among
 * the rest, and the impact on the overall value (what removing the topic's feedback would change). Largest
 * impact first. A feedback mentioning two topics counts for both, so impacts do not add up.
 */
export function loyaltyDrivers(
  channels: readonly ChannelWindowTotals[],
  topics: readonly TopicTotals[],
): LoyaltyDriver[] {
  const overall = channels.reduce(
    (sum, row) => ({
      nps: sum.nps + row.nps,
      promoters: sum.promoters + row.npsPromoters,
      detractors: sum.detractors + row.npsDetractors,
      csat: sum.csat + row.csat,
      csatSum: sum.csatSum + row.csatSum,
    }),
    { nps: 0, promoters: 0, detractors: 0, csat: 0, csatSum: 0 },
  );
  const byTopic = new Map<string, typeof overall>();
  for (const row of topics) {
    const entry = byTopic.get(row.topic) ?? { nps: 0, promoters: 0, detractors: 0, csat: 0, csatSum: 0 };
    entry.nps += row.nps;
    entry.promoters += row.npsPromoters;
    entry.detractors += row.npsDetractors;
    entry.csat += row.csat;
    entry.csatSum += row.csatSum;
    byTopic.set(row.topic, entry);
  }
  const drivers: LoyaltyDriver[] = [];
  const overallNps = npsOf(overall.nps, overall.promoters, overall.detractors);
  const overallCsat = overall.csat > 0 ? overall.csatSum / overall.csat : 0;
  for (const [topic, t] of byTopic) {
    const restNps = overall.nps - t.nps;
    if (t.nps >= DRIVER_MIN_SAMPLE && restNps > 0) {
      const without = npsOf(restNps, overall.promoters - t.promoters, overall.detractors - t.detractors);
      drivers.push({
        topic,
        metric: 'nps',
        sample: t.nps,
        withTopic: npsOf(t.nps, t.promoters, t.detractors),
        withoutTopic: without,
        impact: overallNps - without,
      });
    }
    const restCsat = overall.csat - t.csat;
    if (t.csat >= DRIVER_MIN_SAMPLE && restCsat > 0) {
      const without = (overall.csatSum - t.csatSum) / restCsat;
      drivers.push({
        topic,
        metric: 'csat',
        sample: t.csat,
        withTopic: t.csatSum / t.csat,
        withoutTopic: without,
        impact: overallCsat - without,
      });
    }
  }
  return drivers.sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact) || a.topic.localeCompare(b.topic));
}
