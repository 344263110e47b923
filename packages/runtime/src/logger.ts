import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * The process logger. Paths that could carry secrets or customer words are censored here, once, so no
 * call site has to remember it.
 */
export function createLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["webhook-signature"]',
        'req.headers["x-api-key"]',
        '*.secret',
        '*.apiKey',
        '*.text',
        '*.customerRef',
      ],
      censor: '[redacted]',
    },
  });
}
