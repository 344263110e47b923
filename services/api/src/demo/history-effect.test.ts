import { type DailyTally, measureEffect } from '@cxloop/scoring';
import { describe, expect, it } from 'vitest';
import { type DemoFeedback, historyPlan } from './feedback-plan.js';
import { SeededRandom } from './random.js';
import { SOUTH_COACHING_DAYS_AGO } from './scenarios.js';

/** `pnpm demo`'s default seed, days and volume. */
const DEMO_SEED = 20_261_123;
const NOW = new Date('2026-12-08T12:00:00Z');
const DAY_MS = 86_400_000;
const ANCHOR = new Date(Date.UTC(2026, 11, 8) - SOUTH_COACHING_DAYS_AGO * DAY_MS).toISOString().slice(0, 10);

/** NPS tallies per day of occurrence of the feedback `inGroup` picks: what the daily rollups would hold. */
function npsDays(plan: readonly DemoFeedback[], inGroup: (item: DemoFeedback) => boolean): DailyTally[] {
  const days = new Map<string, { sum: number; count: number }>();
  for (const item of plan) {
    if (item.nps === undefined || !inGroup(item)) continue;
    const day = item.occurredAt.toISOString().slice(0, 10);
    const tally = days.get(day) ?? { sum: 0, count: 0 };
    tally.sum += item.nps >= 9 ? 100 : item.nps <= 6 ? -100 : 0;
    tally.count += 1;
    days.set(day, tally);
  }
  return [...days].map(([day, tally]) => ({ day, ...tally }));
}

/**
 * The demo's history carries what its improvement actions claim: measured over the days the feedback
 * occurred (as the rollups hold it when feedback arrives on the day it is given), the South coaching
 * raises South's NPS against North's, and the shorter survey's channel moves with the rest.
 */
describe('the demo history behind its improvement actions', () => {
  const plan = historyPlan({ seed: DEMO_SEED, days: 90, perDay: 36, now: NOW }, new SeededRandom(DEMO_SEED));
  const measure = (scope: (item: DemoFeedback) => boolean, comparison: (item: DemoFeedback) => boolean) =>
    measureEffect({
      metric: 'nps',
      anchorDay: ANCHOR,
      windowDays: 28,
      throughDay: '2026-12-07',
      scope: npsDays(plan, scope),
      comparison: npsDays(plan, comparison),
    });

  it('shows the South coaching as a measured improvement against North', () => {
    const effect = measure(
      (item) => item.unit === 'south',
      (item) => item.unit === 'north',
    );
    expect(effect).toMatchObject({
      status: 'measured',
      basis: 'difference_in_differences',
      verdict: 'improved',
    });
  });

  it('shows no detectable change for the shorter survey, though its channel rose with South', () => {
    const effect = measure(
      (item) => item.channel === 'typeform',
      (item) => item.channel !== 'typeform',
    );
    expect(effect).toMatchObject({ status: 'measured', verdict: 'no_detectable_change' });
    expect(effect.minimumDetectableEffect).toBeGreaterThan(0);
  });
});
