import { sql } from 'kysely';
import type { Db } from './connection.js';

export type OutcomeKind = 'purchase' | 'refund' | 'renewal' | 'cancellation';

/** An outcome event as the ingestion paths store it (already validated). */
export interface OutcomeToStore {
  externalId: string;
  customerRef: string;
  kind: OutcomeKind;
  occurredAt: Date;
  amount?: number | undefined;
  currency?: string | undefined;
  orderRef?: string | undefined;
  channel?: string | undefined;
  /** Customer attributes this event sets (an import may carry them); absent ones are left as they are. */
  segment?: string | undefined;
  region?: string | undefined;
  plan?: string | undefined;
}

export interface StoredOutcome {
  id: string;
  externalId: string;
  /** false for a redelivery: the stored event is answered and nothing changes. */
  created: boolean;
}

/** Events of one customer in another currency than the customer's: refused, since spend must add up. */
export class CurrencyMismatchError extends Error {
  constructor(
    /** Indexes of the offending events in the batch, with the customer's currency. */
    readonly mismatches: readonly { index: number; expected: string }[],
  ) {
    super('outcome currency differs from the customer’s');
    this.name = 'CurrencyMismatchError';
  }
}

/**
 * Store outcome events of one source and fold the new ones into their customers' summaries, in one
 * transaction: a summary never counts an event that was not committed, nor misses one that was. Events
 * already stored (same source + external id) change nothing. Summary updates commute (sums, least,
 * greatest), so history imported out of order gives the same summary as live events in order.
 */
export async function recordOutcomes(
  db: Db,
  orgId: string,
  sourceId: string,
  events: readonly OutcomeToStore[],
): Promise<StoredOutcome[]> {
  if (events.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const customerIds = await upsertCustomers(trx, orgId, events);
    await refuseCurrencyMismatches(trx, events, customerIds);
    const inserted = await trx
      .insertInto('outcome_events')
      .values(
        events.map((event) => ({
          org_id: orgId,
          source_id: sourceId,
          external_id: event.externalId,
          customer_id: customerIds.get(event.customerRef)!,
          kind: event.kind,
          occurred_at: event.occurredAt,
          amount: event.amount ?? null,
          currency: event.currency ?? null,
          order_ref: event.orderRef ?? null,
          channel: event.channel ?? null,
        })),
      )
      .onConflict((conflict) => conflict.columns(['source_id', 'external_id']).doNothing())
      .returning(['id', 'external_id'])
      .execute();
    // A repeated external id within one batch is stored once: its first occurrence is the new event.
    const pending = new Set(inserted.map((row) => row.external_id));
    const isNew = events.map((event) => pending.delete(event.externalId));
    await foldIntoSummaries(
      trx,
      orgId,
      events.filter((_, index) => isNew[index]),
      customerIds,
    );
    const ids = new Map(inserted.map((row) => [row.external_id, row.id]));
    const redelivered = events.filter((event) => !ids.has(event.externalId)).map((event) => event.externalId);
    if (redelivered.length > 0) {
      const stored = await trx
        .selectFrom('outcome_events')
        .select(['id', 'external_id'])
        .where('source_id', '=', sourceId)
        .where('external_id', 'in', redelivered)
        .execute();
      for (const row of stored) ids.set(row.external_id, row.id);
    }
    return events.map((event, index) => ({
      id: ids.get(event.externalId)!,
      externalId: event.externalId,
      created: isNew[index]!,
    }));
  });
}

type Transaction = Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0];

