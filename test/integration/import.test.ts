import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importFeedback } from '@cxloop/api';
import { createDb, findSourceForDelivery } from '@cxloop/db';
import { createAnalyzeQueue, createLogger, redisOptions } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  startTestApi,
  type TestApi,
  type TestTenant,
  uniquePrefix,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';
import { createSourceVia } from '../support/sources.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Import org');
});
afterAll(async () => {
  await api.close();
});

// A collectable heap makes "memory stays flat" measurable: heapUsed after a full GC is what is retained.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const retainedHeap = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

const comment =
  'The delivery driver left the parcel in the rain and the box was soaked; support answered after three days ' +
  'and asked for photos I had already sent twice. Refund arrived in the end but the whole thing took too long.';

/** `count` NDJSON rows, generated as the stream is read, so the test itself holds none of them. */
function generatedRows(count: number, onRow: (index: number) => void): Readable {
  let index = 0;
  return new Readable({
    read() {
      for (let n = 0; n < 1_000 && index < count; n++, index++) {
        onRow(index);
        this.push(
          `${JSON.stringify({ externalId: `hist-${index}`, text: `${comment} #${index}`, ratings: { nps: index % 11 }, occurredAt: '2025-06-01T10:00:00Z' })}\n`,
        );
      }
      if (index >= count) this.push(null);
    },
  });
}

