import { type ActionEffect, measureEffect, metricDirection } from '@cxloop/scoring';
import { actionTallies } from './action-effect-tallies.js';
import { type ActionScope, freezeActionEffect } from './actions.js';
import type { ActionItem } from './actions.tables.js';
import type { Db } from './connection.js';
import { loadJourney, normaliseTouchpointValue } from './journey.js';

const DAY_MS = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** An action's effect as the API shows it and scoring reads it. */
export interface ActionEffectReport {
  /** Null while there is nothing to measure from: the effect is measured from "done" and the action is not. */
  effect: ActionEffect | null;
  comparisonKind: 'other_units' | 'rest_of_feedback' | null;
  /** Whether the value after the action reached the target (null until measured). */
  targetReached: boolean | null;
  /** Kept when the action closed and its after window was complete; a frozen effect never changes again. */
  frozen: boolean;
  /** Why there is no effect yet, for the reader. */
  pending: string | null;
}

export function actionScopeOf(action: ActionItem): ActionScope {
  return {
    unitId: action.scope_unit_id,
    channel: action.scope_channel,
    touchpoint: action.scope_touchpoint,
    topic: action.scope_topic,
  };
}

/** The first day of the after window: the action's start, or the day it was done, as its owner chose. */
export function effectAnchorDay(action: ActionItem): string | null {
  if (action.measure_from === 'start') return dayOf(action.start_date);
  return action.done_at === null ? null : dayOf(action.done_at);
}

/** The event touchpoint values that name a declared touchpoint (its key and its event values). */
async function touchpointValues(db: Db, orgId: string, key: string | null): Promise<string[]> {
  if (key === null) return [];
  const journey = await loadJourney(db, orgId);
  const touchpoint = journey.touchpoints.find((candidate) => candidate.key === key);
  return [key, ...(touchpoint?.eventValues ?? [])].map(normaliseTouchpointValue);
}

/**
 * Measures an action's effect from the rollups as of `now` (two windows of days × the scope's dimensions,
 * whatever the feedback volume), or returns the frozen one. An action that closed is frozen once its after
 * window is complete (an abandoned one at once): later late-counted feedback cannot rewrite a judged result.
 */
export async function actionEffectReport(db: Db, action: ActionItem, now: Date): Promise<ActionEffectReport> {
  if (action.frozen_effect !== null) {
    return action.frozen_effect as unknown as ActionEffectReport;
  }
  const anchorDay = effectAnchorDay(action);
  if (anchorDay === null) {
    return {
      effect: null,
      comparisonKind: null,
      targetReached: null,
      frozen: false,
      pending: 'measured from the day the action is done',
    };
  }
  const windowDays = action.effect_window_days;
  const scope = actionScopeOf(action);
  const from = dayOf(new Date(Date.parse(`${anchorDay}T00:00:00Z`) - windowDays * DAY_MS));
  const to = dayOf(new Date(Date.parse(`${anchorDay}T00:00:00Z`) + windowDays * DAY_MS));
  const tallies = await actionTallies(
    db,
    action.org_id,
    scope,
    action.metric,
    { from, to },
    await touchpointValues(db, action.org_id, scope.touchpoint),
  );
  const effect = measureEffect({
    metric: action.metric,
    anchorDay,
    windowDays,
    throughDay: dayOf(now),
    scope: tallies.scope,
    comparison: tallies.comparison,
  });
  const after = effect.after.scope.value;
  const report: ActionEffectReport = {
    effect,
    comparisonKind: tallies.comparisonKind,
    targetReached:
      effect.status === 'measured' && after !== null
        ? metricDirection[action.metric] * (after - action.target_value) >= 0
        : null,
    frozen: false,
    pending: effect.status === 'measuring' ? 'not enough feedback in both windows yet' : null,
  };
  const freezes = action.status === 'abandoned' || (action.status === 'done' && effect.complete);
  if (freezes && action.closed_at !== null) {
    const frozen = { ...report, frozen: true };
    await freezeActionEffect(db, action.org_id, action.id, frozen as unknown as Record<string, unknown>, now);
    return frozen;
  }
  return report;
}
