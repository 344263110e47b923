import type { Db } from './connection.js';
import type { StoredAnalysisTopics, StoredTopic } from './text-settings.tables.js';

export type { StoredAnalysisTopics, StoredTopic } from './text-settings.tables.js';

/** What the analysis worker passes to the analyser for one organisation. */
export interface TextSettings {
  /** The organisation's own topic entries (built-ins it has not touched are not listed). */
  topics: StoredTopic[];
  /** The analyser's view of `topics` at this version: widened terms, built-ins left out. */
  analysisTopics: StoredAnalysisTopics;
  /** ISO 3166-1 alpha-2 region of the organisation's customers' phone numbers; null: GB and US. */
  phoneRegion: string | null;
  brandHandles: string[];
  /** 0 until the organisation saves settings; each save adds one. */
  version: number;
}

const DEFAULT_TEXT_SETTINGS: TextSettings = {
  topics: [],
  analysisTopics: { customTopics: [], retiredDefaultTopics: [] },
  phoneRegion: null,
  brandHandles: [],
  version: 0,
};

export async function loadTextSettings(db: Db, orgId: string): Promise<TextSettings> {
  const row = await db.selectFrom('text_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!row) return DEFAULT_TEXT_SETTINGS;
  return {
    topics: row.topics,
    analysisTopics: row.analysis_topics,
    phoneRegion: row.phone_region,
    brandHandles: row.brand_handles,
    version: row.version,
  };
}

/** A new taxonomy: its topics, the analyser's view of them and the change that made it, for the version log. */
export interface TaxonomyRevision {
  topics: StoredTopic[];
  analysisTopics: StoredAnalysisTopics;
  change: Record<string, unknown>;
  /** False when only labels changed: stored analyses keep their topics and no re-analysis runs. */
  changesDetection: boolean;
}

export interface SavedTextSettings extends TextSettings {
  /** True when this save queued a re-analysis of history (see topic-reanalysis.ts). */
  reanalysisQueued: boolean;
}

/**
 * Saves the organisation's settings as a new version, in one transaction. With a taxonomy revision the version
 * is logged, and when detection changed, a re-analysis run for it is queued and older unfinished runs are
 * superseded (the new run brings every older analysis to the new version). `expectedVersion`, when given, makes
 * the save refuse (returns undefined) if someone saved in between, so two admins' changes never overwrite each
 * other unseen.
 */
export async function saveTextSettings(
  db: Db,
  orgId: string,
  settings: { phoneRegion: string | null; brandHandles: string[] },
  taxonomy?: TaxonomyRevision,
  expectedVersion?: number,
): Promise<SavedTextSettings | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('text_settings')
      .select(['version', 'topics', 'analysis_topics'])
      .where('org_id', '=', orgId)
      .forUpdate()
      .executeTakeFirst();
    if (expectedVersion !== undefined && (current?.version ?? 0) !== expectedVersion) return undefined;
    const topics = taxonomy?.topics ?? current?.topics ?? [];
    const analysisTopics = taxonomy?.analysisTopics ??
      current?.analysis_topics ?? { customTopics: [], retiredDefaultTopics: [] };
    const values = {
      topics: JSON.stringify(topics),
      analysis_topics: JSON.stringify(analysisTopics),
      phone_region: settings.phoneRegion,
      brand_handles: settings.brandHandles,
    };
    const row = await trx
      .insertInto('text_settings')
      .values({ org_id: orgId, ...values })
      .onConflict((oc) =>
        oc.column('org_id').doUpdateSet((eb) => ({
          ...values,
          version: eb('text_settings.version', '+', 1),
          updated_at: new Date(),
        })),
      )
      .returning(['version'])
      .executeTakeFirstOrThrow();
    let reanalysisQueued = false;
    if (taxonomy !== undefined) {
      await trx
        .insertInto('topic_taxonomy_versions')
        .values({
          org_id: orgId,
          version: row.version,
          topics: JSON.stringify(topics),
          change: JSON.stringify(taxonomy.change),
          changes_detection: taxonomy.changesDetection,
        })
        .execute();
      if (taxonomy.changesDetection) {
        await trx
          .updateTable('topic_reanalysis_runs')
          .set({ status: 'superseded', finished_at: new Date() })
          .where('org_id', '=', orgId)
          .where('status', 'in', ['queued', 'running'])
          .execute();
        await trx
          .insertInto('topic_reanalysis_runs')
          .values({ org_id: orgId, taxonomy_version: row.version })
          .execute();
        reanalysisQueued = true;
      }
    }
    return { ...settings, topics, analysisTopics, version: row.version, reanalysisQueued };
  });
}

/** The organisation's taxonomy versions, newest first: what changed and when. */
export function listTaxonomyVersions(db: Db, orgId: string, limit = 50) {
  return db
    .selectFrom('topic_taxonomy_versions')
    .select(['version', 'change', 'changes_detection', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('version', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The organisation's most recent feedback texts: the corpus a taxonomy's seed terms are widened with. Bounded,
 * so saving a taxonomy costs the same at any history length.
 */
export async function recentFeedbackTexts(db: Db, orgId: string, limit = 2_000): Promise<string[]> {
  const rows = await db
    .selectFrom('feedback')
    .select('text')
    .where('org_id', '=', orgId)
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => row.text);
}
