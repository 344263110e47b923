/**
 * The fault suites have a Redis database of their own, so wiping it (FLUSHDB, atomic like a real FLUSHALL)
 * touches no other test run on a shared machine.
 */
export const faultsRedisUrl = process.env.FAULTS_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
