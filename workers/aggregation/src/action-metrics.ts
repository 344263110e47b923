import {
  type ActionForEvidence,
  actionEffectReport,
  actionsForEvidence,
  actionsWithDeliveredNotices,
  PLAN_WITHIN_DAYS,
  risingIssuePlanning,
  withinDays,
} from '@cxloop/db';
import type { MetricSources } from './metric-catalogue.js';
import { type Outcome, share } from './metric-outcome.js';

/**
 * The action metrics of packages/scoring's catalogue (action-metrics.ts), from the action items of the
 * scope and, for effects, each finished action's measurement over the rollups (frozen once judged, so a
 * recompute reads it back instead of measuring again). Measuring a finished action whose after window is
 * over freezes it here too, so the verdict is fixed when the action closes even if nobody opens it.
 */

const DAY_MS = 86_400_000;

const actions = (s: MetricSources, days: number): Promise<ActionForEvidence[]> =>
  s.once(`actions:${days}`, () =>
    actionsForEvidence(s.db, s.scope, new Date(s.now.getTime() - days * DAY_MS)),
  );

/** Verdicts of the finished actions whose after window is over, measured from the rollups or read frozen. */
function finishedEffects(s: MetricSources) {
  return s.once('action-effects', async () => {
    const since = new Date(s.now.getTime() - 365 * DAY_MS);
    const done = (await actions(s, 365)).filter(
      (action) => action.status === 'done' && action.done_at! >= since,
    );
    const reports = [];
    for (const action of done) {
      const report = await actionEffectReport(s.db, action, s.now);
      if (report.effect?.complete) reports.push(report);
    }
    return reports;
  });
}

export const actionMetricComputations = {
  rising_issues_planned_90d: async (s: MetricSources): Promise<Outcome> => {
    const issues = await risingIssuePlanning(s.db, s.scope, new Date(s.now.getTime() - 90 * DAY_MS));
    const judged = issues
      .map((issue) => withinDays(issue.detectedAt, issue.firstPlannedAt, PLAN_WITHIN_DAYS, s.now))
      .filter((planned): planned is boolean => planned !== null);
    return share(judged.filter(Boolean).length, judged.length, 'no rising issue detected');
  },
  actions_owner_named_90d: async (s: MetricSources): Promise<Outcome> => {
    const open = await actions(s, 90);
    return share(
      open.filter((action) => action.ownerNamed).length,
      open.length,
      'no improvement action open',
    );
  },
  high_priority_actions_planned_90d: async (s: MetricSources): Promise<Outcome> => {
    const since = s.now.getTime() - 90 * DAY_MS;
    const judged = (await actions(s, 90))
      .filter((action) => action.priority === 'high' && action.created_at.getTime() >= since)
      .map((action) => withinDays(action.created_at, action.planned_at, PLAN_WITHIN_DAYS, s.now))
      .filter((planned): planned is boolean => planned !== null);
    return share(judged.filter(Boolean).length, judged.length, 'no high-priority action created');
  },
  actions_effect_measured_365d: async (s: MetricSources): Promise<Outcome> => {
    const reports = await finishedEffects(s);
    const measured = reports.filter((report) => report.effect?.status === 'measured').length;
    return share(measured, reports.length, 'no finished action whose after window is over');
  },
  actions_improved_365d: async (s: MetricSources): Promise<Outcome> => {
    const measured = (await finishedEffects(s)).filter((report) => report.effect?.status === 'measured');
    const improved = measured.filter((report) => report.effect?.verdict === 'improved').length;
    return share(improved, measured.length, 'no finished action with a measured effect');
  },
  you_said_we_did_365d: async (s: MetricSources): Promise<Outcome> => {
    const since = new Date(s.now.getTime() - 365 * DAY_MS);
    const done = (await actions(s, 365)).filter(
      (action) => action.status === 'done' && action.done_at! >= since,
    );
    const told = await actionsWithDeliveredNotices(
      s.db,
      s.scope.orgId,
      done.map((action) => action.id),
    );
    return share(told.size, done.length, 'no improvement action done');
  },
};