describe('bulk import', () => {
  // Two passes of 100k rows (1,000 analysis jobs) beside the rest of the suite: 5-7 s here; the limit leaves
  // room for a much slower machine.
  it('imports 100k rows with flat memory, and a rerun adds nothing', { timeout: 120_000 }, async () => {
    // A database of its own: 100k unanalysed rows in the shared one would be swept by other suites' sweepers.
    const isolated = await createTestDatabase(`cxloop_test_import_${randomBytes(4).toString('hex')}`);
    const db = createDb(isolated.url, { maxConnections: 4 });
    const queuePrefix = uniquePrefix();
    const analyzeQueue = createAnalyzeQueue({ connection: redisOptions(redisUrl), prefix: queuePrefix });
    try {
      const history = await createTenant(db, api.secretBox, 'History org');
      const source = await findSourceForDelivery(db, history.sourceId);
      if (!source) throw new Error('source not created');
      const deps = { db, analyzeQueue, log: createLogger('import-test', 'silent') };
      const rows = 100_000;

      const baseline = retainedHeap();
      let peak = baseline;
      // Sampled as rows are generated (no timers): what the import retains while it is under way.
      const sample = (index: number) => {
        if (index % 10_000 === 5_000) peak = Math.max(peak, retainedHeap());
      };
      const report = await importFeedback(deps, source, generatedRows(rows, sample), 'ndjson');
      expect(report).toEqual({
        rows,
        created: rows,
        duplicates: 0,
        rejected: 0,
        errors: [],
        errorsTruncated: false,
      });
      expect(await countFeedback(db, source.id)).toBe(rows);
      // The 100k rows held at once would retain ~60 MB or more; streamed, a batch or two is all that is held.
      const growthMb = (peak - baseline) / 2 ** 20;
      console.info(`import of ${rows} rows: retained heap grew at most ${growthMb.toFixed(1)} MB`);
      expect(growthMb).toBeLessThan(24);
      // Every created row is queued for analysis once, in jobs of up to MAX_FEEDBACK_PER_JOB rows.
      const queued = (await analyzeQueue.getJobs(['waiting'])).flatMap((job) => job.data.feedbackIds);
      expect(queued).toHaveLength(rows);
      expect(new Set(queued).size).toBe(rows);

      const rerun = await importFeedback(
        deps,
        source,
        generatedRows(rows, () => {}),
        'ndjson',
      );
      expect(rerun).toMatchObject({ rows, created: 0, duplicates: rows, rejected: 0 });
      expect(await countFeedback(db, source.id)).toBe(rows);
    } finally {
      await analyzeQueue.obliterate({ force: true });
      await analyzeQueue.close();
      await db.destroy();
      await dropTestDatabase(isolated.name);
    }
  });

  it('reports bad NDJSON rows by line and keeps the good ones (API, streamed body)', async () => {
    const source = await createSourceVia(api.app, tenant, { name: 'NDJSON import' });
    const body = [
      JSON.stringify({ externalId: 'a-1', text: 'Great service' }),
      '',
      '{"externalId": "a-2", "text": "unterminated',
      JSON.stringify({ externalId: 'a-3', ratings: { nps: 14 } }),
      JSON.stringify({ externalId: 'a-4', text: 'Fine', unit: 'no-such-store' }),
      JSON.stringify({ externalId: 'a-5', ratings: { csat: 2 }, text: 'Slow refund' }),
    ].join('\n');
    const post = () =>
      api.app.inject({
        method: 'POST',
        url: `/v1/sources/${source.id}/imports`,
        headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, 'content-type': 'application/x-ndjson' },
        payload: body,
      });
    const response = await post();
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ rows: 5, created: 2, duplicates: 0, rejected: 3 });
    expect(report.errors).toEqual([
      { line: 3, path: '/', message: expect.stringContaining('not valid JSON') },
      { line: 4, path: '/ratings/nps', message: expect.any(String) },
      { line: 5, path: '/unit', message: 'unknown unit "no-such-store" for this organisation' },
    ]);
    const stored = await api.db
      .selectFrom('feedback')
      .select(['external_id', 'csat'])
      .where('source_id', '=', source.id)
      .orderBy('external_id')
      .execute();
    expect(stored).toEqual([
      { external_id: 'a-1', csat: null },
      { external_id: 'a-5', csat: 2 },
    ]);
    expect((await post()).json()).toMatchObject({ created: 0, duplicates: 2, rejected: 3 });
    // The source's stats count what the import created, once: a rerun's duplicates add nothing.
    const view = await api.app.inject({
      method: 'GET',
      url: `/v1/sources/${source.id}`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    expect(view.json().stats).toMatchObject({ importedCount: 2, acceptedCount: 0 });
  });

  it('imports CSV: named columns to fields, other columns to metadata, malformed records by line', async () => {
    const source = await createSourceVia(api.app, tenant, { name: 'CSV import' });
    const csv = [
      'externalId,text,nps,occurredAt,store_region',
      'c-1,"Queue was long, staff kind",7,2025-05-01T09:00:00Z,north',
      'c-2,Nothing to add,eleven,,south',
      'c-3,one,too,many,columns,here',
      'c-4,,,2025-05-02T09:00:00Z,east',
      ',"No id, content-derived",9,,west',
    ].join('\n');
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/imports`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.created).toBe(2);
    expect(report.errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual(
      expect.arrayContaining([
        [3, '/ratings/nps'],
        [4, '/'],
        [5, '/text'],
      ]),
    );
    const first = await api.db
      .selectFrom('feedback')
      .selectAll()
      .where('source_id', '=', source.id)
      .where('external_id', '=', 'c-1')
      .executeTakeFirstOrThrow();
    expect(first).toMatchObject({
      text: 'Queue was long, staff kind',
      nps: 7,
      metadata: { store_region: 'north' },
    });
    const rerun = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/imports`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(rerun.json()).toMatchObject({ created: 0, duplicates: 2 });
  });

  it('is admin-only and scoped to the caller’s organisation', async () => {
    const other = await createTenant(api.db, api.secretBox, 'Other import org');
    const source = await createSourceVia(api.app, tenant, { name: 'Scoped import' });
    const as = (key: string) =>
      api.app.inject({
        method: 'POST',
        url: `/v1/sources/${source.id}/imports`,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
        payload: JSON.stringify({ externalId: 'x', text: 'hello' }),
      });
    expect((await as(tenant.apiKeys.manager)).statusCode).toBe(403);
    expect((await as(other.apiKeys.admin)).statusCode).toBe(404);
    expect(await countFeedback(api.db, source.id)).toBe(0);
  });

  it('runs from the CLI: pnpm cxloop import --source ID --file F', { timeout: 60_000 }, async () => {
    const source = await createSourceVia(api.app, tenant, { name: 'CLI import' });
    const dir = await mkdtemp(join(tmpdir(), 'cxloop-import-'));
    const file = join(dir, 'history.csv');
    await writeFile(file, 'externalId,text,csat\ncli-1,Friendly staff,5\ncli-2,,9\ncli-3,Long wait,2\n');
    const run = () =>
      promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'services/api/src/cli/main.ts',
          'import',
          '--source',
          source.id,
          '--file',
          file,
          '--json',
        ],
        {
          env: {
            ...process.env,
            DATABASE_URL: inject('databaseUrl'),
            REDIS_URL: redisUrl,
            REDIS_PREFIX: api.prefix,
            CXLOOP_SECRET_KEY: randomBytes(32).toString('hex'),
            LOG_LEVEL: 'warn',
          },
        },
      );
    const first = JSON.parse((await run()).stdout);
    expect(first).toMatchObject({ sourceId: source.id, rows: 3, created: 2, rejected: 1 });
    expect(first.errors).toEqual([{ line: 3, path: '/ratings/csat', message: expect.any(String) }]);
    expect(JSON.parse((await run()).stdout)).toMatchObject({ created: 0, duplicates: 2 });
    expect(await countFeedback(api.db, source.id)).toBe(2);
  });
});
