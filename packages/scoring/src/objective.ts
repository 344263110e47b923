import type { ObjectiveRating, StaffObjectiveView } from './evidence.js';

/** The assessor's three levels of achieving an element's statement of objective. */
export type ObjectiveLevel = 'fully' | 'partially' | 'not_yet';

/** The framework's values for the three levels. */
export const OBJECTIVE_ACHIEVEMENT: Readonly<Record<ObjectiveLevel, number>> = {
  fully: 1,
  partially: 0.5,
  not_yet: 0,
};

/**
 * The 30 % objective share of an element. Only an assessor's rating scores it (seeds/002: the assessor
 * determines the level). It is never derived from the indicators, which already carry the other 70 %: deriving
 * it would count the same evidence twice and add cliffs at the derived level's thresholds. Staff's answers to
 * the objective question travel along as `staffView` for the assessor and the reader, and earn nothing.
 */
export interface ObjectiveScore {
  /** Null while unrated. */
  readonly level: ObjectiveLevel | null;
  readonly achievement: number;
  readonly source: 'assessor' | 'unrated';
  /** 1 for a rating (the rating is the framework's definition of the objective), 0 while unrated. */
  readonly confidence: number;
  readonly rating?: ObjectiveRating;
  readonly staffView?: StaffObjectiveView;
}

/**
 * The objective's achievement from the assessor's rating; unrated earns nothing.
 *
 * @example scoreObjective({ elementId: 'D5.1', level: 'partially', reason, ratedBy, ratedAt }).achievement // 0.5
 */
export function scoreObjective(
  rating: ObjectiveRating | undefined,
  staffView?: StaffObjectiveView | undefined,
): ObjectiveScore {
  const view = staffView === undefined ? {} : { staffView };
  if (rating === undefined) return { level: null, achievement: 0, source: 'unrated', confidence: 0, ...view };
  return {
    level: rating.level,
    achievement: OBJECTIVE_ACHIEVEMENT[rating.level],
    source: 'assessor',
    confidence: 1,
    rating,
    ...view,
  };
}
