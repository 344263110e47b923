import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type OptionalTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Severities that can open a case ("none" never does). */
export type CaseSeverity = 'low' | 'medium' | 'high' | 'critical';
export type CaseStatus = 'new' | 'acknowledged' | 'in_progress' | 'resolved' | 'dismissed';

export interface TeamTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  created_at: CreatedAt;
}

export interface MemberTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  email: string;
  created_at: CreatedAt;
}

export interface TeamMemberTable {
  team_id: string;
  member_id: string;
  org_id: string;
}

/** Weekly opening hours in one time zone; SLA clocks only run inside them when an organisation sets them. */
export interface BusinessHours {
  timeZone: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local wall-clock times, "HH:MM", start before end. */
  start: string;
  end: string;
}

export interface TriageSettingsTable {
  org_id: string;
  case_flags: string[];
  min_severity: CaseSeverity;
  repeat_window_hours: number;
  default_team_id: string | null;
  escalation_url: string | null;
  escalation_secret_ciphertext: string | null;
  business_hours: ColumnType<BusinessHours | null, string | null, string | null>;
  /** Feedback that happened longer ago than this opens no case (migration …_responder_workday). */
  case_horizon_hours: Generated<number>;
  updated_at: Generated<Date>;
}

export interface SlaPolicyTable {
  org_id: string;
  severity: CaseSeverity;
  first_response_minutes: number;
  resolution_minutes: number;
}

export interface CaseTable {
  id: Generated<string>;
  org_id: string;
  feedback_id: string;
  /** Receipt time of the feedback: with feedback_id, the key of the partitioned feedback row (filled by a trigger when left out). */
  feedback_received_at: Generated<Date>;
  source_id: string;
  /** The unit of the feedback that opened the case: unit scores count their own cases. */
  unit_id: ColumnType<string | null, string | null | undefined, string | null>;
  channel: string;
  customer_ref: string | null;
  severity: CaseSeverity;
  urgency: number;
  priority: number;
  flag_codes: string[];
  topics: string[];
  status: Generated<CaseStatus>;
  dismiss_reason: string | null;
  team_id: string | null;
  assignee_id: string | null;
  version: Generated<number>;
  repeat_contacts: Generated<number>;
  reopen_count: Generated<number>;
  escalation_level: Generated<number>;
  replies_delivered: Generated<number>;
  /** The feedback that gave the case its current severity; null: the opening feedback (…_responder_workday). */
  lead_feedback_id: ColumnType<string | null, string | null | undefined, string | null>;
  lead_feedback_received_at: OptionalTimestamp;
  opened_at: Timestamp;
  first_response_due_at: Timestamp;
  resolution_due_at: Timestamp;
  acknowledged_at: OptionalTimestamp;
  first_assigned_at: OptionalTimestamp;
  first_response_at: OptionalTimestamp;
  closed_at: OptionalTimestamp;
  first_response_breached_at: OptionalTimestamp;
  resolution_breached_at: OptionalTimestamp;
  updated_at: Generated<Date>;
}

export interface CaseFeedbackTable {
  feedback_id: string;
  /** Receipt time of the feedback: with feedback_id, the key of the partitioned feedback row (filled by a trigger when left out). */
  feedback_received_at: Generated<Date>;
  case_id: string;
  org_id: string;
  relation: 'opened' | 'repeat_contact';
  linked_at: CreatedAt;
}

export interface CaseNoteTable {
  id: Generated<string>;
  case_id: string;
  org_id: string;
  author_member_id: string | null;
  author_api_key_id: string | null;
  body: string;
  created_at: CreatedAt;
}

export interface CaseEventTable {
  id: Generated<string>;
  case_id: string;
  org_id: string;
  action: string;
  actor_member_id: string | null;
  actor_api_key_id: string | null;
  from_status: string | null;
  to_status: string | null;
  details: JSONColumnType<Record<string, unknown>, string | undefined>;
  at: Timestamp;
}

/** A reply on a case, an escalation notice, or an improvement action's "you said, we did" notice. */
export type OutboundKind = 'reply' | 'escalation' | 'action_update';
export type OutboundStatus = 'pending' | 'delivered' | 'dead';

export interface OutboundMessageTable {
  id: Generated<string>;
  org_id: string;
  /** Null for an action update, which belongs to an action and goes through `source_id`'s reply target. */
  case_id: string | null;
  action_id: ColumnType<string | null, string | null | undefined, never>;
  source_id: ColumnType<string | null, string | null | undefined, never>;
  kind: OutboundKind;
  payload: JSONColumnType<Record<string, unknown>>;
  author_member_id: string | null;
  /** A reply that resolves its case when, and only when, it is delivered (…_responder_workday). */
  resolves_case: Generated<boolean>;
  status: Generated<OutboundStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: CreatedAt;
  delivered_at: OptionalTimestamp;
  dead_at: OptionalTimestamp;
}

/** A saved answer a responder starts a reply from (a macro). */
export interface ReplyTemplateTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  body: string;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

/** The filters of an inbox view, as the list route takes them. */
export interface SavedCaseViewFilters {
  status?: string[];
  severity?: string[];
  sla?: string;
  assignee?: string;
  team?: string;
  sort?: string;
}

/** A named inbox view the organisation's responders share. */
export interface SavedCaseViewTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  filters: JSONColumnType<SavedCaseViewFilters, string, string>;
  created_by_member_id: string | null;
  created_at: CreatedAt;
}

export interface TriageTables {
  teams: TeamTable;
  members: MemberTable;
  team_members: TeamMemberTable;
  triage_settings: TriageSettingsTable;
  sla_policies: SlaPolicyTable;
  cases: CaseTable;
  case_feedback: CaseFeedbackTable;
  case_notes: CaseNoteTable;
  case_events: CaseEventTable;
  outbound_messages: OutboundMessageTable;
  reply_templates: ReplyTemplateTable;
  saved_case_views: SavedCaseViewTable;
}

export type Team = Selectable<TeamTable>;
export type Member = Selectable<MemberTable>;
export type Case = Selectable<CaseTable>;
export type CaseNote = Selectable<CaseNoteTable>;
export type CaseEvent = Selectable<CaseEventTable>;
export type OutboundMessage = Selectable<OutboundMessageTable>;
export type ReplyTemplate = Selectable<ReplyTemplateTable>;
export type SavedCaseView = Selectable<SavedCaseViewTable>;
