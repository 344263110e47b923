import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createAggregateProcessor, createScoreProcessor } from '@cxloop/aggregation-worker';
import { createAnalyzeProcessor } from '@cxloop/analysis-worker';
import type { FeedbackBatchJob, ScoreJob } from '@cxloop/contracts';
import {
  createDb,
  createOrganisation,
  createSource,
  createUnit,
  defaultCaseRules,
  reviseSettledRollups,
  saveTriageSettings,
} from '@cxloop/db';
import {
  createAggregateQueue,
  createScoreQueue,
  generateSigningSecret,
  redisOptions,
  SecretBox,
} from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { flushRedisPrefix, redisUrl } from '../support/redis.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';
import { channelProfiles, generateFeedbackSample } from './feedback-sample.js';
import { describeMachine, median } from './machine.js';
import { QueryTimer } from './query-times.js';
import {
  addRollupIncrements,
  rollupTableNames,
  verifyCustomerReturnsMatch,
  verifyRollupsMatch,
  windowRollupTableNames,
} from './rollup-sql.js';

/**
 * `pnpm bench:recompute`: one organisation's full score recompute (the `score` job's processor, called
 * directly with a job carrying `{ orgId }`: no queue wait in the figure) at 10 k and at 1 M feedback rows.
 *
 * The first 10 k rows go through the real analysis and aggregate processors (cases opened by triage, rollups
 * counted by the aggregate job). The other 990 k are copies of those rows at other receipt times, bulk-loaded
 * with INSERT … SELECT generate_series together with their analysis and cases; their rollup increments come
 * from one SQL GROUP BY (test/bench/rollup-sql.ts) which is first checked to reproduce exactly what the
 * aggregate processor wrote for the 10 k. Prints the median of RECOMPUTE_RUNS timed runs after a warm-up at
 * each size, and the ratio.
 */
const SAMPLE = Number(process.env.RECOMPUTE_SAMPLE ?? 10_000);
const TOTAL = Number(process.env.RECOMPUTE_TOTAL ?? 1_000_000);
const RUNS = Math.max(5, Number(process.env.RECOMPUTE_RUNS ?? 7));
const UNITS = 4;
const CUSTOMERS = 3_000;
const SPAN_DAYS = 180;
const BULK_CHUNK = 100_000;
const GOAL = 1.5;

const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const prefix = `cxbench:${runId}`;
const database = await createTestDatabase(`cxloop_bench_${runId}`);
const db = createDb(database.url, { maxConnections: 10 });
const redis = new Redis(redisUrl);
const aggregateQueue = createAggregateQueue({ connection: redisOptions(redisUrl), prefix });
const scoreQueue = createScoreQueue({ connection: redisOptions(redisUrl), prefix });
const now = new Date();

/** Processors take a BullMQ job; they only read its data. */
const job = <T>(data: T) => ({ data }) as Job<T>;

async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Cases are opened by the real triage step at analysis time (now); the sample stands for history, so each
 * case moves to its feedback's analysis time (SLA deadlines keep their length), and gets a workflow a
 * response team plausibly gave it: owned within minutes, acknowledged, answered within or after its SLA,
 * mostly resolved, some dismissed. Nothing may lie in the future.
 */
async function backdateSampleCases(orgId: string) {
  await sql`update cases c set
      opened_at = f.analysed_at,
      first_response_due_at = f.analysed_at + (c.first_response_due_at - c.opened_at),
      resolution_due_at = f.analysed_at + (c.resolution_due_at - c.opened_at)
    from feedback f where f.id = c.feedback_id and c.org_id = ${orgId}`.execute(db);
  await sql`select setseed(0.42)`.execute(db);
  await sql`with roll as (select id, random() as r, random() as s from cases where org_id = ${orgId})
    update cases c set
      first_assigned_at = c.opened_at + interval '15 minutes' * roll.s,
      acknowledged_at = c.opened_at + interval '40 minutes' * roll.s,
      first_response_at = c.opened_at + (c.first_response_due_at - c.opened_at) * (0.2 + 1.3 * roll.s),
      closed_at = case when roll.r < 0.85 then c.opened_at + (c.resolution_due_at - c.opened_at) * (0.3 + roll.s) end,
      status = case when roll.r < 0.1 then 'dismissed' when roll.r < 0.85 then 'resolved' else 'in_progress' end,
      dismiss_reason = case when roll.r < 0.1 then 'not actionable' end
    from roll where roll.id = c.id`.execute(db);
  await capCaseTimesAtNow(orgId);
}

