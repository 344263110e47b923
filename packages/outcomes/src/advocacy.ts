import { type Interval, meanInterval, proportionInterval } from './intervals.js';

export type NpsGroup = 'promoter' | 'passive' | 'detractor';

/** NPS group of a 0–10 likelihood-to-recommend answer. */
export function npsGroupOf(score: number): NpsGroup {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/** What a customer did in a window after their feedback; undefined when the window is not over yet. */
export interface WindowOutcome {
  readonly retained: boolean;
  readonly spend: number;
}

export interface AdvocacyObservation {
  readonly group: NpsGroup;
  readonly windows: Readonly<Record<number, WindowOutcome | undefined>>;
}

export interface AdvocacyResult {
  readonly group: NpsGroup;
  readonly windowDays: number;
  readonly retention: Interval | undefined;
  readonly spend: Interval | undefined;
}

/**
 * Advocacy linked to retention: for promoters, passives and detractors, the share still buying and the
 * mean spend in each window after their answer, with 95 % intervals and the sample each rests on.
 * Customers whose window has not ended yet are left out of that window rather than counted as lost.
 */
export function advocacyRetention(
  observations: readonly AdvocacyObservation[],
  windowDays: readonly number[] = [90, 180],
): AdvocacyResult[] {
  const groups: NpsGroup[] = ['promoter', 'passive', 'detractor'];
  return groups.flatMap((group) =>
    windowDays.map((days) => {
      const outcomes = observations
        .filter((observation) => observation.group === group)
        .flatMap((observation) => observation.windows[days] ?? []);
      return {
        group,
        windowDays: days,
        retention: proportionInterval(outcomes.filter((o) => o.retained).length, outcomes.length),
        spend: meanInterval(outcomes.map((o) => o.spend)),
      };
    }),
  );
}
