import type { ColumnType, Generated } from 'kysely';

type Day = ColumnType<Date, string, string>;

/** A stage of the organisation's customer journey (browse, order, delivery …), keyed by a short slug. */
export interface TouchpointTable {
  org_id: string;
  key: string;
  name: string;
  /** Order along the journey, from 0. */
  position: number;
  owner_team_id: string | null;
  /** Event `touchpoint` values (compared trimmed, case-insensitively) that name this touchpoint besides its key. */
  event_values: string[];
}

/** The touchpoint a source's feedback falls to when its event names no declared touchpoint. */
export interface TouchpointSourceTable {
  org_id: string;
  source_id: string;
  touchpoint_key: string;
}

/** Per topic of the analysis: the touchpoint its mentions belong to, and the team that owns it. */
export interface TopicSettingTable {
  org_id: string;
  topic: string;
  touchpoint_key: string | null;
  owner_team_id: string | null;
}

/** Feedback per day (of receipt, UTC), unit, source and event touchpoint value: what coverage reads. */
export interface RollupSourceTouchpointDailyTable {
  org_id: string;
  day: Day;
  unit_id: string | null;
  source_id: string;
  touchpoint: string | null;
  feedback_count: Generated<number>;
}

export interface JourneyTables {
  touchpoints: TouchpointTable;
  touchpoint_sources: TouchpointSourceTable;
  topic_settings: TopicSettingTable;
  rollup_source_touchpoint_daily: RollupSourceTouchpointDailyTable;
}
