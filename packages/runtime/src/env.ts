import { existsSync } from 'node:fs';
import { z } from 'zod';

/** Settings every cxloop process shares. Defaults fit a developer machine with local Postgres and Redis. */
export const sharedEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/cxloop'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Namespace for every Redis key (queues, counters, channels), so deployments and test runs can share a server. */
  REDIS_PREFIX: z.string().min(1).default('cxloop'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/**
 * Parses the process environment once at start. A `.env` file in the working directory is read first when
 * present (values already in the environment win). On a bad value the process stops with one line per
 * problem, naming the variable.
 *
 * @example
 * const env = readEnv(z.object({ ...sharedEnvShape, PORT: z.coerce.number().default(3000) }));
 */
export function readEnv<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv = process.env): z.infer<T> {
  if (source === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A 32-byte key, given as 64 hex characters, that encrypts source signing secrets at rest. */
export const secretKeyShape = z
  .string()
  .regex(
    /^[0-9a-fA-F]{64}$/,
    'expected 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`',
  );

/** Loopback port serving a worker's Prometheus metrics at /metrics; 0 turns it off. */
export const metricsPortShape = (defaultPort: number) =>
  z.coerce.number().int().min(0).max(65_535).default(defaultPort);
