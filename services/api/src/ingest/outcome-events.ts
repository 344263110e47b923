import { OutcomeEvent, OutcomeEventBatch } from '@cxloop/contracts';
import { CurrencyMismatchError, type Db, type OutcomeToStore, recordOutcomes, type Source } from '@cxloop/db';
import { type FieldProblem, fieldProblems, problems } from '../problems.js';

/** Outcome events of a body: one event, or `{"events": [...]}`; a mismatch is a 422 with field paths. */
export function parseOutcomeEvents(json: unknown): { events: OutcomeEvent[]; batch: boolean } {
  const batch = typeof json === 'object' && json !== null && 'events' in json;
  const parsed = batch ? OutcomeEventBatch.safeParse(json) : OutcomeEvent.safeParse(json);
  if (!parsed.success) throw problems.invalidBody(fieldProblems(parsed.error));
  return { events: 'events' in parsed.data ? parsed.data.events : [parsed.data], batch };
}

export function outcomeToStore(event: OutcomeEvent): OutcomeToStore {
  return {
    externalId: event.externalId,
    customerRef: event.customerRef,
    kind: event.kind,
    occurredAt: new Date(event.occurredAt),
    amount: event.amount,
    currency: event.currency,
    orderRef: event.orderRef,
    channel: event.channel,
    segment: event.segment,
    region: event.region,
    plan: event.plan,
  };
}

/**
 * Commit outcome events of a source (and their customers' summaries); a customer's events must keep one
 * currency, otherwise the whole delivery is a 422 naming the events, and nothing is stored.
 */
export async function storeOutcomeEvents(
  db: Db,
  source: Source,
  events: readonly OutcomeEvent[],
  pathOf: (index: number) => string,
) {
  try {
    return await recordOutcomes(db, source.org_id, source.id, events.map(outcomeToStore));
  } catch (error) {
    if (!(error instanceof CurrencyMismatchError)) throw error;
    const errors: FieldProblem[] = error.mismatches.map(({ index, expected }) => ({
      path: `${pathOf(index)}/currency`,
      message: `this customer's outcomes are in ${expected}`,
    }));
    throw problems.invalidBody(errors);
  }
}