/** A case whose (shifted) workflow would go on after now is still under way: it keeps only what happened. */
async function capCaseTimesAtNow(orgId: string) {
  const at = now.toISOString();
  await sql`update cases set
      status = case
        when closed_at <= ${at} then status
        when first_response_at <= ${at} then 'in_progress'
        when acknowledged_at <= ${at} then 'acknowledged'
        else 'new' end,
      dismiss_reason = case when closed_at <= ${at} then dismiss_reason end,
      closed_at = case when closed_at <= ${at} then closed_at end,
      first_response_at = case when first_response_at <= ${at} then first_response_at end,
      acknowledged_at = case when acknowledged_at <= ${at} then acknowledged_at end,
      first_assigned_at = case when first_assigned_at <= ${at} then first_assigned_at end
    where org_id = ${orgId} and (closed_at > ${at} or first_response_at > ${at} or acknowledged_at > ${at}
      or first_assigned_at > ${at})`.execute(db);
}

async function loadSample(orgId: string, unitIds: string[], sourceIds: Map<string, string>) {
  const sample = generateFeedbackSample({
    count: SAMPLE,
    units: UNITS,
    customers: CUSTOMERS,
    spanDays: SPAN_DAYS,
    now,
  });
  const stored: { id: string; lagMs: number }[] = [];
  for (let start = 0; start < sample.length; start += 1_000) {
    const batch = sample.slice(start, start + 1_000);
    const rows = await db
      .insertInto('feedback')
      .values(
        batch.map((row, i) => ({
          org_id: orgId,
          unit_id: row.unitIndex === null ? null : unitIds[row.unitIndex]!,
          source_id: sourceIds.get(row.channel)!,
          channel: row.channel,
          external_id: `sample-${start + i}`,
          customer_ref: row.customerRef,
          text: row.text,
          nps: row.nps,
          csat: row.csat,
          ces: row.ces,
          touchpoint: row.touchpoint,
          locale: 'en',
          metadata: JSON.stringify(row.metadata),
          occurred_at: row.receivedAt,
          received_at: row.receivedAt,
        })),
      )
      .returning('id')
      .execute();
    for (const [i, row] of rows.entries()) stored.push({ id: row.id, lagMs: batch[i]!.analysisLagMs });
  }
  const analyse = createAnalyzeProcessor({ db, aggregateQueue });
  const aggregate = createAggregateProcessor({ db, scoreQueue });
  await inPool(stored, 8, async ({ id, lagMs }) => {
    await analyse(job<FeedbackBatchJob>({ feedbackIds: [id], orgId }));
    // Analysed then, as it would have been when it arrived: the lag histogram is counted from this.
    await sql`update feedback set analysed_at = received_at + make_interval(secs => ${lagMs / 1000})
      where id = ${id}`.execute(db);
    await aggregate(job<FeedbackBatchJob>({ feedbackIds: [id], orgId }));
  });
  await backdateSampleCases(orgId);
}

