import type { ScoreChangeEvent } from '@cxloop/contracts';
import type { FrameworkScore, LiveScoreChange } from '@cxloop/scoring';
import {
  applyScorePatch,
  defaultStageBands,
  metricDefinition,
  SHOWN_POINTS_DECIMALS,
  sameShownPoints,
} from '@cxloop/scoring';
import { api } from './api';

export type { FrameworkScore, LiveScoreChange, ScoreChangeEvent };
export type ElementScore = FrameworkScore['dimensions'][number]['elements'][number];

/** An organisation's current score of one scope (the enterprise or a unit), as the scores API returns it. */
export interface CurrentScore {
  scope: string;
  unitId: string | null;
  total: number;
  stage: string;
  confidence: number;
  computedAt: string;
  changedAt: string;
  score: FrameworkScore;
}

export const ENTERPRISE = 'enterprise';

/** Discover (D5) and Devise (D6) are scored from measured evidence; the others from surveys and assessors. */
export function isAutomatic(elementId: string): boolean {
  return elementId.startsWith('D5.') || elementId.startsWith('D6.');
}

export const scoreStreamUrl = (orgId: string) => `/v1/orgs/${orgId}/scores/stream`;

interface ScopeScoreAnswer {
  summary: Omit<CurrentScore, 'score'>;
  score: FrameworkScore;
}

/** One scope's current score with its full evidence trail. */
export async function fetchCurrentScore(orgId: string, scope: string): Promise<CurrentScore> {
  const answer = await api.get<ScopeScoreAnswer>(`/v1/orgs/${orgId}/scores/${encodeURIComponent(scope)}`);
  return { ...answer.summary, score: answer.score };
}

/**
 * The score shown with a live change applied, or undefined when the change cannot be applied to it (no patch,
 * or the page's score is not the one the change starts from, e.g. a change was missed before the stream
 * opened): the page then loads the whole score again.
 */
export function patchCurrentScore(current: CurrentScore, change: LiveScoreChange): CurrentScore | undefined {
  if (!change.patch || change.total.before === null || !sameShownPoints(change.total.before, current.total)) {
    return undefined;
  }
  const score = applyScorePatch(current.score, change.patch);
  return {
    ...current,
    total: score.total,
    stage: score.stage,
    confidence: score.confidence,
    changedAt: change.recordedAt,
    score,
  };
}

/** Points still needed to reach a stage: the stage's lowest share of the maximum, less the total. */
export function pointsToStage(score: FrameworkScore, stage: string): number | undefined {
  const band = defaultStageBands.find((candidate) => candidate.stage === stage);
  return band && Math.max(0, band.minShare * score.max - score.total);
}

/** A metric value in its unit: shares as percentages, durations with their unit. */
export function formatMetric(metric: string, value: number): string {
  switch (metricDefinition(metric)?.unit) {
    case 'share':
      return `${Math.round(value * 100)} %`;
    case 'hours':
      return `${value.toFixed(1)} h`;
    case 'minutes':
      return `${Math.round(value)} min`;
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
}

export function metricName(metric: string): string {
  return metricDefinition(metric)?.name ?? metric.replaceAll('_', ' ');
}

/**
 * One line of "what changed and why" for a moved element, e.g.
 * "D5.2 Feedback Channels +3.5: Closed-loop rate 62 % → 81 % (30 days)".
 */
type Reading = NonNullable<ScoreChangeEvent['elements'][number]['why'][number]['evidence']>[number];

/** Points as the page shows them (one decimal): a change is one a person can see only at that precision. */
const shownPoints = (points: number) =>
  Math.round(points * 10 ** SHOWN_POINTS_DECIMALS) / 10 ** SHOWN_POINTS_DECIMALS;

/** Whether an element's change is visible at the precision points are shown (no "+0.0" lines). */
export function visiblyChanged(element: ScoreChangeEvent['elements'][number]): boolean {
  return element.before === null || !sameShownPoints(element.after, element.before);
}

/**
 * The lines of "what changed and why" for one score event: one per element whose points moved as shown;
 * none when every move rounds away.
 */
export function explainVisibleChanges(event: ScoreChangeEvent): string[] {
  return event.elements.filter(visiblyChanged).map(explainChange);
}

export function explainChange(element: ScoreChangeEvent['elements'][number]): string {
  const delta = shownPoints(element.after) - shownPoints(element.before ?? 0);
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const head = `${element.elementId} ${element.name} ${sign}${Math.abs(delta).toFixed(1)}`;
  // One metric can feed several indicators of an element: say each reading once.
  const readings = [
    ...new Map(
      element.why.flatMap((cause) => cause.evidence ?? []).map((reading) => [reading.source, reading]),
    ).values(),
  ];
  const name = (reading: Reading) =>
    reading.source === 'survey' ? 'staff survey mean' : metricName(reading.source);
  const format = (reading: Reading, value: number) =>
    reading.source === 'survey' ? value.toFixed(2) : formatMetric(reading.source, value);
  // A reading whose value stayed put moved the score only through its sample size (confidence): listing
  // "100 % → 100 %" next to the real cause would hide it, so such readings are summed up apart.
  const moved = readings.filter(
    (reading) => reading.before?.value !== reading.after?.value || !reading.before !== !reading.after,
  );
  const reasons = moved.map((reading) => {
    const before = reading.before ? format(reading, reading.before.value) : 'no evidence';
    const after = reading.after ? format(reading, reading.after.value) : 'no evidence';
    const n = reading.after ? ` (n = ${reading.after.sampleSize})` : '';
    return `${name(reading)} ${before} → ${after}${n}`;
  });
  const firmer = readings.filter((reading) => !moved.includes(reading));
  if (firmer.length > 0) {
    reasons.push(`more evidence for ${firmer.map(name).join(', ')}`);
  }
  if (reasons.length === 0) {
    const kinds = [...new Set(element.why.map((cause) => cause.kind))];
    return `${head}: ${kinds.length ? `${kinds.join(', ')} changed` : 'recomputed'}`;
  }
  return `${head}: ${reasons.join('; ')}`;
}
