import type { Db } from './connection.js';
import type { SavedCaseView, SavedCaseViewFilters } from './triage.tables.js';

/** The inbox views an organisation's responders saved, by name. */
export async function listSavedCaseViews(db: Db, orgId: string): Promise<SavedCaseView[]> {
  return db.selectFrom('saved_case_views').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

/** Saves a view; undefined when the organisation already has one of that name. */
export async function createSavedCaseView(
  db: Db,
  orgId: string,
  view: { name: string; filters: SavedCaseViewFilters; createdByMemberId: string | null },
): Promise<SavedCaseView | undefined> {
  return db
    .insertInto('saved_case_views')
    .values({
      org_id: orgId,
      name: view.name,
      filters: JSON.stringify(view.filters),
      created_by_member_id: view.createdByMemberId,
    })
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSavedCaseView(db: Db, orgId: string, viewId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('saved_case_views')
    .where('org_id', '=', orgId)
    .where('id', '=', viewId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
