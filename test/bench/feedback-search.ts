import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  countFeedback,
  createOrganisation,
  createSource,
  type FeedbackCursor,
  type FeedbackFilter,
  type FeedbackOrder,
  searchFeedback,
} from '@cxloop/db';
import { sql } from 'kysely';
import { dropTestDatabase } from '../support/test-database.js';
import { startBenchRun } from './bench-run.js';
import { describeMachine, median } from './machine.js';

/**
 * `pnpm bench:search`: the feedback list's word search and counts at SEARCH_TOTAL feedback rows (default
 * 200 k), as the API runs them (searchFeedback + countFeedback, one page of 50 and the total), for a manager
 * (redacted-text index) and an admin (original-text index); and the CSV export's read path (every match in
 * 500-row keyset batches). Rows are bulk-loaded with generate_series from a small vocabulary, so common and
 * rare words both occur. Prints the median of RUNS timed runs after a warm-up, and writes
 * test/bench/results/feedback-search.json.
 */
const TOTAL = Number(process.env.SEARCH_TOTAL ?? 200_000);
const RUNS = Math.max(5, Number(process.env.SEARCH_RUNS ?? 7));
const PAGE = 50;
const EXPORT_BATCH = 500;

const { database, db } = await startBenchRun({ maxConnections: 4 });

// Sentences of a furniture retailer's feedback: "refund" is in 1 of 7, "bookcase" in 1 of 11, both in 1 of 77.
const OPENINGS = [
  'I asked for a refund',
  'The delivery was late',
  'Lovely staff in the store',
  'The app kept crashing',
  'Parking was easy',
  'Nobody called me back',
  'The price was fair',
];
const OBJECTS = [
  'and the bookcase arrived broken',
  'for the sofa',
  'about the wardrobe doors',
  'with the kitchen fitting',
  'for my dining table',
  'and the mattress smelled',
  'for two chairs',
  'about the lamp',
  'and the desk was scratched',
  'with the bed frame',
  'for the rug',
];

async function load() {
  const org = await createOrganisation(db, 'Search bench');
  const source = await createSource(db, {
    orgId: org.id,
    name: 'web',
    channel: 'web',
    adapter: 'generic',
    secretCiphertext: 'unused',
  });
  const started = performance.now();
  await sql`insert into feedback (org_id, source_id, channel, external_id, text, metadata, occurred_at,
      received_at, status, analysed_at, aggregated_at)
    select ${org.id}::uuid, ${source.id}::uuid, 'web', 'bench-' || n,
      (${sql.val(OPENINGS)}::text[])[1 + n % 7] || ' ' || (${sql.val(OBJECTS)}::text[])[1 + n % 11]
        || '. Write to customer' || n || '@example.com',
      '{}'::jsonb, now() - (n % 90) * interval '1 day', now() - (n % 90) * interval '1 day', 'analysed',
      now(), now()
    from generate_series(1, ${TOTAL}) as n`.execute(db);
  await sql`insert into feedback_analysis (feedback_id, feedback_received_at, org_id, analyser_version, language,
      sentiment_score, sentiment_label, severity, urgency, details, redacted_text)
    select id, received_at, org_id, 'bench', 'en', 0, 'neutral', 'none', 0, '{"topics": []}'::jsonb,
      regexp_replace(text, '\\S+@\\S+', '[EMAIL]')
    from feedback where org_id = ${org.id}`.execute(db);
  await sql`analyze feedback`.execute(db);
  await sql`analyze feedback_analysis`.execute(db);
  return { orgId: org.id, loadSeconds: (performance.now() - started) / 1000 };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return Number(median(times).toFixed(1));
}

/** What `GET /v1/feedback` does: one page in its order, and the total, side by side. */
const listPage = (orgId: string, filter: FeedbackFilter, order: FeedbackOrder) => () =>
  Promise.all([searchFeedback(db, orgId, filter, { limit: PAGE, order }), countFeedback(db, orgId, filter)]);

/** What the CSV export reads: every match, a keyset batch at a time. */
async function readAll(orgId: string, filter: FeedbackFilter): Promise<number> {
  let after: FeedbackCursor | undefined;
  let rows = 0;
  for (;;) {
    const page = await searchFeedback(db, orgId, filter, { limit: EXPORT_BATCH, after, order: 'newest' });
    rows += page.rows.length;
    const last = page.rows.at(-1);
    if (page.rows.length < EXPORT_BATCH || !last) return rows;
    after = { occurredAt: last.occurred_at, id: last.id };
  }
}

try {
  const machine = await describeMachine(db);
  const { orgId, loadSeconds } = await load();
  const manager = (text: string): FeedbackFilter => ({ text, textScope: 'redacted' });
  const admin = (text: string): FeedbackFilter => ({ text, textScope: 'original' });
  const matches = {
    twoWords: await countFeedback(db, orgId, manager('refund bookcase')),
    commonWord: await countFeedback(db, orgId, manager('delivery')),
  };
  const exportFilter = manager('bookcase');
  const exportStarted = performance.now();
  const exportedRows = await readAll(orgId, exportFilter);
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  const figures = {
    newestPageAndTotalMs: await timed(listPage(orgId, {}, 'newest')),
    managerTwoWordsRankedMs: await timed(listPage(orgId, manager('refund bookcase'), 'relevance')),
    adminTwoWordsRankedMs: await timed(listPage(orgId, admin('refund bookcase'), 'relevance')),
    managerCommonWordRankedMs: await timed(listPage(orgId, manager('delivery'), 'relevance')),
    managerCommonWordNewestMs: await timed(listPage(orgId, manager('delivery'), 'newest')),
    exportReadRowsPerSecond: Math.round(exportedRows / exportSeconds),
  };
  const report = {
    benchmark: 'feedback-search',
    machine: { ...machine, shared: 'yes: up to 9 engineers on 2 cores' },
    feedbackRows: TOTAL,
    runs: RUNS,
    loadSeconds: Number(loadSeconds.toFixed(1)),
    matches: { ...matches, exported: exportedRows },
    figures,
  };
  console.log(JSON.stringify(report, null, 2));
  mkdirSync('test/bench/results', { recursive: true });
  writeFileSync('test/bench/results/feedback-search.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote test/bench/results/feedback-search.json');
} finally {
  await db.destroy();
  await dropTestDatabase(database.name);
}
