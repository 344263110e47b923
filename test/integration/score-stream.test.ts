import { type AddressInfo, Socket } from 'node:net';
import type { ScoreChangeEvent } from '@cxloop/contracts';
import { publishScoreChange, redisOptions, scoreStreamKey } from '@cxloop/runtime';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_STREAM_BUFFER_BYTES, ScoreConnection } from '../../services/api/src/live/score-connection.js';
import { ScoreHub } from '../../services/api/src/live/score-hub.js';
import {
  createTenant,
  eventually,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

let first: TestApi;
let second: TestApi;
let tenant: TestTenant;
let redis: Redis;
const urls: string[] = [];

beforeAll(async () => {
  first = await startTestApi();
  // A second instance of the API on the same Redis deployment (same prefix) and database.
  second = await startTestApi({ redisPrefix: first.prefix });
  for (const api of [first, second]) {
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    urls.push(`http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`);
  }
  tenant = await createTenant(first.db, first.secretBox, 'Stream org');
  redis = new Redis(redisOptions(redisUrl));
});
afterAll(async () => {
  redis.disconnect();
  await first.close();
  await second.close();
});

interface Received {
  id: string;
  event: ScoreChangeEvent;
}

/** A minimal SSE client: collects `score` events until closed. */
async function connect(baseUrl: string, apiKey: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/orgs/${tenant.orgId}/scores/stream`, {
    headers: { authorization: `Bearer ${apiKey}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  const received: Received[] = [];
  let connected = false;
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(': connected')) connected = true;
          const id = /^id: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (id && data) received.push({ id, event: JSON.parse(data) as ScoreChangeEvent });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  await eventually(async () => (connected ? true : undefined));
  return {
    status: response.status,
    received,
    async close() {
      controller.abort();
      await pump;
    },
  };
}

function change(total: number): ScoreChangeEvent {
  return {
    orgId: tenant.orgId,
    scope: 'enterprise',
    unitId: null,
    historyId: String(total),
    recordedAt: new Date().toISOString(),
    total: { before: total - 1, after: total },
    stage: { before: 'ignore', after: 'ignore' },
    elements: [{ elementId: 'D5.4', name: 'Closed loop', before: total - 1, after: total, why: [] }],
  };
}

const totals = (received: Received[]) => received.map((entry) => entry.event.total.after);

describe('score stream', () => {
  it('delivers every change through both API instances and resumes after a reconnect without gaps or duplicates', async () => {
    const onFirst = await connect(urls[0]!, tenant.apiKeys.manager);
    const onSecond = await connect(urls[1]!, tenant.apiKeys.manager);
    await publishScoreChange(redis, first.prefix, change(1));
    await publishScoreChange(redis, first.prefix, change(2));
    await eventually(async () =>
      onFirst.received.length === 2 && onSecond.received.length === 2 ? true : undefined,
    );
    expect(totals(onSecond.received)).toEqual([1, 2]);
    await onSecond.close();

    const lastSeen = onFirst.received.at(-1)!.id;
    await onFirst.close();
    await publishScoreChange(redis, first.prefix, change(3));
    await publishScoreChange(redis, first.prefix, change(4));

    // Reconnect to the other instance with the last id seen: the two missed changes, then live ones.
    const resumed = await connect(urls[1]!, tenant.apiKeys.manager, lastSeen);
    await publishScoreChange(redis, first.prefix, change(5));
    await eventually(async () => (resumed.received.length >= 3 ? true : undefined));
    expect(totals(resumed.received)).toEqual([3, 4, 5]);
    await resumed.close();
  });

  it("answers 404 for another organisation's stream", async () => {
    const other = await createTenant(first.db, first.secretBox, 'Other stream org');
    const response = await fetch(`${urls[0]}/v1/orgs/${tenant.orgId}/scores/stream`, {
      headers: { authorization: `Bearer ${other.apiKeys.manager}` },
    });
    expect(response.status).toBe(404);
  });

  it('serves many streams of one API instance through one Redis connection', async () => {
    // Counted in this process (both API instances run here), so other suites sharing Redis do not blur it.
    const redisPort = Number(new URL(redisUrl).port || 6379);
    const redisSockets = () =>
      (process as unknown as { _getActiveHandles(): unknown[] })
        ._getActiveHandles()
        .filter((handle) => handle instanceof Socket && handle.remotePort === redisPort && !handle.destroyed)
        .length;
    const warm = await connect(urls[0]!, tenant.apiKeys.manager);
    const before = redisSockets();
    const streams = await Promise.all(
      Array.from({ length: 20 }, () => connect(urls[0]!, tenant.apiKeys.manager)),
    );
    expect(redisSockets()).toBe(before);
    await publishScoreChange(redis, first.prefix, change(6));
    await eventually(async () =>
      streams.every((stream) => totals(stream.received).includes(6)) ? true : undefined,
    );
    await Promise.all([warm, ...streams].map((stream) => stream.close()));
  });
});

describe('a score connection whose client reads slowly', () => {
  it('buffers a bounded amount, then catches up from the stream without a gap', async () => {
    const prefix = `${first.prefix}:slow`;
    const key = scoreStreamKey(prefix, tenant.orgId);
    const hub = new ScoreHub(redis, first.app.log);
    const connection = await ScoreConnection.open({ hub, redis, key, cursor: '0-0', retryMs: 2000 });
    try {
      const padding = 'x'.repeat(2_000);
      const published: string[] = [];
      for (let total = 1; total <= 400; total++) {
        const event = { ...change(total), elements: [{ ...change(total).elements[0]!, name: padding }] };
        published.push(await publishScoreChange(redis, prefix, event));
      }
      // ~800 KB published while nobody reads: the hub has handed it over, the connection took one buffer.
      await eventually(async () =>
        connection.readableLength >= SCORE_STREAM_BUFFER_BYTES ? true : undefined,
      );
      expect(connection.readableLength).toBeLessThan(SCORE_STREAM_BUFFER_BYTES + 4_000);

      const ids: string[] = [];
      let text = '';
      connection.on('data', (chunk: string) => {
        text += chunk;
        for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
          const id = /^id: (.+)$/m.exec(text.slice(0, end))?.[1];
          if (id) ids.push(id);
          text = text.slice(end + 2);
        }
      });
      await eventually(async () => (ids.length >= published.length ? true : undefined));
      expect(ids).toEqual(published);
    } finally {
      connection.destroy();
      await hub.close();
      await redis.del(key);
    }
  });
});
