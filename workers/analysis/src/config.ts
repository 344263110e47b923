import { metricsPortShape, readEnv, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';

export const AnalysisWorkerConfig = z.object({
  ...sharedEnvShape,
  /** Jobs analysed at once; analysis is CPU-bound, so more than a handful only adds database waits. */
  ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  METRICS_PORT: metricsPortShape(9465),
});
export type AnalysisWorkerConfig = z.infer<typeof AnalysisWorkerConfig>;

export const loadAnalysisWorkerConfig = () => readEnv(AnalysisWorkerConfig);
