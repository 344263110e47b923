import type { Db } from './connection.js';
import type { ReplyTemplate } from './triage.tables.js';

/** An organisation's reply templates (macros), by name. */
export async function listReplyTemplates(db: Db, orgId: string): Promise<ReplyTemplate[]> {
  return db.selectFrom('reply_templates').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

/** Adds a template; undefined when the organisation already has one of that name. */
export async function createReplyTemplate(
  db: Db,
  orgId: string,
  template: { name: string; body: string },
): Promise<ReplyTemplate | undefined> {
  return db
    .insertInto('reply_templates')
    .values({ org_id: orgId, name: template.name, body: template.body })
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export type TemplateUpdate =
  | { ok: true; template: ReplyTemplate }
  | { ok: false; reason: 'not_found' | 'name_taken' };

/** Renames and/or rewrites a template. */
export async function updateReplyTemplate(
  db: Db,
  orgId: string,
  templateId: string,
  change: { name?: string; body?: string },
): Promise<TemplateUpdate> {
  try {
    const template = await db
      .updateTable('reply_templates')
      .set({ ...change, updated_at: new Date() })
      .where('org_id', '=', orgId)
      .where('id', '=', templateId)
      .returningAll()
      .executeTakeFirst();
    return template ? { ok: true, template } : { ok: false, reason: 'not_found' };
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') return { ok: false, reason: 'name_taken' };
    throw error;
  }
}

export async function deleteReplyTemplate(db: Db, orgId: string, templateId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('reply_templates')
    .where('org_id', '=', orgId)
    .where('id', '=', templateId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
