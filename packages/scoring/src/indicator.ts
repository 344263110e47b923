import { attainmentOf } from './attainment.js';
import { combineConfidence, confidenceFromSample } from './confidence.js';
import type { IndexedEvidence, LikertDistribution, MetricWindow } from './evidence.js';
import { type MetricId, metricDefinition } from './metrics.js';
import type { Indicator, IndicatorId } from './model.js';

/**
 * Staff survey results reach confidence one half at 5 respondents: a team's view is fairly stable once a
 * handful of people have answered.
 */
export const SURVEY_HALF_CONFIDENCE_AT = 5;

/**
 * A metric counts twice as much as the staff survey at equal confidence: it observes what the organisation
 * does, while the survey reports what staff believe it does.
 */
export const SOURCE_WEIGHTS = { metric: 2, survey: 1 } as const;

export interface MetricEvidenceUsed {
  readonly source: 'metric';
  readonly metric: MetricId;
  readonly value: number;
  readonly sampleSize: number;
  readonly window: MetricWindow;
  readonly attainment: number;
  readonly confidence: number;
}

export interface SurveyEvidenceUsed {
  readonly source: 'survey';
  readonly mean: number;
  readonly respondents: number;
  readonly distribution?: LikertDistribution;
  readonly attainment: number;
  readonly confidence: number;
}

/**
 * A survey item answered by fewer staff than the group minimum: it contributes nothing, and its answers (mean,
 * distribution) are left out of the trail, since so few could identify who gave them.
 */
export interface SurveyEvidenceHeldBack {
  readonly source: 'survey_held_back';
  readonly respondents: number;
  readonly minRespondents: number;
}

/** One piece of evidence an indicator used, with the attainment and confidence it gave on its own. */
export type EvidenceUsed = MetricEvidenceUsed | SurveyEvidenceUsed;

/** What the trail lists for an indicator: the evidence used and any survey item held back. */
export type EvidenceListed = EvidenceUsed | SurveyEvidenceHeldBack;

/**
 * An assessor's override as the trail shows it: the attainment the evidence gave (`computed`, null when it
 * gave none) beside the assessor's, with who, when and why.
 */
export interface OverrideUsed {
  readonly attainment: number;
  readonly computed: number | null;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

/**
 * An indicator's result. `missing` means no evidence with a sample: attainment is null, never a measured 0, and
 * the element counts it as earning nothing until evidence arrives.
 */
export interface IndicatorScore {
  readonly id: IndicatorId;
  readonly statement: string;
  /** `overridden`: an assessor's attainment replaces what the evidence gives (both are in `override`). */
  readonly status: 'measured' | 'missing' | 'overridden';
  readonly attainment: number | null;
  readonly confidence: number;
  readonly evidence: readonly EvidenceListed[];
  readonly override?: OverrideUsed;
}

/**
 * Survey mean 1–5 to attainment 0–1, linearly: 1 (strongly disagree) earns nothing, 5 (strongly agree) all,
 * 3 (neutral) half.
 *
 * @example surveyAttainment(4) // 0.75
 */
export function surveyAttainment(mean: number): number {
  return (mean - 1) / 4;
}

/**
 * Scores one indicator from the evidence it declares: each source gives an attainment and a confidence; the
 * indicator's attainment is their average weighted by source weight × confidence, so a large sample outweighs a
 * small one. Sources with an empty sample, and survey items below the group minimum, are listed but carry no
 * weight. An assessor's override replaces the result, with full confidence (it is a judgement, not a sample).
 *
 * @example scoreIndicator(findIndicator('D5.2.1')!, indexEvidence(evidence)).attainment // 0.75 for 3 channels
 */
export function scoreIndicator(indicator: Indicator, evidence: IndexedEvidence): IndicatorScore {
  const used: EvidenceUsed[] = [];
  const listed: EvidenceListed[] = [];
  for (const rule of indicator.evidence.metrics) {
    const observation = evidence.metrics.get(rule.metric);
    if (observation === undefined) continue;
    const { halfConfidenceAt } = metricDefinition(rule.metric)!;
    used.push({
      source: 'metric',
      metric: rule.metric,
      value: observation.value,
      sampleSize: observation.sampleSize,
      window: observation.window,
      attainment: attainmentOf(rule.mapping, observation.value),
      confidence: confidenceFromSample(observation.sampleSize, halfConfidenceAt),
    });
  }
  const survey = evidence.survey.get(indicator.id);
  if (survey !== undefined && survey.respondents < (survey.minRespondents ?? 0)) {
    listed.push({
      source: 'survey_held_back',
      respondents: survey.respondents,
      minRespondents: survey.minRespondents ?? 0,
    });
  } else if (survey !== undefined) {
    used.push({
      source: 'survey',
      mean: survey.mean,
      respondents: survey.respondents,
      ...(survey.distribution === undefined ? {} : { distribution: survey.distribution }),
      attainment: surveyAttainment(survey.mean),
      confidence: confidenceFromSample(survey.respondents, SURVEY_HALF_CONFIDENCE_AT),
    });
  }

  let weighted = 0;
  let totalWeight = 0;
  for (const source of used) {
    const weight = SOURCE_WEIGHTS[source.source] * source.confidence;
    weighted += weight * source.attainment;
    totalWeight += weight;
  }
  const computed = totalWeight > 0 ? weighted / totalWeight : null;
  const base = {
    id: indicator.id,
    statement: indicator.statement,
    evidence: [...used, ...listed],
  };
  const override = evidence.overrides.get(indicator.id);
  if (override !== undefined) {
    return {
      ...base,
      status: 'overridden',
      attainment: override.attainment,
      confidence: 1,
      override: {
        attainment: override.attainment,
        computed,
        reason: override.reason,
        by: override.by,
        at: override.at,
      },
    };
  }
  return {
    ...base,
    status: computed === null ? 'missing' : 'measured',
    attainment: computed,
    confidence: combineConfidence(used.map((source) => source.confidence)),
  };
}
