export { createAggregateProcessor } from './aggregate-processor.js';
export * from './insights.js';
export { computeMetrics, histogramMedian, MetricSources, metricComputations } from './metric-catalogue.js';
export { createOutboundProcessor, startOutboundWorker } from './outbound-delivery.js';
export { createScoreProcessor, type StaffEvidence } from './score-processor.js';
export { SettledSums } from './settled-sums.js';
export { SLA_SWEEP_TASK, type SlaSweepOutcome, sweepSlaBreaches } from './sla-sweep.js';
export { SWEEPER_TASK, type SweepOptions, sweepUnfinishedFeedback } from './sweeper.js';
export { startAggregationWorkers } from './workers.js';
