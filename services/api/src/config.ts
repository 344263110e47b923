import { readEnv, secretKeyShape, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';

export const ApiConfig = z.object({
  ...sharedEnvShape,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** Where senders reach this deployment (behind a proxy, its public URL); used to print webhook URLs. */
  PUBLIC_BASE_URL: z.url().optional(),
  CXLOOP_SECRET_KEY: secretKeyShape,
  /** Largest request body accepted; the generic channel's 500-event batch fits well inside the default. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(2 * 1024 * 1024),
  /** When set, `/metrics` requires it as a bearer token; leave unset where only the scraper can reach the API. */
  METRICS_TOKEN: z.string().min(16).optional(),
  WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Requests per minute per API key (its dashboard sessions included); webhooks have per-source limits. */
  API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  /** Webhook deliveries with a failed signature one client address may send per minute, before 429. */
  WEBHOOK_UNSIGNED_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /**
   * Seconds between SIGTERM and closing the listener, while `/readyz` answers 503 and requests are still
   * served: long enough for a load balancer's health checks to take the replica out of rotation.
   */
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(120).default(0),
});
export type ApiConfig = z.infer<typeof ApiConfig>;

export function loadApiConfig(): ApiConfig {
  return readEnv(ApiConfig);
}

export function publicBaseUrl(config: Pick<ApiConfig, 'PUBLIC_BASE_URL' | 'HOST' | 'PORT'>): string {
  return config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`;
}
