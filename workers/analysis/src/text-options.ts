import { type Db, loadTextSettings } from '@cxloop/db';
import { type AnalyseOptions, isPhoneRegion } from '@cxloop/text';

/** Options by organisation and settings version: the same object job after job, so the analyser compiles the
 * organisation's topics once per version instead of once per batch. */
const byVersion = new Map<string, { version: number; options: AnalyseOptions }>();

/** The analyser options of an organisation's current text settings: its topics, phone region and brand handles. */
export async function analyseOptionsFor(db: Db, orgId: string): Promise<AnalyseOptions> {
  const settings = await loadTextSettings(db, orgId);
  const cached = byVersion.get(orgId);
  if (cached?.version === settings.version) return cached.options;
  const options: AnalyseOptions = {
    customTopics: settings.topics,
    brandHandles: settings.brandHandles,
    ...(settings.phoneRegion !== null && isPhoneRegion(settings.phoneRegion)
      ? { defaultRegion: settings.phoneRegion }
      : {}),
  };
  byVersion.set(orgId, { version: settings.version, options });
  return options;
}