/** Copies of the sample rows at random receipt times within the span, up to `total` rows. */
async function bulkLoad(orgId: string, total: number) {
  await sql`create unlogged table bench_template as
    select row_number() over (order by id) - 1 as n, id from feedback where org_id = ${orgId}`.execute(db);
  await sql`create unlogged table bench_bulk (id uuid primary key, template_id uuid not null,
    received_at timestamptz not null)`.execute(db);
  const templates = SAMPLE;
  // Visit chains are rebuilt in one pass at the end instead of linked visit by visit (the product's
  // trigger); the sample verified that both give the same rows.
  await sql`alter table customer_days disable trigger customer_days_into_returns`.execute(db);
  for (let from = templates; from < total; from += BULK_CHUNK) {
    const to = Math.min(total, from + BULK_CHUNK) - 1;
    await db.connection().execute(async (conn) => {
      await sql`truncate bench_bulk`.execute(conn);
      await sql`insert into bench_bulk
        select gen_random_uuid(), t.id,
          date_trunc('milliseconds', ${now.toISOString()}::timestamptz - random() * interval '${sql.raw(String(SPAN_DAYS))} days')
        from generate_series(${from}::int, ${to}::int) g join bench_template t on t.n = g % ${templates}`.execute(
        conn,
      );
      await sql`insert into feedback (id, org_id, unit_id, source_id, channel, external_id, customer_ref, text,
          nps, csat, ces, touchpoint, locale, metadata, occurred_at, received_at, status, analysed_at, aggregated_at)
        select b.id, t.org_id, t.unit_id, t.source_id, t.channel, 'bulk-' || b.id, t.customer_ref, t.text,
          t.nps, t.csat, t.ces, t.touchpoint, t.locale, t.metadata, b.received_at, b.received_at, 'analysed',
          b.received_at + (t.analysed_at - t.received_at),
          b.received_at + (t.analysed_at - t.received_at) + interval '1 second'
        from bench_bulk b join feedback t on t.id = b.template_id`.execute(conn);
      await sql`insert into feedback_analysis (feedback_id, org_id, analyser_version, language, sentiment_score,
          sentiment_label, severity, urgency, details, redacted_text, analysed_at)
        select b.id, a.org_id, a.analyser_version, a.language, a.sentiment_score, a.sentiment_label, a.severity,
          a.urgency, a.details, a.redacted_text, b.received_at + (t.analysed_at - t.received_at)
        from bench_bulk b join feedback t on t.id = b.template_id join feedback_analysis a on a.feedback_id = t.id`.execute(
        conn,
      );
      await sql`insert into cases (org_id, feedback_id, source_id, unit_id, channel, customer_ref, severity, urgency, priority,
          flag_codes, topics, status, dismiss_reason, team_id, assignee_id, opened_at, first_response_due_at,
          resolution_due_at, acknowledged_at, first_assigned_at, first_response_at, closed_at, updated_at)
        select c.org_id, b.id, c.source_id, c.unit_id, c.channel, c.customer_ref, c.severity, c.urgency, c.priority,
          c.flag_codes, c.topics, c.status, c.dismiss_reason, c.team_id, c.assignee_id,
          c.opened_at + (b.received_at - t.received_at), c.first_response_due_at + (b.received_at - t.received_at),
          c.resolution_due_at + (b.received_at - t.received_at), c.acknowledged_at + (b.received_at - t.received_at),
          c.first_assigned_at + (b.received_at - t.received_at), c.first_response_at + (b.received_at - t.received_at),
          c.closed_at + (b.received_at - t.received_at), c.updated_at
        from bench_bulk b join feedback t on t.id = b.template_id join cases c on c.feedback_id = t.id`.execute(
        conn,
      );
      await sql`insert into case_feedback (feedback_id, case_id, org_id, relation)
        select c.feedback_id, c.id, c.org_id, 'opened' from cases c join bench_bulk b on b.id = c.feedback_id`.execute(
        conn,
      );
      await addRollupIncrements(conn, orgId, sql`f.id in (select id from bench_bulk)`);
    });
    process.stdout.write(`  bulk-loaded ${to + 1} rows\n`);
  }
  await sql`alter table customer_days enable trigger customer_days_into_returns`.execute(db);
  await sql`select cxloop_rebuild_customer_returns(${orgId})`.execute(db);
  // Rows of past days were added, as an import would: kept settled-day sums no longer hold.
  await reviseSettledRollups(db, orgId);
  await capCaseTimesAtNow(orgId);
  await sql`drop table bench_bulk`.execute(db);
  await sql`drop table bench_template`.execute(db);
}

