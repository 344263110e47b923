import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Credentials that stopped being valid, announced to every API replica over Redis pub/sub so that what a
 * replica holds open for them (score streams) ends within moments, not at its next check.
 */
export const AccessEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key_revoked'), apiKeyId: z.uuid() }),
  z.object({ kind: z.literal('session_ended'), sessionTokenHash: z.string().regex(/^[0-9a-f]{64}$/) }),
]);
export type AccessEvent = z.infer<typeof AccessEvent>;

const channelOf = (prefix: string) => `${prefix}:access-events`;

/**
 * Announces an ended credential. Best effort: a replica that misses it (Redis away) still notices at its
 * streams' next heartbeat, when each stream checks its credential again.
 */
export async function publishAccessEvent(redis: Redis, prefix: string, event: AccessEvent): Promise<void> {
  await redis.publish(channelOf(prefix), JSON.stringify(event));
}

/** What holds a credential open: ended when that credential is. */
export interface CredentialHolder {
  apiKeyId: string;
  sessionTokenHash?: string | undefined;
  end(): void;
}

/**
 * This replica's listener: one subscriber connection, and the holders (open streams) to end when their key
 * is revoked or their session signed out, on this replica or another.
 *
 * @example const release = accessEvents.hold({ apiKeyId, sessionTokenHash, end: () => stream.end() });
 */
export class AccessEvents {
  readonly #holders = new Set<CredentialHolder>();
  readonly #subscriber: Redis;

  constructor(
    redis: Redis,
    readonly prefix: string,
    log: FastifyBaseLogger,
  ) {
    // A subscriber connection may queue commands while it reconnects, unlike the fail-fast command connection.
    this.#subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.#subscriber.on('error', (error) => log.warn({ err: error }, 'access events subscriber error'));
    this.#subscriber.on('message', (_channel, message: string) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        return;
      }
      const event = AccessEvent.safeParse(parsed);
      if (event.success) this.#apply(event.data);
    });
    this.#subscriber
      .subscribe(channelOf(prefix))
      .catch((error: unknown) => log.warn({ err: error }, 'cannot subscribe to access events'));
  }

  #apply(event: AccessEvent) {
    for (const holder of [...this.#holders]) {
      const ended =
        event.kind === 'key_revoked'
          ? holder.apiKeyId === event.apiKeyId
          : holder.sessionTokenHash === event.sessionTokenHash;
      if (ended) holder.end();
    }
  }

  /** Registers something open for a credential; call the returned function when it closes on its own. */
  hold(holder: CredentialHolder): () => void {
    this.#holders.add(holder);
    return () => this.#holders.delete(holder);
  }

  /**
   * Ends this replica's holders of a credential at once, then tells the other replicas. A failed publish is
   * logged, not thrown: the credential is already ended in PostgreSQL, and other replicas' streams notice at
   * their next heartbeat.
   */
  async announce(redis: Redis, event: AccessEvent, log: FastifyBaseLogger): Promise<void> {
    this.#apply(event);
    await publishAccessEvent(redis, this.prefix, event).catch((error: unknown) =>
      log.warn({ err: error, kind: event.kind }, 'access event not published; other replicas notice later'),
    );
  }

  close(): void {
    this.#subscriber.disconnect();
  }
}
