import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One customer identity per organisation, shared by feedback and outcomes (migration …_outcomes). */
export interface CustomerTable {
  id: Generated<string>;
  org_id: string;
  customer_ref: string;
  segment: string | null;
  region: string | null;
  plan: string | null;
  created_at: CreatedAt;
}

export interface OutcomeEventTable {
  id: Generated<string>;
  org_id: string;
  source_id: string;
  external_id: string;
  customer_id: string;
  kind: 'purchase' | 'refund' | 'renewal' | 'cancellation';
  occurred_at: Timestamp;
  /** numeric: pg returns it as a string so no cent is lost. */
  amount: ColumnType<string | null, string | number | null, string | number | null>;
  currency: string | null;
  order_ref: string | null;
  channel: string | null;
  received_at: CreatedAt;
}

/** Kept in the same transaction as every outcome event; the analyses read only these. */
export interface CustomerSummaryTable {
  customer_id: string;
  org_id: string;
  currency: string | null;
  first_purchase_at: Timestamp | null;
  first_purchase_amount: Generated<number>;
  last_purchase_at: Timestamp | null;
  purchase_count: Generated<number>;
  purchase_spend: Generated<number>;
  refund_count: Generated<number>;
  refund_amount: Generated<number>;
  renewal_count: Generated<number>;
  contract_started_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  /** Every channel the customer bought through, for "where high-value customers buy". */
  channels: Generated<string[]>;
  updated_at: Generated<Date>;
}

/** The latest loyalty & value analysis of an organisation, as the worker computed it. */
export interface OutcomeAnalysisTable {
  org_id: string;
  computed_at: Timestamp;
  result: JSONColumnType<Record<string, unknown>>;
}

export interface OutcomeTables {
  customers: CustomerTable;
  outcome_events: OutcomeEventTable;
  customer_summaries: CustomerSummaryTable;
  outcome_analyses: OutcomeAnalysisTable;
}
