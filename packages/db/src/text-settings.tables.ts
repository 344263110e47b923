import type { ColumnType, JSONColumnType } from 'kysely';

/** An organisation topic as stored (`OrganisationTopic` of `@cxloop/text`). */
export interface StoredTopic {
  id: string;
  label: string;
  seedTerms: string[];
  excludes: string[];
  parentId: string | null;
  status: 'active' | 'retired' | 'merged';
  mergedInto: string | null;
}

/** The analyser's view of a taxonomy version (`TaxonomyForAnalysis` of `@cxloop/text`). */
export interface StoredAnalysisTopics {
  customTopics: {
    id: string;
    label: string;
    seedTerms: readonly string[];
    excludes?: readonly string[];
    parentId?: string | null;
  }[];
  retiredDefaultTopics: string[];
}

export interface TextSettingsTable {
  org_id: string;
  topics: JSONColumnType<StoredTopic[], string, string>;
  analysis_topics: JSONColumnType<StoredAnalysisTopics, string | undefined, string>;
  phone_region: string | null;
  brand_handles: string[];
  version: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TopicTaxonomyVersionTable {
  org_id: string;
  version: number;
  topics: JSONColumnType<StoredTopic[], string, string>;
  change: JSONColumnType<Record<string, unknown>, string, string>;
  /** False when only labels changed: history keeps its topics. */
  changes_detection: boolean;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface TopicReanalysisRunTable {
  org_id: string;
  taxonomy_version: number;
  /** queued → running → done; superseded when a newer version's run takes over. */
  status: ColumnType<'queued' | 'running' | 'done' | 'superseded', string | undefined, string>;
  /** Analyses behind the version when the run started. */
  total: ColumnType<number, number | undefined, number>;
  done: ColumnType<number, number | undefined, number>;
  /** Of those done, analyses whose topics changed. */
  revised: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface TextSettingsTables {
  text_settings: TextSettingsTable;
  topic_taxonomy_versions: TopicTaxonomyVersionTable;
  topic_reanalysis_runs: TopicReanalysisRunTable;
}
