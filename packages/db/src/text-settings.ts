import type { Db } from './connection.js';
import type { StoredTopic } from './text-settings.tables.js';

export type { StoredTopic } from './text-settings.tables.js';

/** What the analysis worker passes to the analyser for one organisation. */
export interface TextSettings {
  topics: StoredTopic[];
  /** ISO 3166-1 alpha-2 region of the organisation's customers' phone numbers; null: GB and US. */
  phoneRegion: string | null;
  brandHandles: string[];
  /** 0 until the organisation saves settings; each save adds one. */
  version: number;
}

const DEFAULT_TEXT_SETTINGS: TextSettings = { topics: [], phoneRegion: null, brandHandles: [], version: 0 };

export async function loadTextSettings(db: Db, orgId: string): Promise<TextSettings> {
  const row = await db.selectFrom('text_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!row) return DEFAULT_TEXT_SETTINGS;
  return {
    topics: row.topics,
    phoneRegion: row.phone_region,
    brandHandles: row.brand_handles,
    version: row.version,
  };
}

/** Replaces the organisation's settings whole and returns them with their new version. */
export async function saveTextSettings(
  db: Db,
  orgId: string,
  settings: Omit<TextSettings, 'version'>,
): Promise<TextSettings> {
  const values = {
    topics: JSON.stringify(settings.topics),
    phone_region: settings.phoneRegion,
    brand_handles: settings.brandHandles,
  };
  const row = await db
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
  return { ...settings, version: row.version };
}
