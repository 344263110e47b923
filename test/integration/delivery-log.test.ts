import { findSource, type Source } from '@cxloop/db';
import { createLogger } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../services/api/src/ingest/delivery-log.js';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;
let source: Source;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Delivery log org');
  source = (await findSource(api.db, tenant.orgId, tenant.sourceId))!;
});
afterAll(async () => {
  await api.close();
});

const logged = (sourceId: string) =>
  api.db
    .selectFrom('source_deliveries')
    .selectAll()
    .where('source_id', '=', sourceId)
    .orderBy('seq')
    .execute();

const accepted = (n: number) => ({ status: 202, outcome: 'accepted' as const, acceptedEvents: n });

describe('DeliveryLog (entries written behind the deliveries)', () => {
  it('writes what it holds within its interval without anyone asking', async () => {
    const log = new DeliveryLog(api.db, createLogger('delivery-log-test', 'silent'));
    log.record(source, 10, new Date(), accepted(1));
    log.record(source, 20, new Date(), { status: 401, outcome: 'rejected', reason: 'bad_signature' });
    await expect.poll(() => logged(source.id), { timeout: 2_000, interval: 20 }).toHaveLength(2);
    const row = await findSource(api.db, tenant.orgId, source.id);
    expect(row).toMatchObject({ accepted_count: '1', rejected_count: '1', last_error: 'bad_signature' });
  });

  it('flush writes every entry recorded before it, in order, across sources', async () => {
    const other = await createTenant(api.db, api.secretBox, 'Delivery log org 2');
    const otherSource = (await findSource(api.db, other.orgId, other.sourceId))!;
    const log = new DeliveryLog(api.db, createLogger('delivery-log-test', 'silent'));
    const before = (await logged(source.id)).length;
    for (let n = 1; n <= 5; n++) log.record(source, n, new Date(), accepted(n));
    log.record(otherSource, 1, new Date(), accepted(1));
    await log.flush();
    const rows = await logged(source.id);
    expect(rows.slice(before).map((row) => row.size_bytes)).toEqual([1, 2, 3, 4, 5]);
    expect(await logged(otherSource.id)).toHaveLength(1);
    // Nothing held back: a second flush has nothing to add.
    await log.flush();
    expect(await logged(source.id)).toHaveLength(rows.length);
  });
});
