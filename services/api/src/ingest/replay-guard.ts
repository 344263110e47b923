import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A signature that does not cover the body (Mailgun signs only `timestamp + token`) could be lifted from
 * one delivery and sent with any other body while its timestamp is fresh. Each such signature's token is
 * remembered, with the digest of the message it first came with, until its timestamp is no longer accepted.
 */
export interface SignedToken {
  /** The sender's one-time value the signature covers (Mailgun's `token`). */
  token: string;
  /** Unix seconds after which the signature is stale anyway, so the token need not be remembered longer. */
  acceptedUntilSeconds: number;
  /** A digest of the message the token came with, without the signing fields (which a retry may renew). */
  messageDigest: string;
}

export type TokenUse = 'first' | 'same_message' | 'other_message';

/**
 * Remembers signed tokens in Redis (shared by every API replica) with one `SET NX EXAT … GET`: the first
 * use stores the message's digest, a later use learns whether it carries the same message. The same message
 * again is a retry (storing it is idempotent, so it must not be refused: a refused retry could lose an email
 * whose first attempt failed); another message under the same signature is a replay.
 *
 * @example const use = await guard.use(source.id, { token, acceptedUntilSeconds: ts + 300, messageDigest });
 */
export class ReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async use(sourceId: string, signed: SignedToken): Promise<TokenUse> {
    const tokenHash = createHash('sha256').update(signed.token).digest('hex');
    // A verified timestamp is fresh, so this lies in the future: the key outlives the signature's window.
    const expiresAt = signed.acceptedUntilSeconds + 1;
    const previous = await this.redis.set(
      `${this.prefix}:signed-token:${sourceId}:${tokenHash}`,
      signed.messageDigest,
      'EXAT',
      expiresAt,
      'NX',
      'GET',
    );
    if (previous === null) return 'first';
    return previous === signed.messageDigest ? 'same_message' : 'other_message';
  }
}
