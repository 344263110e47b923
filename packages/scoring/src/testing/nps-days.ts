import type { DailyTally } from '../action-effect.js';
import { addDays } from '../action-effect.js';

/** A seeded uniform generator (mulberry32): the same seed gives the same feedback history. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Promoter and detractor probabilities of one day's NPS answers. */
export interface NpsMix {
  readonly promoters: number;
  readonly detractors: number;
}

/**
 * Daily NPS tallies (sum = (promoters − detractors) × 100, count = answers) of `perDay` answers a day from
 * `from` for `days` days, each answer drawn from the mix `mixOn(day)` returns: a known truth to recover.
 */
export function simulateNpsDays(options: {
  from: string;
  days: number;
  perDay: number;
  mixOn: (day: string) => NpsMix;
  random: () => number;
}): DailyTally[] {
  return Array.from({ length: options.days }, (_, index) => {
    const day = addDays(options.from, index);
    const mix = options.mixOn(day);
    let net = 0;
    for (let answer = 0; answer < options.perDay; answer++) {
      const draw = options.random();
      if (draw < mix.promoters) net += 1;
      else if (draw < mix.promoters + mix.detractors) net -= 1;
    }
    return { day, sum: net * 100, count: options.perDay };
  });
}
