import type { Role } from '@cxloop/contracts';
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { ActionTables } from './actions.tables.js';
import type { AssessmentTables } from './assessments.tables.js';
import type { JourneyTables } from './journey.tables.js';
import type { OutcomeTables } from './outcomes.tables.js';
import type { AggregationTables } from './rollups.tables.js';
import type { SessionTables } from './sessions.tables.js';
import type { SourceDeliveryTables } from './source-deliveries.tables.js';
import type { SurveysTables } from './surveys.tables.js';
import type { TextSettingsTables } from './text-settings.tables.js';
import type { TriageTables } from './triage.tables.js';
import type { VendorFetchTables } from './vendor-fetches.tables.js';

/** A timestamp column Postgres fills by default and pg returns as a Date. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface OrganisationTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
  /** Moves when feedback is counted into a settled day (settled-days.ts). */
  settled_rollup_revision: ColumnType<string, never, never>;
}

export interface UnitTable {
  id: Generated<string>;
  org_id: string;
  key: string;
  name: string;
  created_at: CreatedAt;
}

export interface SourceTable {
  id: Generated<string>;
  org_id: string;
  unit_id: string | null;
  name: string;
  channel: string;
  adapter: Generated<string>;
  status: Generated<'active' | 'paused'>;
  secret_ciphertext: string;
  settings: Generated<JSONColumnType<Record<string, unknown>>>;
  created_at: CreatedAt;
  // Vendor adapters, rotation, rate limit and stats (migration 20261123T1200_source_adapters).
  adapter_config: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  field_mapping: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: Timestamp | null;
  secret_rotated_at: Timestamp | null;
  rate_limit_per_minute: Generated<number>;
  last_delivery_at: Timestamp | null;
  accepted_count: ColumnType<string, never, string>;
  /** Feedback imported from files, counted apart from deliveries (migration 20261208T0300). */
  imported_count: ColumnType<string, never, string>;
  rejected_count: ColumnType<string, never, string>;
  last_error: string | null;
  last_error_at: Timestamp | null;
  /** Sealed vendor API token (migration 20261123T1420_source_vendor_token). */
  vendor_token_ciphertext: string | null;
  /** Deliveries logged so far; the next one takes slot `delivery_seq % 200` (migration …_delivery_log_ring). */
  delivery_seq: ColumnType<string, never, never>;
  // Where replies to this source's customers go, and their sealed signing secret (migration …_triage).
  reply_url: string | null;
  reply_secret_ciphertext: string | null;
  /** Hours before now within which feedback may open a case; null follows the organisation's (…_responder_workday). */
  case_horizon_hours: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface ApiKeyTable {
  id: Generated<string>;
  org_id: string;
  role: Role;
  name: string;
  lookup: string;
  secret_hash: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  /** The person the key acts for (migration …_triage); null for keys of scripts and integrations. */
  member_id: string | null;
}

export interface FeedbackTable {
  id: Generated<string>;
  org_id: string;
  unit_id: string | null;
  source_id: string;
  channel: string;
  external_id: string;
  customer_ref: string | null;
  text: string;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  touchpoint: string | null;
  locale: string | null;
  metadata: JSONColumnType<Record<string, unknown>>;
  occurred_at: Timestamp;
  received_at: CreatedAt;
  status: Generated<'received' | 'analysed' | 'failed'>;
  analysed_at: Timestamp | null;
  /** Set when the feedback was counted into the rollups, in the same transaction (aggregation migration). */
  aggregated_at: Generated<Date | null>;
}

/** The idempotency key of feedback: one row per (source, external id), claimed when the feedback is stored. */
export interface FeedbackKeyTable {
  source_id: string;
  external_id: string;
  feedback_id: string;
  received_at: Date;
}

export interface FeedbackAnalysisTable {
  feedback_id: string;
  /** Receipt time of the feedback: with feedback_id, the key of the partitioned feedback row (filled by a trigger when left out). */
  feedback_received_at: Generated<Date>;
  org_id: string;
  analyser_version: string;
  language: string;
  sentiment_score: number | null;
  sentiment_label: string | null;
  severity: string;
  urgency: number;
  details: JSONColumnType<Record<string, unknown>>;
  redacted_text: string;
  analysed_at: CreatedAt;
  /** The organisation's topic taxonomy version the stored topics come from (0: built-in topics only). */
  taxonomy_version: ColumnType<number, number | undefined, number>;
}

export interface MaintenanceRunTable {
  task: string;
  last_run_at: Timestamp;
  last_result: JSONColumnType<Record<string, unknown>>;
}

export interface FoundationTables {
  organisations: OrganisationTable;
  units: UnitTable;
  sources: SourceTable;
  api_keys: ApiKeyTable;
  feedback: FeedbackTable;
  feedback_keys: FeedbackKeyTable;
  feedback_analysis: FeedbackAnalysisTable;
  maintenance_runs: MaintenanceRunTable;
}

/**
 * Every table, composed from one interface per area. An area (triage, surveys, rollups …) declares its
 * tables in its own `*.tables.ts` and adds itself here.
 */
export interface Database
  extends FoundationTables,
    SourceDeliveryTables,
    TriageTables,
    SurveysTables,
    AggregationTables,
    SessionTables,
    TextSettingsTables,
    VendorFetchTables,
    OutcomeTables,
    JourneyTables,
    AssessmentTables,
    ActionTables {}

export type Organisation = Selectable<OrganisationTable>;
export type Source = Selectable<SourceTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type Feedback = Selectable<FeedbackTable>;
export type FeedbackAnalysis = Selectable<FeedbackAnalysisTable>;
export type NewFeedbackAnalysis = Insertable<FeedbackAnalysisTable>;
