import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '@cxloop/db';
import { ensureDemoActions } from './actions.js';
import { ensureDemoAssessment } from './assessment.js';
import { type DemoChannel, type DemoFeedback, historyPlan, liveFeedback } from './feedback-plan.js';
import { type DemoHttp, forEachConcurrently } from './http.js';
import { ensureOrganisation, ensurePeople, ensureSources } from './organisation.js';
import { purchasePlan } from './purchase-plan.js';
import { SeededRandom } from './random.js';
import {
  type DemoSources,
  type ImportCounts,
  importHistory,
  importOutcomeHistory,
  sendFeedback,
} from './senders.js';
import { runStaffSurveyWave, type SurveyOutcome } from './staff-survey.js';
import { type DemoState, loadDemoState, saveDemoState } from './state.js';

export interface SeedOptions {
  db: Db;
  /** The running API. */
  http: DemoHttp;
  /** Where the demo keeps what it created (`.cxloop/demo.json`). */
  statePath: string;
  seed: number;
  days: number;
  perDay: number;
  respondents: number;
  /** Webhooks in flight at once while replaying history. */
  concurrency: number;
  now?: Date;
  progress?: (message: string) => void;
}

export interface SeedSummary {
  orgId: string;
  organisationCreated: boolean;
  state: DemoState;
  history: {
    planned: number;
    days: number;
    byChannel: Partial<Record<DemoChannel, number>>;
    /** Generic-channel rows through the bulk import: new ones, and ones an earlier run already stored. */
    imported: { created: number; duplicates: number };
    /** Vendor webhooks posted (a redelivery of stored feedback changes nothing). */
    webhooks: number;
  };
  /** A year of orders, refunds and Care plan renewals/cancellations, and the post-purchase surveys. */
  outcomes: { planned: number; imported: ImportCounts; surveys: ImportCounts };
  survey: SurveyOutcome;
  /** Improvement actions this run planned (none when they exist from an earlier run). */
  actionsCreated: number;
  elapsedMs: number;
}

/** The five connected sources of a seeded demo. */
export function demoSourcesOf(state: DemoState): DemoSources {
  const { web, typeform, zendesk, twilio, mailgun } = state.sources;
  if (!web || !typeform || !zendesk || !twilio || !mailgun)
    throw new Error('the demo sources are not all connected');
  return { web, typeform, zendesk, twilio, mailgun };
}

/**
 * Builds the demo organisation and fills it: units, people, keys, five connected sources, ~90 days of
 * history, a year of orders with post-purchase surveys, and a closed staff survey wave. Idempotent: the
 * organisation is found again through the state file, history is resent with the same external ids (stored
 * once), and a completed survey wave is kept.
 */
export async function seedDemo(options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const progress = options.progress ?? (() => {});
  const { state, created } = await ensureOrganisation(options.db, await loadDemoState(options.statePath));
  const save = () => saveDemoState(options.statePath, state);
  await save();
  progress(created ? `created the organisation ${state.orgId}` : `found the organisation ${state.orgId}`);
  await ensurePeople(options.db, options.http, state);
  await save();
  await ensureSources(options.http, state, save);
  const sources = demoSourcesOf(state);
  progress('teams, members, keys and five sources are in place');

  const plan = historyPlan(
    { seed: options.seed, days: options.days, perDay: options.perDay, now: options.now ?? new Date() },
    new SeededRandom(options.seed),
  );
  const byChannel: Partial<Record<DemoChannel, number>> = {};
  for (const item of plan) byChannel[item.channel] = (byChannel[item.channel] ?? 0) + 1;
  const generic = plan.filter((item) => item.channel === 'web');
  const vendor: DemoFeedback[] = plan.filter((item) => item.channel !== 'web');
  progress(`importing ${generic.length} website feedback and posting ${vendor.length} vendor webhooks`);
  const report = await importHistory(options.http, sources.web, state.apiKeys.admin, generic);
  await forEachConcurrently(vendor, options.concurrency, (item) => sendFeedback(options.http, sources, item));

  const orders = purchasePlan(
    { seed: options.seed, now: options.now ?? new Date() },
    new SeededRandom(options.seed ^ 0x0bde_75),
  );
  progress(
    `importing a year of ${orders.outcomes.length} orders, refunds and renewals and ${orders.surveys.length} post-purchase surveys`,
  );
  const surveys = await importHistory(options.http, sources.web, state.apiKeys.admin, orders.surveys);
  const outcomes = await importOutcomeHistory(
    options.http,
    sources.web,
    state.apiKeys.admin,
    orders.outcomes,
  );

  progress(`running the staff survey wave with ${options.respondents} respondents`);
  const survey = await runStaffSurveyWave(
    options.http,
    state,
    { respondents: options.respondents, seed: options.seed },
    save,
  );
  progress('declaring the journey, rating objectives and signing off an assessment six months back');
  await ensureDemoAssessment(options.db, options.http, state, options.now ?? new Date());
  progress('planning improvement actions at every stage');
  const actionsCreated = await ensureDemoActions(options.http, state, options.now ?? new Date());
  return {
    orgId: state.orgId,
    organisationCreated: created,
    state,
    history: {
      planned: plan.length,
      days: options.days,
      byChannel,
      imported: { created: report.created, duplicates: report.duplicates },
      webhooks: vendor.length,
    },
    outcomes: { planned: orders.outcomes.length, imported: outcomes, surveys },
    survey,
    actionsCreated,
    elapsedMs: performance.now() - started,
  };
}

export interface TrickleOptions {
  http: DemoHttp;
  sources: DemoSources;
  seed: number;
  intervalMs: number;
  signal: AbortSignal;
  onFeedback: (feedback: DemoFeedback) => void;
  onError: (error: unknown) => void;
}

/**
 * New feedback every `intervalMs` (± a third) through every channel's webhook until `signal` aborts, so the
 * scores and the inbox keep moving. A failed delivery is reported and the trickle goes on: the API may be
 * restarting.
 */
export async function runTrickle(options: TrickleOptions): Promise<void> {
  const runId = Date.now().toString(36);
  const random = new SeededRandom(options.seed ^ Date.now());
  const next = liveFeedback(options.seed, runId, random);
  while (!options.signal.aborted) {
    const feedback = next();
    try {
      // A satisfied or neutral helpdesk customer answers the satisfaction survey; the others open tickets.
      const satisfaction = feedback.scenario.mood === 'praise' || feedback.scenario.mood === 'neutral';
      await sendFeedback(options.http, options.sources, feedback, { zendeskSatisfaction: satisfaction });
      options.onFeedback(feedback);
    } catch (error) {
      options.onError(error);
    }
    const wait = options.intervalMs * (0.67 + random.next() * 0.66);
    // Aborting ends the wait early (the rejection is the abort itself, not a failure).
    await sleep(wait, undefined, { signal: options.signal }).catch(() => {});
  }
}
