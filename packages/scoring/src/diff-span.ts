import type { Cause, ElementChange, EvidenceChange, Movement, ScoreDiff } from './diff.js';

/**
 * What moved over a span of recorded changes: consecutive diffs (each taken against the previous recorded
 * score, so they chain) folded into one, as if the first score of the span had been diffed against the
 * last. Per element the movements and causes add up: an indicator's points are summed over the span, its
 * attainment and each evidence reading run from the first "before" to the last "after". Returns undefined
 * for an empty span.
 *
 * @example combineDiffs([mondayDiff, tuesdayDiff]).elements[0].delta // Monday's + Tuesday's movement
 */
export function combineDiffs(diffs: readonly ScoreDiff[]): ScoreDiff | undefined {
  const first = diffs[0];
  const last = diffs.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const elements = new Map<string, ElementChange>();
  const dimensions = new Map<
    string,
    Movement & { dimensionId: ScoreDiff['dimensions'][number]['dimensionId'] }
  >();
  for (const diff of diffs) {
    for (const change of diff.dimensions) {
      const was = dimensions.get(change.dimensionId);
      dimensions.set(change.dimensionId, { dimensionId: change.dimensionId, ...span(was, change) });
    }
    for (const change of diff.elements) {
      const was = elements.get(change.elementId);
      elements.set(change.elementId, {
        ...change,
        ...span(was, change),
        stageBefore: was?.stageBefore ?? change.stageBefore,
        causes: was === undefined ? change.causes : mergeCauses(was.causes, change.causes),
      });
    }
  }
  const moved = (movement: Movement) => movement.delta !== 0;
  return {
    total: span(first.total, last.total),
    stageBefore: first.stageBefore,
    stageAfter: last.stageAfter,
    dimensions: [...dimensions.values()].filter(moved),
    elements: [...elements.values()]
      .filter(moved)
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.elementId < b.elementId ? -1 : 1)),
  };
}

function span(earlier: Movement | undefined, later: Movement): Movement {
  const before = earlier?.before ?? later.before;
  return { before, after: later.after, delta: later.after - before };
}

/** A cause's identity across diffs: the indicator, or the objective / weight of the element. */
const causeKey = (cause: Cause) => (cause.kind === 'indicator' ? cause.indicatorId : cause.kind);

function mergeCauses(earlier: readonly Cause[], later: readonly Cause[]): Cause[] {
  const merged = new Map(earlier.map((cause) => [causeKey(cause), cause]));
  for (const cause of later) {
    const was = merged.get(causeKey(cause));
    merged.set(causeKey(cause), was === undefined ? cause : mergeCause(was, cause));
  }
  return [...merged.values()].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
}

function mergeCause(was: Cause, is: Cause): Cause {
  const points = was.points + is.points;
  if (was.kind === 'indicator' && is.kind === 'indicator') {
    return {
      ...is,
      attainmentBefore: was.attainmentBefore,
      points,
      evidence: mergeEvidence(was.evidence, is.evidence),
    };
  }
  if (was.kind === 'objective' && is.kind === 'objective')
    return { ...is, levelBefore: was.levelBefore, points };
  if (was.kind === 'weight' && is.kind === 'weight') return { ...is, maxBefore: was.maxBefore, points };
  return { ...is, points };
}

function mergeEvidence(
  earlier: readonly EvidenceChange[],
  later: readonly EvidenceChange[],
): EvidenceChange[] {
  const merged = new Map(earlier.map((change) => [change.source, change]));
  for (const change of later) {
    const was = merged.get(change.source);
    const before = was === undefined ? change.before : was.before;
    merged.set(change.source, {
      source: change.source,
      ...(before === undefined ? {} : { before }),
      ...(change.after === undefined ? {} : { after: change.after }),
    });
  }
  return [...merged.values()];
}
