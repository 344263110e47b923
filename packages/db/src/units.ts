import type { Db } from './connection.js';

export async function createUnit(db: Db, orgId: string, unit: { key: string; name: string }) {
  return db
    .insertInto('units')
    .values({ org_id: orgId, key: unit.key, name: unit.name })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Maps an organisation's unit keys (as senders write them) to unit ids; unknown keys are absent. */
export async function findUnitIdsByKey(
  db: Db,
  orgId: string,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('units')
    .select(['id', 'key'])
    .where('org_id', '=', orgId)
    .where('key', 'in', [...new Set(keys)])
    .execute();
  return new Map(rows.map((row) => [row.key, row.id]));
}

export async function findUnitByKey(db: Db, orgId: string, key: string) {
  return db
    .selectFrom('units')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** The organisation's units (stores, regions, product lines), by name. */
export async function listUnits(db: Db, orgId: string) {
  return db
    .selectFrom('units')
    .select(['id', 'key', 'name'])
    .where('org_id', '=', orgId)
    .orderBy('name')
    .limit(10_000)
    .execute();
}
