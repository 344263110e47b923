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
