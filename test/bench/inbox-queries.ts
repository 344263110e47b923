import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  caseWatermark,
  countCaseViews,
  createDb,
  createOrganisation,
  createSource,
  listCases,
  openStatuses,
} from '@cxloop/db';
import { sql } from 'kysely';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { describeMachine, median } from './machine.js';

/**
 * `node --import tsx test/bench/inbox-queries.ts`: what an open inbox costs the database with CASES open
 * cases in one organisation (the flood was ~318 k): one page of the list at page 1 and page 4 (case
 * 200) in each sort, with the lead feedback's text and the assignee joined; the view counts; the watermark
 * an open inbox polls every 4 s. Cases and their feedback are bulk-loaded with INSERT … SELECT
 * generate_series. Prints the median of RUNS timed runs after a warm-up and writes
 * test/bench/results/inbox-queries.json.
 */
const CASES = Number(process.env.INBOX_CASES ?? 300_000);
const RUNS = Math.max(5, Number(process.env.INBOX_RUNS ?? 9));

async function timed(run: () => Promise<unknown>): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return Number(median(samples).toFixed(2));
}

async function main() {
  const database = await createTestDatabase(`cxloop_bench_inbox_${randomBytes(4).toString('hex')}`);
  const db = createDb(database.url, { maxConnections: 2 });
  try {
    const machine = await describeMachine(db);
    const org = await createOrganisation(db, 'Inbox bench');
    const source = await createSource(db, {
      orgId: org.id,
      name: 'web',
      channel: 'web',
      adapter: 'generic',
      secretCiphertext: 'unused',
    });
    const loadStarted = performance.now();
    await sql`insert into feedback (org_id, source_id, channel, external_id, customer_ref, text, metadata,
        occurred_at, received_at, status)
      select ${org.id}::uuid, ${source.id}::uuid, 'web', 'bench-' || n, 'customer-' || n,
        'The delivery was late again and nobody answers, case ' || n, '{}'::jsonb,
        now() - (n || ' seconds')::interval, now() - (n || ' seconds')::interval, 'analysed'
      from generate_series(1, ${CASES}) as n`.execute(db);
    await sql`insert into feedback_analysis (feedback_id, feedback_received_at, org_id, analyser_version,
        language, sentiment_score, sentiment_label, severity, urgency, details, redacted_text)
      select id, received_at, org_id, 'bench', 'en', -0.6, 'negative', 'high', 0.7, '{}'::jsonb, text
      from feedback where org_id = ${org.id}`.execute(db);
    await sql`insert into cases (org_id, feedback_id, feedback_received_at, source_id, channel, customer_ref,
        severity, urgency, priority, flag_codes, topics, dismiss_reason, team_id, assignee_id, opened_at,
        first_response_due_at, resolution_due_at)
      select org_id, id, received_at, source_id, channel, customer_ref,
        (array['low', 'medium', 'high', 'critical'])[1 + (hashtext(id::text) & 3)], 0.5,
        1 + (hashtext(id::text) & 3), '{churn_threat}', '{}', null, null, null, received_at,
        received_at + interval '4 hours', received_at + interval '2 days'
      from feedback where org_id = ${org.id}`.execute(db);
    await sql`analyze`.execute(db);
    const loadSeconds = Number(((performance.now() - loadStarted) / 1000).toFixed(1));
    const caller = { memberId: null, teamIds: [] };
    const figures: Record<string, number> = {};
    for (const sort of ['priority', 'due', 'newest'] as const) {
      for (const [label, offset] of [
        ['page 1', 0],
        ['page 4', 150],
      ] as const) {
        figures[`list ${sort} ${label}`] = await timed(() =>
          listCases(db, org.id, { status: openStatuses }, { limit: 50, offset, sort, now: new Date() }),
        );
      }
    }
    figures['list at_risk page 1'] = await timed(() =>
      listCases(db, org.id, { sla: 'at_risk' }, { limit: 50, offset: 0, now: new Date() }),
    );
    figures['view counts'] = await timed(() => countCaseViews(db, org.id, caller, new Date()));
    figures.watermark = await timed(() => caseWatermark(db, org.id));
    const report = { cases: CASES, runs: RUNS, loadSeconds, medianMs: figures, machine };
    process.stdout.write(`inbox queries at ${CASES} open cases (median of ${RUNS}, ms)\n`);
    for (const [name, ms] of Object.entries(figures)) process.stdout.write(`  ${name.padEnd(26)} ${ms}\n`);
    process.stdout.write(`  load average at start     ${machine.loadAverageAtStart} (shared machine)\n`);
    mkdirSync('test/bench/results', { recursive: true });
    writeFileSync('test/bench/results/inbox-queries.json', `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await db.destroy();
    await dropTestDatabase(database.name);
  }
}

await main();
