import { randomBytes } from 'node:crypto';
import { runDoctor } from '@cxloop/api/doctor';
import { afterEach, describe, expect, inject, it } from 'vitest';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function configure(overrides: Record<string, string>) {
  process.env.CXLOOP_SECRET_KEY = randomBytes(32).toString('hex');
  process.env.DATABASE_URL = inject('databaseUrl');
  process.env.REDIS_PREFIX = inject('redisPrefix');
  Object.assign(process.env, overrides);
}

describe('cxloop doctor', () => {
  it('passes PostgreSQL, migrations and Redis on a migrated database', async () => {
    configure({});
    const results = await runDoctor();
    const status = Object.fromEntries(results.map((r) => [r.check, r.status]));
    expect(status).toMatchObject({ configuration: 'ok', postgres: 'ok', migrations: 'ok', redis: 'ok' });
    expect(status['queue analyze']).toBeDefined();
  });

  it('reports each unreachable service as a failure with what it tried', async () => {
    configure({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' });
    const results = await runDoctor();
    const failures = results.filter((r) => r.status === 'fail').map((r) => r.check);
    expect(failures).toEqual(['postgres', 'redis']);
    expect(results.find((r) => r.check === 'postgres')?.detail).toContain('127.0.0.1:1');
  });

  it('reports a bad configuration value by name', async () => {
    configure({ CXLOOP_SECRET_KEY: 'short' });
    const [result] = await runDoctor();
    expect(result).toMatchObject({ check: 'configuration', status: 'fail' });
    expect(result?.detail).toContain('CXLOOP_SECRET_KEY');
  });
});