async function upsertCustomers(
  trx: Transaction,
  orgId: string,
  events: readonly OutcomeToStore[],
): Promise<Map<string, string>> {
  // The last event of a batch that names an attribute sets it; sorted by ref so concurrent batches lock
  // customers in the same order and cannot deadlock.
  const byRef = new Map<string, { segment?: string; region?: string; plan?: string }>();
  for (const event of events) {
    const attributes = byRef.get(event.customerRef) ?? {};
    if (event.segment !== undefined) attributes.segment = event.segment;
    if (event.region !== undefined) attributes.region = event.region;
    if (event.plan !== undefined) attributes.plan = event.plan;
    byRef.set(event.customerRef, attributes);
  }
  const rows = [...byRef]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ref, attributes]) => ({
      org_id: orgId,
      customer_ref: ref,
      segment: attributes.segment ?? null,
      region: attributes.region ?? null,
      plan: attributes.plan ?? null,
    }));
  const stored = await trx
    .insertInto('customers')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['org_id', 'customer_ref']).doUpdateSet((eb) => ({
        segment: eb.fn.coalesce(eb.ref('excluded.segment'), eb.ref('customers.segment')),
        region: eb.fn.coalesce(eb.ref('excluded.region'), eb.ref('customers.region')),
        plan: eb.fn.coalesce(eb.ref('excluded.plan'), eb.ref('customers.plan')),
      })),
    )
    .returning(['id', 'customer_ref'])
    .execute();
  return new Map(stored.map((row) => [row.customer_ref, row.id]));
}

async function refuseCurrencyMismatches(
  trx: Transaction,
  events: readonly OutcomeToStore[],
  customerIds: ReadonlyMap<string, string>,
) {
  const known = new Map(
    (
      await trx
        .selectFrom('customer_summaries')
        .select(['customer_id', 'currency'])
        .where('customer_id', 'in', [...customerIds.values()])
        .where('currency', 'is not', null)
        .execute()
    ).map((row) => [row.customer_id, row.currency!]),
  );
  const mismatches: { index: number; expected: string }[] = [];
  events.forEach((event, index) => {
    if (!event.currency) return;
    const customerId = customerIds.get(event.customerRef)!;
    const expected = known.get(customerId);
    if (expected === undefined) known.set(customerId, event.currency);
    else if (expected !== event.currency) mismatches.push({ index, expected });
  });
  if (mismatches.length > 0) throw new CurrencyMismatchError(mismatches);
}

interface SummaryDelta {
  customer_id: string;
  org_id: string;
  currency: string | null;
  first_purchase_at: Date | null;
  first_purchase_amount: number;
  last_purchase_at: Date | null;
  purchase_count: number;
  purchase_spend: number;
  refund_count: number;
  refund_amount: number;
  renewal_count: number;
  contract_started_at: Date | null;
  cancelled_at: Date | null;
  channels: string[];
}

/** One customer's new events folded into a delta, so a batch costs one upsert per customer. */
function deltaOf(orgId: string, customerId: string, events: readonly OutcomeToStore[]): SummaryDelta {
  const delta: SummaryDelta = {
    customer_id: customerId,
    org_id: orgId,
    currency: null,
    first_purchase_at: null,
    first_purchase_amount: 0,
    last_purchase_at: null,
    purchase_count: 0,
    purchase_spend: 0,
    refund_count: 0,
    refund_amount: 0,
    renewal_count: 0,
    contract_started_at: null,
    cancelled_at: null,
    channels: [],
  };
  const earliest = (a: Date | null, b: Date) => (a === null || b < a ? b : a);
  for (const event of events) {
    delta.currency ??= event.currency ?? null;
    if (event.channel && !delta.channels.includes(event.channel)) delta.channels.push(event.channel);
    const amount = event.amount ?? 0;
    switch (event.kind) {
      case 'purchase':
        if (delta.first_purchase_at === null || event.occurredAt < delta.first_purchase_at) {
          delta.first_purchase_at = event.occurredAt;
          delta.first_purchase_amount = amount;
        }
        if (delta.last_purchase_at === null || event.occurredAt > delta.last_purchase_at) {
          delta.last_purchase_at = event.occurredAt;
        }
        delta.purchase_count++;
        delta.purchase_spend += amount;
        break;
      case 'refund':
        delta.refund_count++;
        delta.refund_amount += amount;
        break;
      case 'renewal':
        delta.renewal_count++;
        delta.contract_started_at = earliest(delta.contract_started_at, event.occurredAt);
        break;
      case 'cancellation':
        if (delta.cancelled_at === null || event.occurredAt > delta.cancelled_at) {
          delta.cancelled_at = event.occurredAt;
        }
        break;
    }
  }
  return delta;
}

