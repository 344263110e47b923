import { readEnv } from '@cxloop/runtime';
import { describe, expect, it } from 'vitest';
import { ApiConfig, metricsAccess } from './config.js';

const key = 'a'.repeat(64);
const parse = (env: Record<string, string>) => readEnv(ApiConfig, { CXLOOP_SECRET_KEY: key, ...env });

describe('API configuration', () => {
  it('closes /metrics outside development unless a token is set or it is opened explicitly', () => {
    expect(metricsAccess(parse({ NODE_ENV: 'production' }))).toEqual({ metricsPublic: false });
    expect(metricsAccess(parse({ NODE_ENV: 'development' }))).toEqual({ metricsPublic: true });
    expect(metricsAccess(parse({ NODE_ENV: 'development', METRICS_PUBLIC: 'false' }))).toEqual({
      metricsPublic: false,
    });
    expect(metricsAccess(parse({ NODE_ENV: 'production', METRICS_PUBLIC: 'true' }))).toEqual({
      metricsPublic: true,
    });
    expect(metricsAccess(parse({ NODE_ENV: 'production', METRICS_TOKEN: 't'.repeat(20) }))).toEqual({
      metricsToken: 't'.repeat(20),
      metricsPublic: false,
    });
  });

  it('reads TRUST_PROXY as a boolean, a hop count or a list of proxies', () => {
    expect(parse({}).TRUST_PROXY).toBeUndefined();
    expect(parse({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(parse({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(parse({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).TRUST_PROXY).toEqual(['10.0.0.1', '10.1.0.0/16']);
  });

  it('refuses a short operator token and a malformed outbound allowlist', () => {
    expect(() => parse({ OPERATOR_TOKEN: 'short' })).toThrow(/OPERATOR_TOKEN/);
    expect(() => parse({ OUTBOUND_ALLOWED_HOSTS: '10.0.0.0/40' })).toThrow(/OUTBOUND_ALLOWED_HOSTS/);
  });
});
