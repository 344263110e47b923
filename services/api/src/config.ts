import { outboundAllowlistShape, readEnv, secretKeyShape, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';

const booleanShape = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** Fastify's `trustProxy`: a boolean, a hop count, or a list of proxy addresses and CIDRs. */
const trustProxyShape = z.string().transform((value): boolean | number | string[] => {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
});

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
  /** When set, `/metrics` requires it as a bearer token. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * `true` serves `/metrics` without a token (a private network where only the scraper reaches the API).
   * Unset: public only in local development (NODE_ENV=development, the default outside the container image).
   */
  METRICS_PUBLIC: booleanShape.optional(),
  /** The platform operator's credential for the queue board at /admin/queues; the board is off when unset. */
  OPERATOR_TOKEN: z
    .string()
    .min(32, 'at least 32 characters; generate one with `openssl rand -hex 32`')
    .optional(),
  /**
   * Which proxies' `X-Forwarded-*` headers to believe (client address, https): `true` (any: only when the
   * API is reachable through the proxy alone), a hop count, or comma-separated addresses/CIDRs. Off when unset.
   */
  TRUST_PROXY: trustProxyShape.optional(),
  /** Failed authentications per minute per client address before it gets 429 (counted in Redis). */
  AUTH_FAILURE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  OUTBOUND_ALLOWED_HOSTS: outboundAllowlistShape,
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

/**
 * Who may read `/metrics`: the token holder when METRICS_TOKEN is set; anyone when METRICS_PUBLIC=true, or
 * in local development unless METRICS_PUBLIC=false; nobody otherwise (401, so a deployment that forgot the
 * token does not publish its source ids and volumes).
 */
export function metricsAccess(config: Pick<ApiConfig, 'METRICS_TOKEN' | 'METRICS_PUBLIC' | 'NODE_ENV'>): {
  metricsToken?: string;
  metricsPublic: boolean;
} {
  if (config.METRICS_TOKEN) return { metricsToken: config.METRICS_TOKEN, metricsPublic: false };
  return { metricsPublic: config.METRICS_PUBLIC ?? config.NODE_ENV === 'development' };
}

export function publicBaseUrl(config: Pick<ApiConfig, 'PUBLIC_BASE_URL' | 'HOST' | 'PORT'>): string {
  return config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`;
}
