import { metricsPortShape, readEnv, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';

export const AggregationWorkerConfig = z.object({
  ...sharedEnvShape,
  SWEEP_INTERVAL_SECONDS: z.coerce.number().min(1).default(30),
  /** Comfortably above the normal accept → analyse lag, so healthy jobs are not offered twice. */
  SWEEP_GRACE_SECONDS: z.coerce.number().min(0).default(60),
  SWEEP_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /**
   * Rollup jobs taken from the queue at once. Their increments are summed into one transaction per batch,
   * so a high figure costs no connections: it sets how many jobs can share a commit under load.
   */
  AGGREGATE_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(256),
  /**
   * Organisations recomputed at once (one organisation never runs two recomputes). A slot is also held
   * for SCORE_COOLDOWN_MS after each recompute, which costs no connection.
   */
  SCORE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Pause after an organisation's recompute that coalesces the requests arriving meanwhile into one. */
  SCORE_COOLDOWN_MS: z.coerce.number().int().min(0).max(60_000).default(400),
  /**
   * How old a score may grow before the sweep recomputes it unasked: the bound on how long a recompute
   * request lost with Redis can leave a score behind, and how often windowed evidence rolls forward.
   */
  SCORE_MAX_AGE_SECONDS: z.coerce.number().int().min(60).default(3_600),
  METRICS_PORT: metricsPortShape(9466),
});
export type AggregationWorkerConfig = z.infer<typeof AggregationWorkerConfig>;

export const loadAggregationWorkerConfig = () => readEnv(AggregationWorkerConfig);
