import { metricsPortShape, readEnv, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';

export const AnalysisWorkerConfig = z.object({
  ...sharedEnvShape,
  /**
   * Jobs taken from the queue at once. Their database work is grouped into one transaction per batch, so a
   * high figure costs no connections: it sets how many jobs can share a commit under load.
   */
  ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(256),
  METRICS_PORT: metricsPortShape(9465),
});
export type AnalysisWorkerConfig = z.infer<typeof AnalysisWorkerConfig>;

export const loadAnalysisWorkerConfig = () => readEnv(AnalysisWorkerConfig);
