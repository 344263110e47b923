import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type ActionItem,
  actionEffectReport,
  createActionItem,
  createOrganisation,
  createSource,
  createTeam,
  createUnit,
  type NewActionItem,
} from '@cxloop/db';
import { generateSigningSecret, SecretBox } from '@cxloop/runtime';
import { sql } from 'kysely';
import { dropTestDatabase } from '../support/test-database.js';
import { startBenchRun } from './bench-run.js';
import { describeMachine, median } from './machine.js';
import { addRollupIncrements, rollupTableNames } from './rollup-sql.js';

/**
 * `pnpm bench:action-effect`: the effect measurement of an improvement action (`actionEffectReport`: the
 * rollup read of its two windows for the scope and its comparison group, and the statistics) at 10 k and at
 * 1 M feedback rows of one organisation. Feedback is bulk-loaded as analysed rows spread over 180 days, four
 * units and three channels, a fifth of it mentioning a topic; its rollup increments come from the benchmark's
 * GROUP BY SQL (test/bench/rollup-sql.ts, checked against the aggregate processor by `pnpm bench:recompute`).
 * Prints the median of EFFECT_RUNS timed measurements per action after a warm-up at each size, and the ratio.
 */
const SAMPLE = Number(process.env.EFFECT_SAMPLE ?? 10_000);
const TOTAL = Number(process.env.EFFECT_TOTAL ?? 1_000_000);
const RUNS = Math.max(5, Number(process.env.EFFECT_RUNS ?? 21));
const UNITS = 4;
const SPAN_DAYS = 180;
const CHANNELS = ['web', 'survey', 'email'] as const;
const BULK_CHUNK = 100_000;
const GOAL = 1.5;
const DAY_MS = 86_400_000;

const { database, db } = await startBenchRun({ maxConnections: 4 });
const now = new Date();
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Feedback rows `from` … `to` − 1 (by number), analysed and counted: ratings on about half, a unit on four in
 * five, a touchpoint on three in four, the topic `delivery_delay` on one in five, received at random times in
 * the span; then their rollup increments.
 */
async function load(orgId: string, unitIds: string[], sourceIds: string[], from: number, to: number) {
  await db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    await sql`create temporary table bench_new (id uuid primary key, n int not null, received_at timestamptz not null)
      on commit drop`.execute(conn);
    await sql`insert into bench_new
      select gen_random_uuid(), g,
        date_trunc('milliseconds', ${now.toISOString()}::timestamptz - random() * interval '${sql.raw(String(SPAN_DAYS))} days')
      from generate_series(${from}::int, ${to - 1}::int) g`.execute(conn);
    await sql`insert into feedback (id, org_id, unit_id, source_id, channel, external_id, customer_ref, text, nps,
        csat, ces, touchpoint, locale, metadata, occurred_at, received_at, status, analysed_at, aggregated_at)
      select b.id, ${orgId}::uuid,
        (${unitIds}::uuid[])[1 + b.n % 5],
        (${sourceIds}::uuid[])[1 + b.n % 3],
        (${[...CHANNELS]}::text[])[1 + b.n % 3],
        'bench-' || b.n, null, 'Where is my parcel?',
        case when b.n % 2 = 0 then floor(random() * 11)::smallint end,
        case when b.n % 3 = 0 then (1 + floor(random() * 5))::smallint end,
        case when b.n % 7 = 0 then (1 + floor(random() * 7))::smallint end,
        (array['order', 'delivery', 'support', null])[1 + b.n % 4],
        'en', '{}'::jsonb, b.received_at, b.received_at, 'analysed',
        b.received_at + interval '1 second', b.received_at + interval '2 seconds'
      from bench_new b`.execute(conn);
    await sql`insert into feedback_analysis (feedback_id, org_id, analyser_version, language, sentiment_score,
        sentiment_label, severity, urgency, details, redacted_text, analysed_at)
      select b.id, ${orgId}::uuid, 'bench', 'en', s.score, case when s.score < -0.05 then 'negative' else 'positive' end,
        'none', 0,
        case when b.n % 5 = 0
          then '{"topics":[{"id":"delivery_delay","sentiment":-0.4,"sentimentLabel":"negative"}]}'::jsonb
          else '{"topics":[]}'::jsonb end,
        'Where is my parcel?', b.received_at + interval '1 second'
      from bench_new b cross join lateral (select (random() * 2 - 1)::real as score) s`.execute(conn);
    await addRollupIncrements(conn, orgId, sql`f.id in (select id from bench_new)`);
    await sql`commit`.execute(conn);
  });
}

