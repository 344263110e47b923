import type { RedisOptions } from 'ioredis';

/**
 * Connection options from a redis:// URL. BullMQ pins its own ioredis, so processes share options, not
 * client instances. `maxRetriesPerRequest: null` is what BullMQ workers require; it makes commands wait for
 * a reconnect instead of failing while Redis restarts.
 */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
