import type { Db } from './connection.js';
import type { Survey } from './surveys.tables.js';

/** Smallest group whose answers are shown on their own, unless the organisation sets another. */
export const DEFAULT_MIN_GROUP_SIZE = 5;

/** The organisation's minimum group size as set now: what a wave opened now will keep. */
export async function minGroupSizeOf(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('survey_settings')
    .select('min_group_size')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row?.min_group_size ?? DEFAULT_MIN_GROUP_SIZE;
}

/**
 * The minimum group size a wave's answers are held to: the one in force when it opened, or the current
 * setting if that is larger. Lowering the setting after answers came in would otherwise reveal groups their
 * respondents were promised would stay hidden; raising it protects them at once.
 */
export async function waveMinGroupSize(db: Db, survey: Pick<Survey, 'org_id' | 'min_group_size'>) {
  const current = await minGroupSizeOf(db, survey.org_id);
  return Math.max(current, survey.min_group_size ?? current);
}
