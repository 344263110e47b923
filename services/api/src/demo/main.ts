import { parseArgs } from 'node:util';
import { createDb } from '@cxloop/db';
import { ConfigError, readEnv, sharedEnvShape } from '@cxloop/runtime';
import { z } from 'zod';
import { publicBaseUrl } from '../config.js';
import { receiveDemoReplies } from './customer-replies.js';
import type { DemoFeedback } from './feedback-plan.js';
import { DemoHttp } from './http.js';
import { DEMO_ORGANISATION_NAME } from './organisation.js';
import { demoSourcesOf, runTrickle, type SeedSummary, seedDemo } from './seed.js';
import { DEFAULT_DEMO_STATE_PATH } from './state.js';

/**
 * `pnpm demo`: seeds a demo organisation through the running API, prints where to look and the keys to sign
 * in with, then sends live feedback until Ctrl-C. Terminal output is this tool's interface, hence stdout.
 */
const usage = `usage: pnpm demo [--api URL] [--days 90] [--per-day 36] [--respondents 30] [--interval 4]
                 [--seed N] [--state .cxloop/demo.json] [--no-trickle]
Runs against the API started by \`bash infra/local/up.sh\` (or \`pnpm start\`), in a second terminal.`;

const DemoConfig = z.object({
  ...sharedEnvShape,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
});

const positiveInt = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new ConfigError(`--${name} must be a whole number above 0`);
  return number;
};

const out = (line = '') => process.stdout.write(`${line}\n`);

function printSummary(baseUrl: string, summary: SeedSummary, dashboardBuilt: boolean) {
  const { state } = summary;
  const keys = state.apiKeys;
  out();
  out(
    `${DEMO_ORGANISATION_NAME} is ready (${summary.organisationCreated ? 'created' : 'found again'}; seeded in ${(summary.elapsedMs / 1000).toFixed(1)} s)`,
  );
  out(`  dashboard      ${baseUrl}/   sign in with one of the keys below`);
  if (!dashboardBuilt) out('                 (not built yet: run `pnpm build`, then restart the API)');
  out(`  queue board    ${baseUrl}/admin/queues   (admin)`);
  out(`  API docs       ${baseUrl}/docs`);
  out(`  organisation   ${summary.orgId}`);
  out(`  admin key      ${keys.admin}`);
  out(`  manager key    ${keys.manager}`);
  out(`  responder key  ${keys.responder}   (Priya Shah, Customer care)`);
  out(`  assessor key   ${keys.assessor}   (Dana Reyes: rates objectives, signs off assessments)`);
  const channels = Object.entries(summary.history.byChannel)
    .map(([channel, count]) => `${channel} ${count}`)
    .join(', ');
  out(`  history        ${summary.history.planned} feedback over ${summary.history.days} days (${channels})`);
  out(
    `                 bulk import: ${summary.history.imported.created} new, ${summary.history.imported.duplicates} already stored; ${summary.history.webhooks} signed vendor webhooks`,
  );
  out(
    `  orders         ${summary.outcomes.planned} outcome events over a year (${summary.outcomes.imported.created} new), ${summary.outcomes.surveys.created} new post-purchase surveys`,
  );
  out('                 Loyalty & value fills in once the worker has analysed them');
  out(`  staff survey   ${summary.survey.recorded} responses recorded this run; wave closed`);
  out(`  actions        ${summary.actionsCreated} improvement actions planned this run (Actions view)`);
  out('  analysis and scoring catch up in the background; watch the dashboard fill in');
}

function describe(feedback: DemoFeedback): string {
  const time = new Date().toTimeString().slice(0, 8);
  const ratings = [
    feedback.nps === undefined ? '' : `NPS ${feedback.nps}`,
    feedback.csat === undefined ? '' : `CSAT ${feedback.csat}`,
    feedback.ces === undefined ? '' : `CES ${feedback.ces}`,
  ]
    .filter(Boolean)
    .join(' ');
  const text = feedback.text.length > 70 ? `${feedback.text.slice(0, 69)}…` : feedback.text;
  const alert = feedback.scenario.mood === 'escalation' ? ' [!]' : '';
  return `${time}  ${feedback.channel.padEnd(8)} ${feedback.scenario.key.padEnd(16)}${alert} ${ratings ? `${ratings}  ` : ''}"${text}"`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      api: { type: 'string' },
      days: { type: 'string' },
      'per-day': { type: 'string' },
      respondents: { type: 'string' },
      interval: { type: 'string' },
      seed: { type: 'string' },
      state: { type: 'string' },
      'no-trickle': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(usage);
    return 0;
  }
  const config = readEnv(DemoConfig);
  const baseUrl = (values.api ?? publicBaseUrl(config)).replace(/\/+$/, '');
  const http = new DemoHttp(baseUrl);
  const ready = await fetch(`${baseUrl}/readyz`).then(
    (response) => response.ok,
    () => false,
  );
  if (!ready) {
    process.stderr.write(
      `cxloop demo: the API at ${baseUrl} is not ready.\nStart it in another terminal with \`bash infra/local/up.sh\` (or \`pnpm start\`), or pass --api URL.\n`,
    );
    return 1;
  }
  const dashboardBuilt = await fetch(`${baseUrl}/`).then(
    (response) => response.ok && (response.headers.get('content-type') ?? '').includes('text/html'),
    () => false,
  );

  const seed = positiveInt('seed', values.seed, 20_261_123);
  const db = createDb(config.DATABASE_URL, { maxConnections: 2, applicationName: 'cxloop-demo' });
  let summary: SeedSummary;
  try {
    summary = await seedDemo({
      db,
      http,
      statePath: values.state ?? DEFAULT_DEMO_STATE_PATH,
      seed,
      days: positiveInt('days', values.days, 90),
      perDay: positiveInt('per-day', values['per-day'], 36),
      respondents: positiveInt('respondents', values.respondents, 30),
      concurrency: 8,
      progress: (message) => out(`- ${message}`),
    });
  } finally {
    await db.destroy();
  }
  printSummary(baseUrl, summary, dashboardBuilt);
  if (values['no-trickle']) return 0;

  const replies = await receiveDemoReplies(http, summary.state, config.HOST, (reply) =>
    out(`reply to customer ${reply.customerRef ?? '(unknown)'}: "${reply.body.replaceAll('\n', ' ')}"`),
  );
  out(
    'server' in replies
      ? `  replies        reach this terminal (reply target ${replies.url}, signatures checked)`
      : `  replies        not available: ${replies.refused}`,
  );
  const intervalSeconds = positiveInt('interval', values.interval, 4);
  out();
  out(
    `Sending live feedback every ~${intervalSeconds} s through all five sources ([!] = likely flagged). Ctrl-C stops.`,
  );
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  let sent = 0;
  await runTrickle({
    http,
    sources: demoSourcesOf(summary.state),
    seed,
    intervalMs: intervalSeconds * 1000,
    signal: stop.signal,
    onFeedback: (feedback) => {
      sent += 1;
      out(describe(feedback));
    },
    onError: (error) =>
      process.stderr.write(`delivery failed: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  if ('server' in replies) replies.server.close();
  out(`\nstopped after ${sent} live feedback; run \`pnpm demo\` again to continue (nothing is duplicated)`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cxloop demo: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!(error instanceof ConfigError) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
