import { outboundAllowlistShape, readEnv, secretKeyShape, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';

/** Settings of the triage work in this process: outbound delivery and the SLA sweep. */
export const TriageWorkerConfig = z.object({
  ...sharedEnvShape,
  /** Opens the sealed signing secrets of reply and escalation webhooks. */
  CXLOOP_SECRET_KEY: secretKeyShape,
  SLA_SWEEP_INTERVAL_SECONDS: z.coerce.number().min(1).default(60),
  /** Outbound messages still pending this long after creation are assumed lost from Redis and re-enqueued. */
  OUTBOUND_GRACE_SECONDS: z.coerce.number().min(0).default(300),
  OUTBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Targets allowed beyond https to public addresses (the API checks the same list when URLs are saved). */
  OUTBOUND_ALLOWED_HOSTS: outboundAllowlistShape,
});
export type TriageWorkerConfig = z.infer<typeof TriageWorkerConfig>;

export const loadTriageWorkerConfig = () => readEnv(TriageWorkerConfig);
