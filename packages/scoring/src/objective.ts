import { confidenceFromSample } from './confidence.js';
import type { ObjectiveRatings } from './evidence.js';

/** The assessor's three levels of achieving an element's statement of objective. */
export type ObjectiveLevel = 'fully' | 'partially' | 'not_yet';

/** The framework's values for the three levels. */
export const OBJECTIVE_ACHIEVEMENT: Readonly<Record<ObjectiveLevel, number>> = {
  fully: 1,
  partially: 0.5,
  not_yet: 0,
};

/**
 * Without assessors, the objective is judged from the element's indicator attainment: 0.8 or more is Fully
 * achieved (nearly every practice in place), 0.4 or more Partially (a good part of them), below that Not yet.
 */
export const OBJECTIVE_FROM_INDICATORS = { fully: 0.8, partially: 0.4 } as const;

/** A single assessor's rating reaches confidence one half: a second opinion is what makes it solid. */
export const ASSESSOR_HALF_CONFIDENCE_AT = 1;

export interface ObjectiveScore {
  /** Null when nothing at all is known about the element. */
  readonly level: ObjectiveLevel | null;
  readonly achievement: number;
  /** Where the level came from: the assessors' ratings, the indicators, or nowhere (missing). */
  readonly source: 'assessors' | 'indicators' | 'missing';
  readonly confidence: number;
  readonly ratings?: ObjectiveRatings;
}

/** What the element's indicators say, for judging the objective when assessors have not rated it. */
export interface IndicatorSummary {
  /** Mean indicator attainment, missing indicators counting as 0. */
  readonly attainment: number;
  readonly confidence: number;
  readonly measured: number;
}

/**
 * The objective's achievement: the median assessor rating when there are ratings (lower middle on a tie, so one
 * generous assessor cannot lift a split panel), else the level the indicators reach, else missing.
 *
 * @example scoreObjective({ elementId: 'D5.1', fully: 2, partially: 1, notYet: 0 }, summary).level // 'fully'
 */
export function scoreObjective(
  ratings: ObjectiveRatings | undefined,
  indicators: IndicatorSummary,
): ObjectiveScore {
  const rated = ratings === undefined ? 0 : ratings.fully + ratings.partially + ratings.notYet;
  if (ratings !== undefined && rated > 0) {
    const level = medianLevel(ratings, rated);
    return {
      level,
      achievement: OBJECTIVE_ACHIEVEMENT[level],
      source: 'assessors',
      confidence: confidenceFromSample(rated, ASSESSOR_HALF_CONFIDENCE_AT),
      ratings,
    };
  }
  if (indicators.measured === 0) return { level: null, achievement: 0, source: 'missing', confidence: 0 };
  const level = levelFromAttainment(indicators.attainment);
  return {
    level,
    achievement: OBJECTIVE_ACHIEVEMENT[level],
    source: 'indicators',
    confidence: indicators.confidence,
  };
}

function levelFromAttainment(attainment: number): ObjectiveLevel {
  if (attainment >= OBJECTIVE_FROM_INDICATORS.fully) return 'fully';
  if (attainment >= OBJECTIVE_FROM_INDICATORS.partially) return 'partially';
  return 'not_yet';
}

function medianLevel(ratings: ObjectiveRatings, rated: number): ObjectiveLevel {
  // Position of the lower middle rating when ratings are sorted from Not yet up to Fully.
  const middle = Math.floor((rated - 1) / 2);
  if (middle < ratings.notYet) return 'not_yet';
  if (middle < ratings.notYet + ratings.partially) return 'partially';
  return 'fully';
}
