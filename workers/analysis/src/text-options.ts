import { type Db, loadTextSettings } from '@cxloop/db';
import { type AnalyseOptions, isPhoneRegion } from '@cxloop/text';

/** Analyser options with the taxonomy version they carry, which each stored analysis records. */
export interface OrganisationAnalyseOptions {
  version: number;
  options: AnalyseOptions;
}

/** Options by organisation and settings version: the same object job after job, so the analyser compiles the
 * organisation's topics once per version instead of once per batch. */
const byVersion = new Map<string, OrganisationAnalyseOptions>();

/**
 * The analyser options of an organisation's current text settings: its taxonomy as stored for analysis (own
 * topics widened with its feedback, built-ins it retired left out), phone region and brand handles.
 */
export async function analyseOptionsFor(db: Db, orgId: string): Promise<OrganisationAnalyseOptions> {
  const settings = await loadTextSettings(db, orgId);
  const cached = byVersion.get(orgId);
  if (cached?.version === settings.version) return cached;
  const options: AnalyseOptions = {
    customTopics: settings.analysisTopics.customTopics,
    retiredDefaultTopics: settings.analysisTopics.retiredDefaultTopics,
    brandHandles: settings.brandHandles,
    ...(settings.phoneRegion !== null && isPhoneRegion(settings.phoneRegion)
      ? { defaultRegion: settings.phoneRegion }
      : {}),
  };
  const current = { version: settings.version, options };
  byVersion.set(orgId, current);
  return current;
}
