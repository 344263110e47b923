export type {
  ActionEffect,
  DailyTally,
  EffectVerdict,
  Interval,
  PeriodEstimate,
  PreTrend,
} from './action-effect.js';
export { measureEffect, metricDirection } from './action-effect.js';
export type { ImprovementAction } from './actions.js';
export { rankImprovementActions } from './actions.js';
export type { AttainmentMapping, Ramp, ThresholdLevel, Thresholds } from './attainment.js';
export {
  atLeast,
  atMost,
  attainmentOf,
  describeMapping,
  higherIsBetter,
  mappingProblem,
  ramp,
} from './attainment.js';
export { renderEvidenceCatalogue } from './catalogue-doc.js';
export { combineConfidence, confidenceFromSample } from './confidence.js';
export type { Cause, ElementChange, EvidenceChange, Movement, ScoreDiff } from './diff.js';
export { diffScores, movedVisibly, SHOWN_POINTS_DECIMALS, sameShownPoints } from './diff.js';
export { combineDiffs } from './diff-span.js';
export type { ElementScore, ElementTargetGap } from './element.js';
export { INDICATOR_SHARE, OBJECTIVE_SHARE } from './element.js';
export type {
  ElementTarget,
  Evidence,
  IndexedEvidence,
  IndicatorOverride,
  LikertDistribution,
  MetricObservation,
  MetricWindow,
  ObjectiveRating,
  StaffObjectiveView,
  SurveyResult,
} from './evidence.js';
export { EvidenceError, indexEvidence } from './evidence.js';
export type { IndicatorSelection } from './framework/index.js';
export {
  allElements,
  allIndicators,
  cemFramework,
  findElement,
  findIndicator,
  listIndicators,
  surveyItemText,
} from './framework/index.js';
export type {
  EvidenceListed,
  EvidenceUsed,
  IndicatorScore,
  MetricEvidenceUsed,
  OverrideUsed,
  SurveyEvidenceHeldBack,
  SurveyEvidenceUsed,
} from './indicator.js';
export { SOURCE_WEIGHTS, SURVEY_HALF_CONFIDENCE_AT, surveyAttainment } from './indicator.js';
export type { MetricDefinition, MetricId, MetricUnit } from './metrics.js';
export { metricCatalogue, metricDefinition } from './metrics.js';
export type {
  Dimension,
  DimensionGroup,
  DimensionId,
  Element,
  ElementId,
  EvidenceDeclaration,
  Framework,
  Indicator,
  IndicatorId,
  MetricRule,
} from './model.js';
export type { ObjectiveLevel, ObjectiveScore } from './objective.js';
export { OBJECTIVE_ACHIEVEMENT } from './objective.js';
export type { PulseQuestion } from './pulse.js';
export { toolsAndProcessesPulse } from './pulse.js';
export type { DimensionScore, FrameworkScore, HeldStages, ScoreOptions, StageGap } from './score.js';
export { heldStagesOf, scoreFramework } from './score.js';
export type { DimensionHead, ElementPatch, LiveScoreChange, ScorePatch } from './score-patch.js';
export { applyScorePatch, atShownPrecision, scorePatch } from './score-patch.js';
export type { StageBand, StageId } from './stages.js';
export {
  defaultStageBands,
  roundShare,
  STAGE_HYSTERESIS,
  stageForShare,
  validateStageBands,
} from './stages.js';
export type { ElementWeights, WeightOverrides } from './weights.js';
export { defaultWeights, validateWeights, WeightError } from './weights.js';