async function foldIntoSummaries(
  trx: Transaction,
  orgId: string,
  events: readonly OutcomeToStore[],
  customerIds: ReadonlyMap<string, string>,
) {
  if (events.length === 0) return;
  const byCustomer = new Map<string, OutcomeToStore[]>();
  for (const event of events) {
    const customerId = customerIds.get(event.customerRef)!;
    const list = byCustomer.get(customerId);
    if (list) list.push(event);
    else byCustomer.set(customerId, [event]);
  }
  const deltas = [...byCustomer]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([customerId, customerEvents]) => deltaOf(orgId, customerId, customerEvents));
  await trx
    .insertInto('customer_summaries')
    .values(deltas)
    .onConflict((conflict) =>
      conflict.column('customer_id').doUpdateSet({
        currency: sql`coalesce(customer_summaries.currency, excluded.currency)`,
        first_purchase_amount: sql`case when excluded.first_purchase_at is not null
          and (customer_summaries.first_purchase_at is null
            or excluded.first_purchase_at < customer_summaries.first_purchase_at)
          then excluded.first_purchase_amount else customer_summaries.first_purchase_amount end`,
        first_purchase_at: sql`least(customer_summaries.first_purchase_at, excluded.first_purchase_at)`,
        last_purchase_at: sql`greatest(customer_summaries.last_purchase_at, excluded.last_purchase_at)`,
        purchase_count: sql`customer_summaries.purchase_count + excluded.purchase_count`,
        purchase_spend: sql`customer_summaries.purchase_spend + excluded.purchase_spend`,
        refund_count: sql`customer_summaries.refund_count + excluded.refund_count`,
        refund_amount: sql`customer_summaries.refund_amount + excluded.refund_amount`,
        renewal_count: sql`customer_summaries.renewal_count + excluded.renewal_count`,
        contract_started_at: sql`least(customer_summaries.contract_started_at, excluded.contract_started_at)`,
        cancelled_at: sql`greatest(customer_summaries.cancelled_at, excluded.cancelled_at)`,
        channels: sql`array(select distinct unnest(customer_summaries.channels || excluded.channels) order by 1)`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/** A customer's summary as the analyses read it. */
export interface CustomerSummaryRow {
  customerRef: string;
  segment: string | null;
  region: string | null;
  plan: string | null;
  currency: string | null;
  firstPurchaseAt: Date | null;
  firstPurchaseAmount: number;
  lastPurchaseAt: Date | null;
  purchaseCount: number;
  purchaseSpend: number;
  refundAmount: number;
  renewalCount: number;
  contractStartedAt: Date | null;
  cancelledAt: Date | null;
  channels: string[];
}

/** A buyer's purchases before and after the end of a calibration period. */
export interface SplitPurchases {
  firstAt: Date;
  lastCalibrationAt: Date;
  calibrationCount: number;
  holdoutCount: number;
}

/**
 * Each buyer who first bought before `calibrationEnd`: their purchases up to it and from it to `asOf`. For
 * the analysis job's hold-out check, the one place that reads transactions (once per refit, never in a
 * score recompute).
 */
export async function listSplitPurchases(
  db: Db,
  orgId: string,
  calibrationEnd: Date,
  asOf: Date,
): Promise<SplitPurchases[]> {
  const rows = await db
    .selectFrom('outcome_events')
    .select([
      sql<Date>`min(occurred_at)`.as('firstAt'),
      sql<Date>`max(occurred_at) filter (where occurred_at < ${calibrationEnd})`.as('lastCalibrationAt'),
      sql<number>`(count(*) filter (where occurred_at < ${calibrationEnd}))::int`.as('calibrationCount'),
      sql<number>`(count(*) filter (where occurred_at >= ${calibrationEnd} and occurred_at < ${asOf}))::int`.as(
        'holdoutCount',
      ),
    ])
    .where('org_id', '=', orgId)
    .where('kind', '=', 'purchase')
    .groupBy('customer_id')
    .having(sql<Date>`min(occurred_at)`, '<', calibrationEnd)
    .execute();
  return rows;
}

/** Every customer summary of an organisation (one row per customer, never a transaction). */
export async function listCustomerSummaries(db: Db, orgId: string): Promise<CustomerSummaryRow[]> {
  const rows = await db
    .selectFrom('customer_summaries as s')
    .innerJoin('customers as c', 'c.id', 's.customer_id')
    .select([
      'c.customer_ref',
      'c.segment',
      'c.region',
      'c.plan',
      's.currency',
      's.first_purchase_at',
      's.first_purchase_amount',
      's.last_purchase_at',
      's.purchase_count',
      's.purchase_spend',
      's.refund_amount',
      's.renewal_count',
      's.contract_started_at',
      's.cancelled_at',
      's.channels',
    ])
    .where('s.org_id', '=', orgId)
    .where('c.org_id', '=', orgId)
    .execute();
  return rows.map((row) => ({
    customerRef: row.customer_ref,
    segment: row.segment,
    region: row.region,
    plan: row.plan,
    currency: row.currency,
    firstPurchaseAt: row.first_purchase_at,
    firstPurchaseAmount: row.first_purchase_amount,
    lastPurchaseAt: row.last_purchase_at,
    purchaseCount: row.purchase_count,
    purchaseSpend: row.purchase_spend,
    refundAmount: row.refund_amount,
    renewalCount: row.renewal_count,
    contractStartedAt: row.contract_started_at,
    cancelledAt: row.cancelled_at,
    channels: row.channels,
  }));
}

/** Store the latest loyalty & value analysis of an organisation (replacing the previous one). */
export async function saveOutcomeAnalysis(
  db: Db,
  orgId: string,
  computedAt: Date,
  result: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('outcome_analyses')
    .values({ org_id: orgId, computed_at: computedAt, result: JSON.stringify(result) })
    .onConflict((conflict) =>
      conflict.column('org_id').doUpdateSet({
        computed_at: computedAt,
        result: JSON.stringify(result),
      }),
    )
    .execute();
}

export async function findOutcomeAnalysis(
  db: Db,
  orgId: string,
): Promise<{ computedAt: Date; result: Record<string, unknown> } | undefined> {
  const row = await db
    .selectFrom('outcome_analyses')
    .select(['computed_at', 'result'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row ? { computedAt: row.computed_at, result: row.result } : undefined;
}

/**
 * Organisations whose customer summaries changed since their last loyalty analysis (or that have none):
 * the ones the analysis job refits, oldest analysis first.
 */
export async function listOrganisationsWithNewOutcomes(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('customer_summaries as s')
    .leftJoin('outcome_analyses as a', 'a.org_id', 's.org_id')
    .select('s.org_id')
    .groupBy(['s.org_id', 'a.computed_at'])
    .having((eb) =>
      eb.or([eb('a.computed_at', 'is', null), eb(eb.fn.max('s.updated_at'), '>', eb.ref('a.computed_at'))]),
    )
    .orderBy('a.computed_at', (order) => order.asc().nullsFirst())
    .limit(limit)
    .execute();
  return rows.map((row) => row.org_id);
}

/** What an identified customer said: the answer time, NPS and topics of their analysed feedback. */
export interface CustomerAnswer {
  customerRef: string;
  answeredAt: Date;
  nps: number | null;
  topics: string[];
}

/**
 * Analysed feedback of identified customers since `since` (the loyalty analysis joins each customer's first
 * answer to their summary). Bounded by the period, not by all history.
 */
export async function listCustomerAnswers(db: Db, orgId: string, since: Date): Promise<CustomerAnswer[]> {
  const rows = await db
    .selectFrom('feedback as f')
    .innerJoin('feedback_analysis as a', (join) =>
      join.onRef('a.feedback_id', '=', 'f.id').onRef('a.feedback_received_at', '=', 'f.received_at'),
    )
    .select([
      'f.customer_ref',
      'f.occurred_at',
      'f.nps',
      sql<unknown>`coalesce(a.details->'topics', '[]'::jsonb)`.as('topics'),
    ])
    .where('f.org_id', '=', orgId)
    .where('a.org_id', '=', orgId)
    .where('f.customer_ref', 'is not', null)
    .where('f.received_at', '>=', since)
    .execute();
  return rows.map((row) => ({
    customerRef: row.customer_ref!,
    answeredAt: row.occurred_at,
    nps: row.nps,
    topics: Array.isArray(row.topics)
      ? row.topics.flatMap((topic) =>
          typeof topic === 'object' && topic !== null && 'id' in topic ? [String(topic.id)] : [],
        )
      : [],
  }));
}
