import type { Db } from './connection.js';
import type { Organisation } from './schema.js';

export async function createOrganisation(db: Db, name: string): Promise<Organisation> {
  return db.insertInto('organisations').values({ name }).returningAll().executeTakeFirstOrThrow();
}

export async function findOrganisation(db: Db, orgId: string): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirst();
}
