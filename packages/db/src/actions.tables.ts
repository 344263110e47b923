import type {
  ActionMetric,
  ActionOrigin,
  ActionPriority,
  ActionStatus,
  EffectAnchor,
} from '@cxloop/contracts';
import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';

/** A `date` column: written as 'YYYY-MM-DD', read back as a Date at UTC midnight by pg. */
type Day = ColumnType<Date, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** An improvement action (migration 20261208T0100_action_items). */
export interface ActionItemTable {
  id: Generated<string>;
  org_id: string;
  title: string;
  description: Generated<string>;
  scope_unit_id: string | null;
  scope_channel: string | null;
  scope_touchpoint: string | null;
  scope_topic: string | null;
  owner_team_id: string | null;
  owner_member_id: string | null;
  metric: ActionMetric;
  target_value: number;
  start_date: Day;
  due_date: Day;
  measure_from: Generated<EffectAnchor>;
  effect_window_days: Generated<number>;
  priority: ActionPriority;
  status: Generated<ActionStatus>;
  origin: ActionOrigin;
  origin_rising_issue_id: string | null;
  origin_ref: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** When the action first reached "planned" (or beyond): what D6.2.1's "planned within n days" reads. */
  planned_at: Timestamp | null;
  done_at: Timestamp | null;
  /** Done or abandoned. */
  closed_at: Timestamp | null;
  /** The effect as judged once the action closed and its after window was complete; never rewritten. */
  frozen_effect: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  effect_frozen_at: Timestamp | null;
}

export interface ActionCommentTable {
  id: Generated<string>;
  org_id: string;
  action_id: string;
  body: string;
  author_member_id: string | null;
  author_api_key_id: string | null;
  created_at: CreatedAt;
}

/** Append-only audit trail of an action. */
export interface ActionEventTable {
  id: Generated<string>;
  org_id: string;
  action_id: string;
  /** created, updated, status, commented, effect_frozen. */
  event: string;
  actor_member_id: string | null;
  actor_api_key_id: string | null;
  from_status: string | null;
  to_status: string | null;
  details: JSONColumnType<Record<string, unknown>, string | undefined, never>;
  at: CreatedAt;
}

/** One customer told about one action: at most once (migration 20261208T0110_action_notices). */
export interface ActionNoticeTable {
  org_id: string;
  action_id: string;
  customer_ref: string;
  feedback_id: string;
  outbound_message_id: string;
  notified_at: Timestamp;
}

/** A customer who asked not to be contacted. */
export interface ContactOptOutTable {
  org_id: string;
  customer_ref: string;
  opted_out_at: Timestamp;
}

export interface ActionTables {
  action_notices: ActionNoticeTable;
  contact_opt_outs: ContactOptOutTable;
  action_items: ActionItemTable;
  action_comments: ActionCommentTable;
  action_events: ActionEventTable;
}

export type ActionItem = Selectable<ActionItemTable>;
export type ActionComment = Selectable<ActionCommentTable>;
export type ActionEvent = Selectable<ActionEventTable>;
