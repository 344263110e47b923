import { storableText } from '@cxloop/contracts';
import {
  type Db,
  type DeliveryOutcome,
  recordSourceDeliveries,
  type Source,
  SourceDeliveryTally,
} from '@cxloop/db';
import { PeriodicFlush } from '@cxloop/runtime';
import { redactPii } from '@cxloop/text';
import type { FastifyBaseLogger } from 'fastify';
import { parseUrlEncoded } from './form-body.js';

/** How much of a body the log keeps: enough to see a payload's shape, little enough to stay small. */
const LOGGED_BODY_CHARS = 2_000;
/** Form fields that authenticate a delivery (Mailgun, Qualtrics): never logged, even redacted. */
const CREDENTIAL_FIELDS = new Set(['signature', 'token', 'timestamp', 'HMAC']);

/**
 * The start of a verified body with personal data redacted, for the delivery log. Form bodies are
 * decoded first so that a phone number sent as `%2B44…` is recognised and redacted too.
 */
export function redactedExcerpt(body: Buffer, mediaType: string): string {
  const text =
    mediaType === 'application/x-www-form-urlencoded'
      ? [...parseUrlEncoded(body)]
          .filter(([name]) => !CREDENTIAL_FIELDS.has(name))
          .flatMap(([name, values]) => values.map((value) => `${name}=${value}`))
          .join('\n')
      : mediaType === 'multipart/form-data'
        ? '(multipart body not logged)'
        : body.toString('utf8');
  return redactPii(text.slice(0, LOGGED_BODY_CHARS)).redactedText;
}

export interface LoggedDelivery {
  status: number;
  outcome: DeliveryOutcome;
  reason?: string;
  acceptedEvents?: number;
  redactedBody?: string;
  needsAttention?: boolean;
}

/**
 * How long a delivery's entry may wait in memory before it is written. Writes per source are at most this
 * often whatever the load (each one an UPDATE of the source's stats row, a ring insert and a commit), and
 * a reader of the log sees entries this late at worst (never late in the process that took them: see
 * `flush`).
 */
const FLUSH_INTERVAL_MS = 100;

/**
 * The delivery log's writer, one per API process. Deliveries do not wait for their entry: entries are
 * tallied per source and written together every FLUSH_INTERVAL_MS, all sources in one transaction, so
 * logging costs a delivery no database round trip and a busy source one stats update per interval. The
 * log is an operator's view, not the record: feedback is committed before the delivery is answered; what a
 * crash loses is at most the last interval's log entries. A failure to write is reported and swallowed.
 */
export class DeliveryLog {
  #pending = new Map<string, SourceDeliveryTally>();
  readonly #flusher = new PeriodicFlush(FLUSH_INTERVAL_MS, () => this.#write());

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
  ) {}

  record(source: Source, sizeBytes: number, receivedAt: Date, entry: LoggedDelivery): void {
    let tally = this.#pending.get(source.id);
    if (!tally) {
      tally = new SourceDeliveryTally({ orgId: source.org_id, sourceId: source.id });
      this.#pending.set(source.id, tally);
    }
    tally.add({
      status: entry.status,
      outcome: entry.outcome,
      // Reasons quote the sender's field paths and bodies their text: either may hold a NUL.
      reason: entry.reason === undefined ? null : storableText(entry.reason),
      sizeBytes,
      acceptedEvents: entry.acceptedEvents ?? 0,
      redactedBody: entry.redactedBody === undefined ? null : storableText(entry.redactedBody),
      receivedAt,
      ...(entry.needsAttention ? { needsAttention: true } : {}),
    });
    this.#flusher.schedule();
  }

  /**
   * Writes every entry recorded so far and resolves once they are written: readers of a source's log and
   * stats call it first, so a process always shows the deliveries it took itself; shutdown calls it last.
   */
  flush(): Promise<void> {
    return this.#flusher.flush();
  }

  async #write(): Promise<void> {
    const tallies = [...this.#pending.values()];
    if (tallies.length === 0) return;
    this.#pending = new Map();
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const tally of tallies) await recordSourceDeliveries(trx, tally);
      });
    } catch {
      // One source's failure must not cost the others their entries: each is written on its own.
      for (const tally of tallies) {
        await recordSourceDeliveries(this.db, tally).catch((error: unknown) =>
          this.log.warn({ err: error, sourceId: tally.source.sourceId }, 'delivery log write failed'),
        );
      }
    }
  }
}
