import type { Assessment, AssessmentSnapshot } from '@cxloop/db';
import { type Cause, diffScores, type FrameworkScore } from '@cxloop/scoring';

/** One element in two assessments: points and stage on each side, and what moved it. */
export interface ElementComparison {
  elementId: string;
  name: string;
  max: number;
  before: { points: number; stage: string; objective: string | null };
  after: { points: number; stage: string; objective: string | null };
  delta: number;
  /** Largest effect first; indicator and objective causes add up to `delta`. */
  why: Cause[];
  /** Manual input that changed between the two: the assessor's rating and overrides, with their reasons. */
  manual: string[];
}

export interface AssessmentComparison {
  total: { before: number; after: number; delta: number };
  stage: { before: string; after: string };
  elements: ElementComparison[];
}

const snapshotOf = (assessment: Assessment) => assessment.snapshot as unknown as AssessmentSnapshot;
const scoreOf = (assessment: Assessment) => snapshotOf(assessment).score as unknown as FrameworkScore;
const elementsOf = (score: FrameworkScore) => score.dimensions.flatMap((dimension) => dimension.elements);

/** Ratings and overrides that differ between the snapshots, described per element with their reasons. */
function manualChanges(before: AssessmentSnapshot, after: AssessmentSnapshot): Map<string, string[]> {
  const changes = new Map<string, string[]>();
  const note = (elementId: string, text: string) =>
    changes.set(elementId, [...(changes.get(elementId) ?? []), text]);
  const ratingsBefore = new Map(before.ratings.map((rating) => [rating.elementId, rating]));
  for (const rating of after.ratings) {
    const was = ratingsBefore.get(rating.elementId);
    if (was?.level === rating.level && was.reason === rating.reason) continue;
    note(
      rating.elementId,
      `objective rated ${was?.level ?? 'unrated'} → ${rating.level} by ${rating.ratedBy}: ${rating.reason}`,
    );
  }
  const overridesBefore = new Map(before.overrides.map((override) => [override.indicatorId, override]));
  const overridesAfter = new Map(after.overrides.map((override) => [override.indicatorId, override]));
  for (const indicatorId of new Set([...overridesBefore.keys(), ...overridesAfter.keys()])) {
    const was = overridesBefore.get(indicatorId);
    const is = overridesAfter.get(indicatorId);
    if (was?.attainment === is?.attainment) continue;
    const elementId = indicatorId.split('.').slice(0, 2).join('.');
    note(
      elementId,
      is
        ? `${indicatorId} set to ${is.attainment} by ${is.setBy}: ${is.reason}`
        : `${indicatorId} override (${was!.attainment}) removed`,
    );
  }
  return changes;
}

/**
 * Compares two frozen assessments element by element: points and stage on each side, the indicator and
 * objective causes of each movement (they add up to it), and the manual input that changed, with reasons.
 */
export function compareAssessments(before: Assessment, after: Assessment): AssessmentComparison {
  const scoreBefore = scoreOf(before);
  const scoreAfter = scoreOf(after);
  const diff = diffScores(scoreBefore, scoreAfter);
  const moved = new Map(diff.elements.map((element) => [element.elementId, element]));
  const manual = manualChanges(snapshotOf(before), snapshotOf(after));
  const previous = new Map(elementsOf(scoreBefore).map((element) => [element.id, element]));
  return {
    total: { before: diff.total.before, after: diff.total.after, delta: diff.total.delta },
    stage: { before: diff.stageBefore, after: diff.stageAfter },
    elements: elementsOf(scoreAfter).flatMap((element) => {
      const was = previous.get(element.id);
      if (!was) return [];
      return [
        {
          elementId: element.id,
          name: element.name,
          max: element.max,
          before: { points: was.points, stage: was.stage, objective: was.objective.level },
          after: { points: element.points, stage: element.stage, objective: element.objective.level },
          delta: element.points - was.points,
          why: [...(moved.get(element.id)?.causes ?? [])],
          manual: manual.get(element.id) ?? [],
        },
      ];
    }),
  };
}
