import { createHash, randomBytes } from 'node:crypto';

/** 24 random bytes (192 bits) in base64url: unguessable, so a single fast hash is enough to store them. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export interface InvitationToken {
  /** Goes into the respondent's link, shown once, never stored. */
  token: string;
  /** What the database keeps: SHA-256 of the token, hex. */
  hash: string;
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function issueInvitationToken(): InvitationToken {
  const token = randomBytes(24).toString('base64url');
  return { token, hash: hashInvitationToken(token) };
}

/** A string that could be a token; anything else is answered like an unknown token without a query. */
export function isInvitationToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}
