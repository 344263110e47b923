import { randomBytes, randomUUID } from 'node:crypto';
import { createDb, createOrganisation, type Db } from '@cxloop/db';
import { SecretBox, signWebhook } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSignedSource, eventually } from '../support/fixtures.js';
import { entries, freePort, type RunningProcess, startProcess, waitForHttp } from '../support/processes.js';

/**
 * SIGTERM on the API process: for SHUTDOWN_DRAIN_SECONDS it keeps serving while `/readyz` answers 503, so a
 * load balancer takes the replica out of rotation before the listener closes; then it exits cleanly.
 */
let db: Db;
let api: RunningProcess | undefined;
let sourceId: string;
let secret: string;
const secretKey = randomBytes(32).toString('hex');

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), { maxConnections: 2 });
  const org = await createOrganisation(db, 'Drain org');
  ({ sourceId, secret } = await createSignedSource(db, new SecretBox(secretKey), org.id));
});

afterAll(async () => {
  await api?.stop('SIGKILL');
  await db.destroy();
});

describe('API shutdown', () => {
  it('fails readiness but still accepts deliveries while draining, then exits', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = startProcess('api', entries.api, {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_PREFIX: `${inject('redisPrefix')}:drain`,
      CXLOOP_SECRET_KEY: secretKey,
      PORT: String(port),
      SHUTDOWN_DRAIN_SECONDS: '3',
    });
    await waitForHttp(`${base}/readyz`);

    api.child.kill('SIGTERM');
    const readiness = await eventually(async () => {
      const response = await fetch(`${base}/readyz`);
      return response.status === 503 ? { status: response.status, body: await response.json() } : undefined;
    });
    expect(readiness.body).toMatchObject({ status: 'draining', postgres: 'ok', redis: 'ok' });

    const externalId = randomUUID();
    const body = JSON.stringify({ externalId, text: 'Sent while the replica drains.' });
    const delivery = await fetch(`${base}/v1/sources/${sourceId}/events`, {
      method: 'POST',
      headers: {
        ...signWebhook(secret, `msg_${externalId}`, Math.floor(Date.now() / 1000), body),
        'content-type': 'application/json',
      },
      body,
    });
    expect(delivery.status).toBe(202);
    const stored = await db
      .selectFrom('feedback')
      .select('id')
      .where('source_id', '=', sourceId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    expect(stored?.id).toBe(((await delivery.json()) as { id: string }).id);

    expect(await api.exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
