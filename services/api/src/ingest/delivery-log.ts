import { type Db, type DeliveryOutcome, recordSourceDeliveries, type Source } from '@cxloop/db';
import { redactPii } from '@cxloop/text';
import type { FastifyBaseLogger } from 'fastify';
import { parseUrlEncoded } from './form-body.js';

/** How much of a body the log keeps: enough to see a payload's shape, little enough to stay small. */
const LOGGED_BODY_CHARS = 2_000;
/** Form fields that authenticate a delivery (Mailgun): never logged, even redacted. */
const CREDENTIAL_FIELDS = new Set(['signature', 'token', 'timestamp']);

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
}

interface PendingBatch {
  source: { orgId: string; sourceId: string };
  entries: DeliveryEntry[];
  written: Array<() => void>;
}

type DeliveryEntry = Parameters<typeof recordSourceDeliveries>[2][number];

/**
 * The delivery log's writer, one per API process. Deliveries of a source that arrive while that source's
 * previous write is in flight are written together in the next one (group commit), so a busy source costs
 * one stats update per round trip instead of one per delivery, and each caller still returns only once
 * its entry is written. A failure to log is reported and swallowed: the delivery's own answer (often
 * already committed feedback) must not turn into an error because the log could not be written.
 */
export class DeliveryLog {
  readonly #pending = new Map<string, PendingBatch>();
  readonly #writing = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
  ) {}

  record(source: Source, sizeBytes: number, receivedAt: Date, entry: LoggedDelivery): Promise<void> {
    const batch = this.#pending.get(source.id) ?? {
      source: { orgId: source.org_id, sourceId: source.id },
      entries: [],
      written: [],
    };
    this.#pending.set(source.id, batch);
    batch.entries.push({
      status: entry.status,
      outcome: entry.outcome,
      reason: entry.reason ?? null,
      sizeBytes,
      acceptedEvents: entry.acceptedEvents ?? 0,
      redactedBody: entry.redactedBody ?? null,
      receivedAt,
    });
    const written = new Promise<void>((resolve) => batch.written.push(resolve));
    this.#writeNext(source.id);
    return written;
  }

  /** Resolves once every entry recorded so far is written (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all(this.#writing.values());
  }

  #writeNext(sourceId: string): void {
    const batch = this.#pending.get(sourceId);
    if (!batch || this.#writing.has(sourceId)) return;
    this.#pending.delete(sourceId);
    const writing = recordSourceDeliveries(this.db, batch.source, batch.entries)
      .catch((error: unknown) => this.log.warn({ err: error, sourceId }, 'delivery log write failed'))
      .finally(() => {
        this.#writing.delete(sourceId);
        for (const resolve of batch.written) resolve();
        this.#writeNext(sourceId);
      });
    this.#writing.set(sourceId, writing);
  }
}
