import type { FeedbackEvent, FeedbackRef } from '@cxloop/contracts';
import {
  type Db,
  type FeedbackToStore,
  findUnitIdsByKey,
  type Source,
  type StoredFeedback,
} from '@cxloop/db';
import { type AnalysisHandOff, receivedAtPoint, withTimeout } from '@cxloop/runtime';
import type { FastifyBaseLogger } from 'fastify';
import { type FieldProblem, problems } from '../problems.js';
import type { FeedbackWriter } from './feedback-writer.js';

/** How long the request waits for Redis before answering anyway: the sweeper enqueues what this misses. */
const ENQUEUE_TIMEOUT_MS = 2_000;

export interface Delivery {
  source: Source;
  /** `webhook-id` of the delivery: the idempotency key of events that carry no external id. */
  webhookId: string;
  events: readonly FeedbackEvent[];
  /** true when the body was `{ events: [...] }`, so derived ids must tell the events apart. */
  batch: boolean;
  receivedAt: Date;
}

function externalIdOf(delivery: Delivery, event: FeedbackEvent, index: number): string {
  if (event.externalId) return event.externalId;
  return delivery.batch ? `webhook:${delivery.webhookId}#${index}` : `webhook:${delivery.webhookId}`;
}

async function resolveUnits(db: Db, delivery: Delivery): Promise<Map<string, string>> {
  const keys = delivery.events.flatMap((event) => (event.unit ? [event.unit] : []));
  const unitIds = await findUnitIdsByKey(db, delivery.source.org_id, keys);
  const unknown: FieldProblem[] = delivery.events.flatMap((event, index) =>
    event.unit && !unitIds.has(event.unit)
      ? [
          {
            path: delivery.batch ? `/events/${index}/unit` : '/unit',
            message: `unknown unit "${event.unit}" for this organisation`,
          },
        ]
      : [],
  );
  if (unknown.length > 0) throw problems.invalidBody(unknown);
  return unitIds;
}

/** The feedback row of a canonical event received through `source`. */
export function feedbackRowOf(
  source: Source,
  event: FeedbackEvent,
  externalId: string,
  unitIds: ReadonlyMap<string, string>,
  receivedAt: Date,
): FeedbackToStore {
  return {
    org_id: source.org_id,
    source_id: source.id,
    unit_id: (event.unit ? unitIds.get(event.unit) : undefined) ?? source.unit_id,
    channel: source.channel,
    external_id: externalId,
    customer_ref: event.customerRef ?? null,
    text: event.text,
    nps: event.ratings.nps ?? null,
    csat: event.ratings.csat ?? null,
    ces: event.ratings.ces ?? null,
    touchpoint: event.touchpoint ?? null,
    locale: event.locale ?? null,
    metadata: JSON.stringify(event.metadata),
    occurred_at: event.occurredAt ?? receivedAt,
  };
}

/** The feedback a store created (not the redelivered), as analysis jobs name it. */
function createdRefs(orgId: string, stored: readonly StoredFeedback[]): FeedbackRef[] {
  return stored
    .filter((entry) => entry.created)
    .map((entry) => ({
      feedbackId: entry.id,
      orgId,
      receivedBetween: entry.receivedAt && receivedAtPoint(entry.receivedAt),
    }));
}

/**
 * Hands newly stored feedback to analysis, waiting at most a moment for Redis: the rows are committed, so a
 * failed enqueue is logged and left to the sweeper. For imports, which move in large steps and should go
 * at the pace Redis takes them.
 */
export async function enqueueStored(
  deps: { enqueueAnalysis: (refs: readonly FeedbackRef[]) => Promise<void>; log: FastifyBaseLogger },
  orgId: string,
  stored: readonly StoredFeedback[],
): Promise<void> {
  const fresh = createdRefs(orgId, stored);
  await withTimeout(deps.enqueueAnalysis(fresh), ENQUEUE_TIMEOUT_MS, 'enqueue').catch((error: unknown) => {
    deps.log.warn({ err: error, count: fresh.length }, 'enqueue failed; the sweeper will pick these up');
  });
}

/**
 * Commits a delivery's events and hands the new ones to analysis. Returns once the rows are committed
 * (DESIGN invariant 1), without waiting for Redis: the hand-off enqueues behind the answer, and the sweeper
 * covers what it loses.
 */
export async function storeDelivery(
  deps: { db: Db; feedbackWriter: FeedbackWriter; analysis: AnalysisHandOff },
  delivery: Delivery,
): Promise<StoredFeedback[]> {
  const unitIds = await resolveUnits(deps.db, delivery);
  const rows = delivery.events.map((event, index) =>
    feedbackRowOf(delivery.source, event, externalIdOf(delivery, event, index), unitIds, delivery.receivedAt),
  );
  const stored = await deps.feedbackWriter.store(rows);
  deps.analysis.handOff(createdRefs(delivery.source.org_id, stored));
  return stored;
}
