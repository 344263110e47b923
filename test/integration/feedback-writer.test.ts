import { randomUUID } from 'node:crypto';
import { FeedbackWriter } from '@cxloop/api/feedback-writer';
import { type Db, type FeedbackToStore, storeFeedbackBatch } from '@cxloop/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox);
});
afterAll(async () => {
  await api.close();
});

function row(externalId: string, sourceId = tenant.sourceId): FeedbackToStore {
  return {
    org_id: tenant.orgId,
    source_id: sourceId,
    channel: 'web',
    external_id: externalId,
    customer_ref: null,
    text: `feedback ${externalId}`,
    metadata: JSON.stringify({}),
    occurred_at: new Date(),
  };
}

describe('FeedbackWriter (group commit of concurrent deliveries)', () => {
  it('gives each of many concurrent deliveries exactly its own committed rows', async () => {
    const writer = new FeedbackWriter(api.db);
    const deliveries = Array.from({ length: 40 }, (_, d) =>
      Array.from({ length: (d % 3) + 1 }, (_, e) => `gc-${d}-${e}-${randomUUID()}`),
    );
    const results = await Promise.all(deliveries.map((ids) => writer.store(ids.map((id) => row(id)))));
    results.forEach((stored, d) => {
      expect(stored.map((entry) => entry.externalId)).toEqual(deliveries[d]);
      expect(stored.every((entry) => entry.created)).toBe(true);
    });
    const ids = results.flat().map((entry) => entry.id);
    const rows = await api.db
      .selectFrom('feedback')
      .select(['id', 'external_id'])
      .where('id', 'in', ids)
      .execute();
    expect(rows).toHaveLength(deliveries.flat().length);
    for (const entry of results.flat()) {
      expect(rows.find((r) => r.id === entry.id)?.external_id).toBe(entry.externalId);
    }
  });

  it('creates a repeated external id once, whichever deliveries share the statement', async () => {
    const writer = new FeedbackWriter(api.db);
    const externalId = `same-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 10 }, () => writer.store([row(externalId)])));
    expect(new Set(results.map(([entry]) => entry!.id)).size).toBe(1);
    expect(results.filter(([entry]) => entry!.created)).toHaveLength(1);
  });

  it('fails only the delivery whose rows cannot be stored', async () => {
    const writer = new FeedbackWriter(api.db);
    const good = Array.from({ length: 5 }, () => `ok-${randomUUID()}`);
    const outcomes = await Promise.allSettled([
      ...good.map((id) => writer.store([row(id)])),
      // A source that does not exist violates the foreign key.
      writer.store([row(`orphan-${randomUUID()}`, randomUUID())]),
    ]);
    expect(outcomes.slice(0, 5).map((o) => o.status)).toEqual(Array(5).fill('fulfilled'));
    expect(outcomes[5]!.status).toBe('rejected');
    const stored = await api.db
      .selectFrom('feedback')
      .select('external_id')
      .where('external_id', 'in', good)
      .execute();
    expect(stored).toHaveLength(5);
  });

  it('writes a delivery at once when nothing is in flight, and fills the next statement while one is', async () => {
    const statements: number[] = [];
    const countingStore = (db: Db, rows: readonly FeedbackToStore[]) => {
      statements.push(rows.length);
      return storeFeedbackBatch(db, rows);
    };
    const writer = new FeedbackWriter(api.db, countingStore);
    const first = writer.store([row(`fill-${randomUUID()}`)]);
    // Started synchronously: a lone delivery does not wait for company.
    expect(statements).toEqual([1]);
    const followers = Array.from({ length: 10 }, () => writer.store([row(`fill-${randomUUID()}`)]));
    // Fewer rows than a filled statement holds: they wait (at most a few milliseconds) instead of each
    // taking a free connection for a statement of one row.
    expect(statements).toEqual([1]);
    const large = writer.store(Array.from({ length: 40 }, () => row(`fill-${randomUUID()}`)));
    // Enough rows to fill a statement: it starts without waiting, taking the ten queued before it along.
    expect(statements).toEqual([1, 50]);
    await Promise.all([first, ...followers, large]);
    expect(statements).toEqual([1, 50]);
  });

  it('writes what waited for company after a few milliseconds, while the statement before is still in flight', async () => {
    const statements: number[] = [];
    // The first statement stays in flight until the test lets it go.
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const slowFirstStore = async (db: Db, rows: readonly FeedbackToStore[]) => {
      statements.push(rows.length);
      if (statements.length === 1) await firstHeld;
      return storeFeedbackBatch(db, rows);
    };
    const writer = new FeedbackWriter(api.db, slowFirstStore);
    let firstDone = false;
    const first = writer.store([row(`wait-${randomUUID()}`)]).then(() => {
      firstDone = true;
    });
    await Promise.all(Array.from({ length: 3 }, () => writer.store([row(`wait-${randomUUID()}`)])));
    expect(statements).toEqual([1, 3]);
    expect(firstDone).toBe(false);
    releaseFirst();
    await first;
  });
});
