import { execSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createDb, createOrganisation, type Db } from '@cxloop/db';
import { SecretBox, signWebhook } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSignedSource, eventually } from '../support/fixtures.js';
import { entries, freePort, type RunningProcess, startProcess, waitForHttp } from '../support/processes.js';
import { acceptedIds, startSignedLoad } from './load.js';
import { faultsRedisUrl } from './redis-url.js';

/**
 * Scale-out: two API replicas, two analysis and two aggregation workers on one PostgreSQL and one Redis.
 * Load is spread over both APIs and the same deliveries are sent to both at once; the invariants must
 * hold as with one of each: every accepted event stored once, analysed, counted once.
 */
const redisUrl = faultsRedisUrl;
const processes: RunningProcess[] = [];
let db: Db;
let sourceId: string;
let orgId: string;
let secret: string;
let apiPorts: number[];

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), { maxConnections: 2 });
  const secretKey = randomBytes(32).toString('hex');
  orgId = (await createOrganisation(db, 'Scale-out org')).id;
  ({ sourceId, secret } = await createSignedSource(db, new SecretBox(secretKey), orgId, {
    name: 'scale-out',
    rateLimitPerMinute: 1_000_000,
  }));
  apiPorts = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `${inject('redisPrefix')}:scale`,
    CXLOOP_SECRET_KEY: secretKey,
    SWEEP_INTERVAL_SECONDS: '1',
    SWEEP_GRACE_SECONDS: '5',
    ANALYSIS_CONCURRENCY: '4',
    METRICS_PORT: '0',
  };
  for (const port of apiPorts)
    processes.push(startProcess('api', entries.api, { ...env, PORT: String(port) }));
  for (let replica = 0; replica < 2; replica++) {
    processes.push(startProcess('analysis', entries.analysis, env));
    processes.push(startProcess('aggregation', entries.aggregation, env));
  }
  await Promise.all(apiPorts.map((port) => waitForHttp(`http://127.0.0.1:${port}/healthz`)));
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  execSync(`redis-cli -u ${redisUrl} flushdb`);
  await db.destroy();
});

async function deliver(port: number, body: string, webhookId: string) {
  const headers = signWebhook(secret, webhookId, Math.floor(Date.now() / 1000), body);
  const response = await fetch(`http://127.0.0.1:${port}/v1/sources/${sourceId}/events`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, body: (await response.json()) as { id: string; duplicate: boolean } };
}

describe('two of every process', () => {
  it('keeps every invariant with load spread over both APIs and redeliveries racing across them', async () => {
    let turn = 0;
    const load = startSignedLoad({
      url: () => `http://127.0.0.1:${apiPorts[turn++ % 2]}/v1/sources/${sourceId}/events`,
      secret,
      concurrency: 8,
      maxSeconds: 120,
    });
    // The same delivery to both replicas at the same moment: one row, the same id for both senders.
    const raced = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const body = JSON.stringify({ externalId: `race-${randomUUID()}`, text: 'Charged twice this month' });
        const webhookId = `msg_${randomUUID()}`;
        return Promise.all(apiPorts.map((port) => deliver(port, body, webhookId)));
      }),
    );
    await load.untilMore(1_500, 202); // the spread load, beyond the races
    const outcomes = await load.stop();

    for (const [first, second] of raced) {
      expect([first!.status, second!.status]).toEqual([202, 202]);
      expect(first!.body.id).toBe(second!.body.id);
      expect([first!.body.duplicate, second!.body.duplicate].filter((duplicate) => !duplicate)).toHaveLength(
        1,
      );
    }
    const accepted = acceptedIds(outcomes);
    const expected = accepted.length + raced.length;
    const rows = await eventually(async () => {
      const stored = await db
        .selectFrom('feedback')
        .select(['external_id', 'status', 'aggregated_at'])
        .where('source_id', '=', sourceId)
        .execute();
      const finished = stored.every((row) => row.status === 'analysed' && row.aggregated_at !== null);
      return stored.length >= expected && finished ? stored : undefined;
    }, 90_000);
    const counted = await db
      .selectFrom('rollup_daily')
      .select((eb) => eb.fn.sum<string>('feedback_count').as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    console.log(
      `scale-out: accepted ${accepted.length} spread over 2 APIs + ${raced.length} raced pairs; ` +
        `stored ${rows.length}, counted in rollups ${counted.n}`,
    );
    expect(accepted.length).toBeGreaterThan(100);
    const storedIds = new Set(rows.map((row) => row.external_id));
    expect(accepted.filter((externalId) => !storedIds.has(externalId))).toEqual([]);
    expect(rows).toHaveLength(expected);
    expect(Number(counted.n)).toBe(expected);
  });
});
