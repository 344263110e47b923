/**
 * Issue 23, items 14 and 15: an import judges every row (good rows stored, bad rows reported by line, never a
 * 500 after a partial commit), and one endless line costs neither quadratic time nor unbounded memory.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importFeedback } from '@cxloop/api';
import { findSourceForDelivery, type Source } from '@cxloop/db';
import { createLogger } from '@cxloop/runtime';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createSignedSource,
  createTenant,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Hostile import org');
});
afterAll(async () => {
  await api.close();
});

async function newSource(): Promise<Source> {
  const { sourceId } = await createSignedSource(api.db, api.secretBox, tenant.orgId, { name: 'Import' });
  const source = await findSourceForDelivery(api.db, sourceId);
  if (!source) throw new Error('source not created');
  return source;
}

const importDeps = () => ({
  db: api.db,
  analyzeQueue: api.analyzeQueue,
  log: createLogger('import', 'silent'),
});

function postImport(sourceId: string, body: string) {
  return api.app.inject({
    method: 'POST',
    url: `/v1/sources/${sourceId}/imports`,
    headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, 'content-type': 'application/x-ndjson' },
    payload: body,
  });
}

const row = (index: number, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ externalId: `row-${index}`, text: `Row ${index} was fine`, ...overrides });

describe('item 14: every row judged', () => {
  it('600 rows with a NUL in an id on line 551 and in a text on line 552: 599 stored, line 551 reported', async () => {
    const source = await newSource();
    const lines = Array.from({ length: 600 }, (_, index) =>
      index === 550
        ? row(index, { externalId: 'row-\u0000551' })
        : index === 551
          ? row(index, { text: 'nul\u0000 in text' })
          : row(index),
    );
    const response = await postImport(source.id, lines.join('\n'));
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.json()).toMatchObject({
      rows: 600,
      created: 599,
      rejected: 1,
      errors: [{ line: 551, path: '/externalId' }],
    });
    expect(await countFeedback(api.db, source.id)).toBe(599);
    const cleaned = await api.db
      .selectFrom('feedback')
      .select('text')
      .where('source_id', '=', source.id)
      .where('external_id', '=', 'row-551')
      .executeTakeFirstOrThrow();
    expect(cleaned.text).toBe('nul in text');
  });

  it('a row PostgreSQL refuses costs only that row: the rest of its batch is stored', async () => {
    const source = await newSource();
    const poison = `refused by a check ${randomUUID()}`;
    const constraint = sql.id(`hostile_import_${randomUUID().slice(0, 8)}`);
    // A real refusal by the database, for one row only (the schema lets every value through).
    await sql`alter table feedback add constraint ${constraint} check (text <> ${sql.lit(poison)})`.execute(
      api.db,
    );
    try {
      const lines = Array.from({ length: 20 }, (_, index) => row(index, index === 6 ? { text: poison } : {}));
      const report = await importFeedback(importDeps(), source, Readable.from([lines.join('\n')]), 'ndjson');
      expect(report).toMatchObject({ rows: 20, created: 19, rejected: 1, errors: [{ line: 7, path: '/' }] });
      expect(await countFeedback(api.db, source.id)).toBe(19);
    } finally {
      await sql`alter table feedback drop constraint ${constraint}`.execute(api.db);
    }
  });

  it('a stream that fails after a committed batch is answered with which lines are stored, not a bare error', async () => {
    const source = await newSource();
    const failing = new Readable({ read() {} });
    for (let index = 0; index < 250; index++) failing.push(`${row(index)}\n`);
    const outcome = importFeedback(importDeps(), source, failing, 'ndjson', { batchSize: 100 });
    setTimeout(() => failing.destroy(new Error('connection reset by peer')), 50);
    await expect(outcome).rejects.toMatchObject({
      status: 503,
      code: 'import_interrupted',
      detail: expect.stringMatching(/^lines 1–200 are stored \(200 new, 0 already stored, 0 refused\)/),
    });
    expect(await countFeedback(api.db, source.id)).toBe(200);
  });
});

// A collectable heap makes "memory is released" measurable: heapUsed after a full GC is what is retained.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const retainedHeap = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

describe('item 15: one endless line', () => {
  it('a 48 MB line is refused by line, read in bounded memory, and the rows around it are stored', async () => {
    const source = await newSource();
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const chunks = (48 * 1024 * 1024) / chunk.length;
    const baseline = retainedHeap();
    let peak = baseline;
    let sent = 0;
    const input = new Readable({
      read() {
        if (sent === 0) this.push(`${row(1)}\n{"externalId":"long","text":"`);
        if (sent < chunks) {
          if (sent % 64 === 63) peak = Math.max(peak, retainedHeap());
          this.push(chunk);
        } else if (sent === chunks) this.push(`"}\n${row(3)}\n`);
        else this.push(null);
        sent += 1;
      },
    });
    const report = await importFeedback(importDeps(), source, input, 'ndjson');
    expect(report).toMatchObject({
      rows: 3,
      created: 2,
      rejected: 1,
      errors: [{ line: 2, path: '/', message: 'longer than 1048576 bytes; the line was skipped' }],
    });
    // Held whole, the line alone retains 48 MB; bounded, at most the 1 MiB cap and a chunk or two.
    expect((peak - baseline) / 2 ** 20).toBeLessThan(16);
  });
});
