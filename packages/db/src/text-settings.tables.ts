import type { ColumnType, JSONColumnType } from 'kysely';

/** An organisation topic as stored: what `@cxloop/text` takes as a custom topic. */
export interface StoredTopic {
  id: string;
  label: string;
  seedTerms: string[];
  excludes: string[];
}

export interface TextSettingsTable {
  org_id: string;
  topics: JSONColumnType<StoredTopic[], string, string>;
  phone_region: string | null;
  brand_handles: string[];
  version: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TextSettingsTables {
  text_settings: TextSettingsTable;
}
