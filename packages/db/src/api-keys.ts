import type { Role } from '@cxloop/contracts';
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
export async function findActiveApiKey(db: Db, lookup: string): Promise<ApiKey | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('lookup', '=', lookup)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}
