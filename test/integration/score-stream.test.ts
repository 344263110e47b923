import type { AddressInfo } from 'node:net';
import type { ScoreChangeEvent } from '@cxloop/contracts';
import { publishScoreChange, redisOptions } from '@cxloop/runtime';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
