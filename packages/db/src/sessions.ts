import type { Role } from '@cxloop/contracts';
import type { Db } from './connection.js';

export interface ActiveSession {
  orgId: string;
  apiKeyId: string;
  role: Role;
  expiresAt: Date;
}

/** Stores a new session for an API key; `tokenHash` is the SHA-256 of the token the browser keeps. */
export async function createSession(
  db: Db,
  orgId: string,
  session: { tokenHash: string; apiKeyId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      org_id: orgId,
      api_key_id: session.apiKeyId,
      expires_at: session.expiresAt,
    })
    .execute();
}

/**
 * The session of a token hash if it has not expired and its API key is still active. The role is read from
 * the key on every request, so a key's revocation takes effect on its sessions at once.
 */
export async function findActiveSession(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<ActiveSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('api_keys', (join) =>
      join.onRef('api_keys.id', '=', 'sessions.api_key_id').onRef('api_keys.org_id', '=', 'sessions.org_id'),
    )
    .select(['sessions.org_id', 'sessions.api_key_id', 'sessions.expires_at', 'api_keys.role'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { orgId: row.org_id, apiKeyId: row.api_key_id, role: row.role, expiresAt: row.expires_at };
}

/** Ends a session (sign-out). Deleting a token that does not exist is not an error. */
export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Removes sessions that expired before `now`, so the table holds only live ones. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
