import type { Role } from '@cxloop/contracts';
import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { ApiKey } from './schema.js';

export async function createApiKey(
  db: Db,
  key: {
    orgId: string;
    role: Role;
    name: string;
    lookup: string;
    secretHash: string;
    memberId?: string | null;
  },
): Promise<ApiKey> {
  return db
    .insertInto('api_keys')
    .values({
      org_id: key.orgId,
      role: key.role,
      name: key.name,
      lookup: key.lookup,
      secret_hash: key.secretHash,
      member_id: key.memberId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Finds a key that has not been revoked by its public lookup part; the caller compares the secret hash. */
export async function findActiveApiKey(
  db: Db,
  lookup: string,
): Promise<(ApiKey & { team_ids: string[] }) | undefined> {
  // The teams of the key's member come along in the same round trip: every authenticated request needs them.
  return db
    .selectFrom('api_keys')
    .selectAll('api_keys')
    .select(
      sql<string[]>`array(select tm.team_id from team_members tm
        where tm.member_id = api_keys.member_id and tm.org_id = api_keys.org_id order by tm.team_id)`.as(
        'team_ids',
      ),
    )
    .where('lookup', '=', lookup)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** An organisation's keys, newest first, without their secret hashes. */
export async function listApiKeys(db: Db, orgId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'member_id', 'created_at', 'revoked_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function isApiKeyActive(db: Db, orgId: string, apiKeyId: string): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', apiKeyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Revokes a key of the organisation and deletes its dashboard sessions, in one transaction. Revoking a
 * revoked key keeps its first revocation time. Undefined when the organisation has no such key.
 */
export async function revokeApiKey(db: Db, orgId: string, apiKeyId: string, now: Date) {
  return db.transaction().execute(async (trx) => {
    const key = await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`coalesce(revoked_at, ${now})` })
      .where('org_id', '=', orgId)
      .where('id', '=', apiKeyId)
      .returning(['id', 'name', 'role', 'member_id', 'created_at', 'revoked_at'])
      .executeTakeFirst();
    if (key) {
      await trx
        .deleteFrom('sessions')
        .where('org_id', '=', orgId)
        .where('api_key_id', '=', apiKeyId)
        .execute();
    }
    return key;
  });
}