async function counts(orgId: string) {
  const count = async (table: string) => {
    const result = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
      where org_id = ${orgId}`.execute(db);
    return Number(result.rows[0]!.n);
  };
  const rollups: Record<string, number> = {};
  for (const table of [...rollupTableNames, ...windowRollupTableNames]) rollups[table] = await count(table);
  return { feedback: await count('feedback'), cases: await count('cases'), rollups };
}

/** Median time of `RUNS` recomputes, each after `before()` (untimed), and where their statements' time went. */
async function timeRuns(
  recompute: (job: Job<ScoreJob>) => Promise<unknown>,
  timer: QueryTimer,
  orgId: string,
  before: () => Promise<void>,
) {
  timer.totals.clear();
  const runsMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await before();
    const started = performance.now();
    await recompute(job<ScoreJob>({ orgId }));
    runsMs.push(performance.now() - started);
  }
  return { runsMs, medianMs: median(runsMs), queries: timer.report() };
}

/**
 * Recomputes in the steady state (sums over settled days kept from the recompute before, as under live
 * load) and cold (the settled-rollup revision moved before each, as after an import into past days or on a
 * worker's first recompute of a day: every window read whole).
 */
async function timeRecomputes(orgId: string) {
  // Which statements a recompute's time goes to, summed over the timed runs (printed and kept in the JSON).
  const timer = new QueryTimer();
  const recompute = createScoreProcessor({ db: db.withPlugin(timer), redis, prefix });
  await sql`vacuum analyze`.execute(db);
  // The bulk load leaves gigabytes of dirty pages; flush them now so the checkpointer's writes do not land in
  // the timed runs (in a run without this, every statement, even on six-row tables, was slower after 1 M).
  await sql`checkpoint`.execute(db);
  const warmUp = await recompute(job<ScoreJob>({ orgId }));
  const steady = await timeRuns(recompute, timer, orgId, async () => {});
  const cold = await timeRuns(recompute, timer, orgId, () => reviseSettledRollups(db, orgId));
  return { scopes: warmUp.scopes, ...steady, cold, ...(await counts(orgId)) };
}

try {
  const machine = await describeMachine(db);
  const org = await createOrganisation(db, 'Recompute bench org');
  // Each flagged feedback opens its own case: the sample is analysed in seconds, so a repeat-contact window
  // measured at analysis time would fold a customer's half year of complaints into one case.
  await saveTriageSettings(db, org.id, { ...defaultCaseRules, repeatWindowHours: 0, escalationUrl: null });
  const unitIds: string[] = [];
  for (let i = 0; i < UNITS; i++) {
    unitIds.push((await createUnit(db, org.id, { key: `store-${i + 1}`, name: `Store ${i + 1}` })).id);
  }
  const secretBox = new SecretBox(randomBytes(32).toString('hex'));
  const sourceIds = new Map<string, string>();
  for (const profile of channelProfiles) {
    const source = await createSource(db, {
      orgId: org.id,
      name: `${profile.channel} feedback`,
      channel: profile.channel,
      adapter: 'generic',
      secretCiphertext: secretBox.seal(generateSigningSecret()),
    });
    sourceIds.set(profile.channel, source.id);
  }

  console.log(`loading ${SAMPLE} feedback through the analysis and aggregate processors…`);
  const loadStarted = performance.now();
  await loadSample(org.id, unitIds, sourceIds);
  console.log(`  done in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  const mismatches = {
    ...(await verifyRollupsMatch(db, org.id)),
    rollup_customer_return: await verifyCustomerReturnsMatch(db, org.id),
  };
  const verified = Object.values(mismatches).every((n) => n === 0);
  console.log(`bulk rollup SQL vs aggregate processor on the ${SAMPLE} rows: ${JSON.stringify(mismatches)}`);
  if (!verified) throw new Error('the bulk rollup SQL does not reproduce the aggregate processor');

  const small = await timeRecomputes(org.id);
  console.log(
    `recompute at ${small.feedback} feedback: median ${small.medianMs.toFixed(1)} ms over ${RUNS} runs ` +
      `(${small.runsMs.map((ms) => ms.toFixed(0)).join(', ')}) | ${small.scopes} scopes, ${small.cases} cases, ` +
      `rollup rows ${JSON.stringify(small.rollups)}`,
  );
  console.log(`  statements by time over the timed runs: ${JSON.stringify(small.queries)}`);
  console.log(
    `  cold (settled sums read again): median ${small.cold.medianMs.toFixed(1)} ms (${small.cold.runsMs.map((ms) => ms.toFixed(0)).join(', ')})`,
  );

  console.log(`bulk-loading up to ${TOTAL} feedback…`);
  const bulkStarted = performance.now();
  await bulkLoad(org.id, TOTAL);
  console.log(`  done in ${((performance.now() - bulkStarted) / 1000).toFixed(1)} s`);

  const large = await timeRecomputes(org.id);
  console.log(
    `recompute at ${large.feedback} feedback: median ${large.medianMs.toFixed(1)} ms over ${RUNS} runs ` +
      `(${large.runsMs.map((ms) => ms.toFixed(0)).join(', ')}) | ${large.scopes} scopes, ${large.cases} cases, ` +
      `rollup rows ${JSON.stringify(large.rollups)}`,
  );
  console.log(`  statements by time over the timed runs: ${JSON.stringify(large.queries)}`);
  console.log(
    `  cold (settled sums read again): median ${large.cold.medianMs.toFixed(1)} ms (${large.cold.runsMs.map((ms) => ms.toFixed(0)).join(', ')})`,
  );
  const ratio = large.medianMs / small.medianMs;
  const coldRatio = large.cold.medianMs / small.cold.medianMs;
  console.log(
    `ratio ${ratio.toFixed(2)}× steady, ${coldRatio.toFixed(2)}× cold (goal ≤ ${GOAL}×: ` +
      `${ratio <= GOAL ? 'met' : 'NOT met'} steady, ${coldRatio <= GOAL ? 'met' : 'NOT met'} cold) — ` +
      `recompute called directly (no queue), median of ${RUNS} runs after one warm-up`,
  );

  const report = {
    benchmark: 'recompute',
    at: new Date().toISOString(),
    machine,
    method:
      `score processor called directly with { orgId }; ${SAMPLE} rows through the real analysis and aggregate ` +
      `processors, the rest copies of them bulk-loaded with rollups from SQL verified equal on the ${SAMPLE}; ` +
      `median of ${RUNS} runs after one warm-up, steady (settled-day sums kept from the run before, as under ` +
      `live load) and cold (settled-rollup revision moved before each run: every window read whole)`,
    spanDays: SPAN_DAYS,
    units: UNITS,
    customerPool: CUSTOMERS,
    channels: channelProfiles.map((p) => p.channel),
    bulkSqlVerified: mismatches,
    sizes: [small, large],
    ratio,
    coldRatio,
    goal: GOAL,
  };
  mkdirSync('test/bench/results', { recursive: true });
  writeFileSync('test/bench/results/recompute.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote test/bench/results/recompute.json');
} finally {
  await aggregateQueue.close();
  await scoreQueue.close();
  redis.disconnect();
  await db.destroy();
  await dropTestDatabase(database.name);
  await flushRedisPrefix(prefix);
}
