import { randomUUID } from 'node:crypto';
import {
  countFeedbackBatchIntoRollups,
  type Db,
  type FeedbackToStore,
  findFeedbackForAnalysis,
  type ReceivedRange,
  saveFeedbackAnalyses,
  storeFeedbackBatch,
} from '@cxloop/db';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  plainAnalysis,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Receipt range org');
});
afterAll(async () => {
  await api.close();
});

function row(): FeedbackToStore {
  return {
    org_id: tenant.orgId,
    source_id: tenant.sourceId,
    channel: 'web',
    external_id: `range-${randomUUID()}`,
    customer_ref: null,
    text: 'The courier was late again',
    metadata: JSON.stringify({}),
    occurred_at: new Date(),
  };
}

/**
 * Records the kind of every statement a database handle runs: a look-up that falls back to the id alone runs
 * two, so counting them shows whether the range itself found the row.
 */
function recordingStatements(db: Db): { db: Db; kinds: string[] } {
  const kinds: string[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: ({ node }) => {
      kinds.push(node.kind);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(recorder), kinds };
}

/** A range that misses the feedback: what a job carries after its feedback's receipt time was corrected. */
const stale: ReceivedRange = [new Date('2020-01-01T00:00:00Z'), new Date('2020-01-31T23:59:59Z')];

describe('look-ups of feedback by id within a receipt range', () => {
  it('stores the receipt time of what it created, and not of a redelivery', async () => {
    const first = row();
    const [created] = await storeFeedbackBatch(api.db, [first]);
    expect(created!.receivedAt).toBeInstanceOf(Date);
    const [again] = await storeFeedbackBatch(api.db, [first]);
    expect(again).toMatchObject({ id: created!.id, created: false });
    expect(again!.receivedAt).toBeUndefined();
  });

  it('finds feedback inside its range, and by id alone when the range a job carries misses it', async () => {
    const [stored] = await storeFeedbackBatch(api.db, [row()]);
    const point: ReceivedRange = [stored!.receivedAt!, stored!.receivedAt!];
    const inside = recordingStatements(api.db);
    expect(
      (await findFeedbackForAnalysis(inside.db, tenant.orgId, [stored!.id], point)).map((r) => r.id),
    ).toEqual([stored!.id]);
    // The receipt time the insert returned is the stored one to the millisecond: the range alone found it.
    expect(inside.kinds).toEqual(['SelectQueryNode']);
    const outside = recordingStatements(api.db);
    expect(
      (await findFeedbackForAnalysis(outside.db, tenant.orgId, [stored!.id], stale)).map((r) => r.id),
    ).toEqual([stored!.id]);
    expect(outside.kinds).toEqual(['SelectQueryNode', 'SelectQueryNode']);
  });

  it('counts analysed feedback exactly once, whether its job carries the right range or a stale one', async () => {
    const stored = await storeFeedbackBatch(api.db, [row(), row()]);
    const ids = stored.map((entry) => entry.id);
    await saveFeedbackAnalyses(
      api.db,
      tenant.orgId,
      stored.map((entry) => ({
        ...plainAnalysis(entry.id, tenant.orgId),
        feedback_received_at: entry.receivedAt!,
      })),
    );
    // Saved within the batch's own receipt range: both are marked analysed.
    const analysed = await api.db.selectFrom('feedback').select('status').where('id', 'in', ids).execute();
    expect(analysed.map((r) => r.status)).toEqual(['analysed', 'analysed']);
    const [rightOne, staleOne] = stored;
    const now = new Date();
    const claims = recordingStatements(api.db);
    expect(
      await countFeedbackBatchIntoRollups(claims.db, tenant.orgId, [rightOne!.id], now, [
        rightOne!.receivedAt!,
        rightOne!.receivedAt!,
      ]),
    ).toMatchObject([{ counted: true }]);
    // Claimed by its range: one update of feedback, no second claim by id alone.
    expect(claims.kinds.filter((kind) => kind === 'UpdateQueryNode')).toHaveLength(1);
    expect(
      await countFeedbackBatchIntoRollups(api.db, tenant.orgId, [staleOne!.id], now, stale),
    ).toMatchObject([{ counted: true }]);
    expect(await countFeedbackBatchIntoRollups(api.db, tenant.orgId, ids, now, stale)).toEqual([
      { counted: false },
      { counted: false },
    ]);
    const counted = await api.db
      .selectFrom('feedback')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('id', 'in', ids)
      .where('aggregated_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(counted.n)).toBe(2);
  });
});
