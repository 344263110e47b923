import { randomBytes, randomUUID } from 'node:crypto';
import { createDb, ensureFeedbackPartitions, type FeedbackToStore, storeFeedbackBatch } from '@cxloop/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox);
});
afterAll(async () => {
  await api.close();
});

function row(externalId: string, receivedAt?: Date): FeedbackToStore {
  return {
    org_id: tenant.orgId,
    source_id: tenant.sourceId,
    channel: 'web',
    external_id: externalId,
    text: `feedback ${externalId}`,
    metadata: JSON.stringify({}),
    occurred_at: receivedAt ?? new Date(),
    ...(receivedAt ? { received_at: receivedAt } : {}),
  };
}

const monthPartition = (at: Date) =>
  `feedback_${at.getUTCFullYear()}_${String(at.getUTCMonth() + 1).padStart(2, '0')}`;

async function partitionOf(id: string): Promise<string> {
  const { rows } = await sql<{ partition: string }>`
    select tableoid::regclass::text as partition from feedback where id = ${id}`.execute(api.db);
  expect(rows).toHaveLength(1);
  return rows[0]!.partition;
}

describe('feedback partitioned by month of receipt', () => {
  it('stores feedback in its month’s partition and history before every month partition in the default', async () => {
    const [now] = await storeFeedbackBatch(api.db, [row(`now-${randomUUID()}`)]);
    expect(await partitionOf(now!.id)).toBe(monthPartition(new Date()));
    const longAgo = new Date(Date.UTC(2019, 4, 17));
    const [old] = await storeFeedbackBatch(api.db, [row(`old-${randomUUID()}`, longAgo)]);
    expect(await partitionOf(old!.id)).toBe('feedback_default');
  });

  it('keeps a feedback, its key and its analysis together when its receipt time moves to another month', async () => {
    const externalId = `moved-${randomUUID()}`;
    const [stored] = await storeFeedbackBatch(api.db, [row(externalId)]);
    const id = stored!.id;
    await api.db
      .insertInto('feedback_analysis')
      .values({
        feedback_id: id,
        org_id: tenant.orgId,
        analyser_version: 'test',
        language: 'en',
        sentiment_score: 0,
        sentiment_label: 'neutral',
        severity: 'none',
        urgency: 0,
        details: JSON.stringify({}),
        redacted_text: 'x',
      })
      .execute();
    const earlier = new Date(Date.now() - 62 * 86_400_000);
    await sql`update feedback set received_at = ${earlier} where id = ${id}`.execute(api.db);

    expect(await partitionOf(id)).not.toBe(monthPartition(new Date()));
    const analysis = await api.db
      .selectFrom('feedback_analysis')
      .select('feedback_received_at')
      .where('feedback_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(analysis.feedback_received_at).toEqual(earlier);
    // The key moved with it: a redelivery is still recognised as the same feedback.
    const [again] = await storeFeedbackBatch(api.db, [row(externalId)]);
    expect(again).toEqual({ id, externalId, created: false });
  });

  it('frees a deleted feedback’s key, so the sender can deliver it again', async () => {
    const externalId = `erased-${randomUUID()}`;
    const [first] = await storeFeedbackBatch(api.db, [row(externalId)]);
    await api.db.deleteFrom('feedback').where('id', '=', first!.id).execute();
    const [second] = await storeFeedbackBatch(api.db, [row(externalId)]);
    expect(second!.created).toBe(true);
    expect(second!.id).not.toBe(first!.id);
  });

  it('creates missing month partitions ahead, and leaves a month whose rows already sit in the default', async () => {
    // A database of its own: partitions are dropped here.
    const isolated = await createTestDatabase(`cxloop_test_parts_${randomBytes(4).toString('hex')}`);
    const db = createDb(isolated.url, { maxConnections: 1 });
    try {
      const own = await createTenant(db, api.secretBox, 'Partitions org');
      const start = new Date();
      const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
      const inTwoMonths = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 2, 1));
      expect(await ensureFeedbackPartitions(db)).toBe(0);
      for (const month of [nextMonth, inTwoMonths]) {
        await sql`alter table feedback detach partition ${sql.table(monthPartition(month))}`.execute(db);
        await sql`drop table ${sql.table(monthPartition(month))}`.execute(db);
      }
      // Feedback received in two months' time (a clock far off) lands in the default partition meanwhile.
      await storeFeedbackBatch(db, [
        { ...row(`ahead-${randomUUID()}`, inTwoMonths), org_id: own.orgId, source_id: own.sourceId },
      ]);

      expect(await ensureFeedbackPartitions(db)).toBe(1);
      const { rows } = await sql<{ name: string }>`
        select relname as name from pg_class where relname in (${monthPartition(nextMonth)}, ${monthPartition(inTwoMonths)})`.execute(
        db,
      );
      expect(rows.map((r) => r.name)).toEqual([monthPartition(nextMonth)]);
    } finally {
      await db.destroy();
      await dropTestDatabase(isolated.name);
    }
  });
});
