export { actionMetricComputations } from './action-metrics.js';
export { createAggregateProcessor } from './aggregate-processor.js';
export * from './insights.js';
export {
  computeMetrics,
  histogramMedian,
  MetricSources,
  metricComputations,
  metricObservations,
} from './metric-catalogue.js';
export { createOutboundProcessor, startOutboundWorker } from './outbound-delivery.js';
export {
  analyseOrganisationOutcomes,
  OUTCOME_ANALYSIS,
  type OutcomeAnalysisRun,
  refreshOutcomeAnalyses,
} from './outcome-analysis.js';
export { outcomeMetricComputations } from './outcome-metrics.js';
export { createScoreProcessor, type StaffEvidence } from './score-processor.js';
export { refreshStaleScores, SCORE_REFRESH, type ScoreRefreshOutcome } from './score-refresh.js';
export { SettledSums } from './settled-sums.js';
export { SLA_SWEEP, type SlaSweepOutcome, sweepSlaBreaches } from './sla-sweep.js';
export { SWEEPER, type SweepOptions, sweepUnfinishedFeedback } from './sweeper.js';
export { startAggregationWorkers } from './workers.js';