async function rollupRows(orgId: string) {
  const rows: Record<string, number> = {};
  for (const table of rollupTableNames) {
    const result = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
      where org_id = ${orgId}`.execute(db);
    rows[table] = Number(result.rows[0]!.n);
  }
  return rows;
}

type Figures = Record<string, { medianMs: number; runsMs: number[]; verdict: string | null }>;

/**
 * Each action measured `RUNS` times after one untimed warm-up, the organisations' measurements alternating
 * run by run, so both sizes see the same load on a shared machine (figures taken one size after the other,
 * minutes apart, varied 0.4× to 3.5× between two runs at a load average near 20).
 */
async function timeEffects(organisations: readonly Record<string, ActionItem>[]): Promise<Figures[]> {
  await sql`vacuum analyze`.execute(db);
  await sql`checkpoint`.execute(db);
  const figures: Figures[] = organisations.map(() => ({}));
  for (const name of Object.keys(organisations[0]!)) {
    const verdicts = [];
    for (const actions of organisations) verdicts.push(await actionEffectReport(db, actions[name]!, now));
    const runsMs: number[][] = organisations.map(() => []);
    for (let run = 0; run < RUNS; run++) {
      for (const [index, actions] of organisations.entries()) {
        const started = performance.now();
        await actionEffectReport(db, actions[name]!, now);
        runsMs[index]!.push(performance.now() - started);
      }
    }
    for (const [index] of organisations.entries()) {
      figures[index]![name] = {
        medianMs: median(runsMs[index]!),
        runsMs: runsMs[index]!,
        verdict: verdicts[index]!.effect?.verdict ?? null,
      };
    }
  }
  return figures;
}

/** An organisation with the benchmark's units, sources and three actions, and `size` feedback. */
async function organisationWith(name: string, size: number) {
  const org = await createOrganisation(db, name);
  const unitIds: string[] = [];
  for (let i = 0; i < UNITS; i++) {
    unitIds.push((await createUnit(db, org.id, { key: `store-${i + 1}`, name: `Store ${i + 1}` })).id);
  }
  const secretBox = new SecretBox(randomBytes(32).toString('hex'));
  const sourceIds: string[] = [];
  for (const channel of CHANNELS) {
    const source = await createSource(db, {
      orgId: org.id,
      name: `${channel} feedback`,
      channel,
      adapter: 'generic',
      secretCiphertext: secretBox.seal(generateSigningSecret()),
    });
    sourceIds.push(source.id);
  }
  const team = await createTeam(db, org.id, { name: 'Store operations' });
  const plan = (changes: Partial<NewActionItem>): NewActionItem => ({
    title: 'Bench action',
    description: '',
    scope: { unitId: unitIds[0]!, channel: null, touchpoint: null, topic: null },
    owner: { teamId: team.id, memberId: null },
    metric: 'nps',
    targetValue: 30,
    startDate: dayOf(new Date(now.getTime() - 60 * DAY_MS)),
    dueDate: dayOf(new Date(now.getTime() - 30 * DAY_MS)),
    measureFrom: 'start',
    effectWindowDays: 28,
    priority: 'high',
    origin: 'manual',
    originRisingIssueId: null,
    originRef: null,
    ...changes,
  });
  const context = { actor: { memberId: null, apiKeyId: null }, now };
  const actions = {
    'NPS of one unit (other units as comparison)': await createActionItem(db, org.id, plan({}), context),
    'a topic’s share in one unit': await createActionItem(
      db,
      org.id,
      plan({
        metric: 'topic_share',
        scope: { unitId: unitIds[1]!, channel: null, touchpoint: null, topic: 'delivery_delay' },
      }),
      context,
    ),
    'CSAT at a touchpoint (rest of the feedback as comparison)': await createActionItem(
      db,
      org.id,
      plan({ metric: 'csat', scope: { unitId: null, channel: null, touchpoint: 'delivery', topic: null } }),
      context,
    ),
  };

  const started = performance.now();
  for (let from = 0; from < size; from += BULK_CHUNK) {
    await load(org.id, unitIds, sourceIds, from, Math.min(size, from + BULK_CHUNK));
  }
  console.log(`loaded ${size} feedback in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { orgId: org.id, actions };
}

try {
  const machine = await describeMachine(db);
  const organisations = [
    await organisationWith('Action effect bench, small', SAMPLE),
    await organisationWith('Action effect bench, large', TOTAL),
  ];
  const figures = await timeEffects(organisations.map((organisation) => organisation.actions));
  const sizes: { feedback: number; rollups: Record<string, number>; effects: Figures }[] = [];
  for (const [index, organisation] of organisations.entries()) {
    const rollups = await rollupRows(organisation.orgId);
    const feedback = index === 0 ? SAMPLE : TOTAL;
    console.log(`at ${feedback} feedback, rollup rows ${JSON.stringify(rollups)}`);
    for (const [name, figure] of Object.entries(figures[index]!)) {
      console.log(
        `  ${name}: median ${figure.medianMs.toFixed(2)} ms over ${RUNS} runs (verdict ${figure.verdict})`,
      );
    }
    sizes.push({ feedback, rollups, effects: figures[index]! });
  }
  const actions = organisations[0]!.actions;
  const ratios = Object.fromEntries(
    Object.keys(actions).map((name) => [
      name,
      sizes[1]!.effects[name]!.medianMs / sizes[0]!.effects[name]!.medianMs,
    ]),
  );
  console.log(`ratio of medians 1 M / 10 k: ${JSON.stringify(ratios)} (goal ≤ ${GOAL}×)`);
  const loadAverageAtEnd = Number(loadavg()[0]!.toFixed(2));
  console.log(
    `load average: ${machine.loadAverageAtStart} at start, ${loadAverageAtEnd} at end (shared machine)`,
  );
  mkdirSync('test/bench/results', { recursive: true });
  writeFileSync(
    'test/bench/results/action-effect.json',
    `${JSON.stringify(
      {
        at: now.toISOString(),
        machine,
        loadAverageAtEnd,
        runs: RUNS,
        spanDays: SPAN_DAYS,
        units: UNITS,
        channels: CHANNELS,
        effectWindowDays: 28,
        sizes,
        ratios,
        goal: GOAL,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await db.destroy();
  await dropTestDatabase(database.name);
}
