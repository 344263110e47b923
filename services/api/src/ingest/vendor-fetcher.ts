import {
  claimDueVendorFetches,
  type Db,
  failVendorFetch,
  finishVendorFetch,
  type VendorFetch,
} from '@cxloop/db';
import type { FastifyBaseLogger } from 'fastify';
import { Problem } from '../problems.js';

/** How long a claimed fetch is this process's; the vendor's answer takes at most its 10 s timeout. */
const LEASE_SECONDS = 60;
const CLAIM_BATCH = 20;
/** Attempts before a fetch is given up and left for an admin's retry: about five hours at the defaults. */
export const MAX_FETCH_ATTEMPTS = 16;
const MAX_RETRY_DELAY_MS = 30 * 60 * 1000;

function problemText(problem: Problem): string {
  const fields = problem.errors?.map((error) => `${error.path} ${error.message}`).join('; ');
  return [problem.title, problem.detail, fields].filter(Boolean).join(': ');
}

export interface VendorFetchTiming {
  /** How often due fetches are looked for (besides right after a delivery recorded one). */
  pollMs: number;
  /** The first retry's delay; each later one doubles, up to half an hour. */
  retryBaseMs: number;
}

export const DEFAULT_VENDOR_FETCH_TIMING: VendorFetchTiming = { pollMs: 5_000, retryBaseMs: 15_000 };

/** When attempt `attempts` (1-based) failed, the next one is due after this long. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** (attempts - 1));
}

/** What became of one attempt, for the source's delivery log. */
export type FetchAttempt =
  | { outcome: 'fetched'; storedEvents: number }
  | { outcome: 'retrying'; error: string; retryAt: Date }
  | { outcome: 'given_up'; error: string };

/**
 * Fetches in the background what webhooks only named (SurveyMonkey's answers), from rows PostgreSQL keeps:
 * every API replica runs one, claims due rows with a lease, and retries failures with backoff. A refusal
 * that will not change by waiting (a 4xx Problem: a mapping that maps nothing) is given up at once; an
 * admin retries it after fixing the cause.
 */
export class VendorFetcher {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #again = false;

  constructor(
    private readonly deps: {
      db: Db;
      log: FastifyBaseLogger;
      now: () => Date;
      timing: VendorFetchTiming;
      /** Fetches, maps and stores one fetch's object, answering how many new events it stored; throws on failure. */
      run: (fetch: VendorFetch) => Promise<number>;
      /** Told of every attempt's outcome. */
      report: (fetch: VendorFetch, attempt: FetchAttempt) => void;
    },
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.nudge(), this.deps.timing.pollMs);
    this.#timer.unref();
  }

  /** Looks for due fetches now (after the pass in progress, if any). */
  nudge(): void {
    this.#again = true;
    this.#running = this.#running.then(async () => {
      while (this.#again) {
        this.#again = false;
        await this.#pass().catch((error: unknown) =>
          this.deps.log.warn({ err: error }, 'vendor fetch pass failed; tried again at the next poll'),
        );
      }
    });
  }

  /** Stops polling and waits for the pass in progress. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#again = false;
    await this.#running;
  }

  async #pass(): Promise<void> {
    for (;;) {
      const claimed = await claimDueVendorFetches(this.deps.db, this.deps.now(), LEASE_SECONDS, CLAIM_BATCH);
      for (const fetch of claimed) await this.#attempt(fetch);
      if (claimed.length < CLAIM_BATCH) return;
    }
  }

  async #attempt(fetch: VendorFetch): Promise<void> {
    try {
      const storedEvents = await this.deps.run(fetch);
      await finishVendorFetch(this.deps.db, fetch.id, this.deps.now());
      this.deps.report(fetch, { outcome: 'fetched', storedEvents });
    } catch (error) {
      const message = error instanceof Problem ? problemText(error) : String(error);
      const final = (error instanceof Problem && error.status < 500) || fetch.attempts >= MAX_FETCH_ATTEMPTS;
      const retryAt = final
        ? null
        : new Date(this.deps.now().getTime() + retryDelayMs(fetch.attempts, this.deps.timing.retryBaseMs));
      await failVendorFetch(this.deps.db, fetch.id, message, retryAt);
      this.deps.report(
        fetch,
        retryAt ? { outcome: 'retrying', error: message, retryAt } : { outcome: 'given_up', error: message },
      );
    }
  }
}
