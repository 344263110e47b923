import { Readable } from 'node:stream';
import { isAfter, readScoreChangesAfter, type StreamEntry } from '@cxloop/runtime';
import type { Redis } from 'ioredis';
import type { ScoreHub } from './score-hub.js';

/**
 * How much a connection buffers before it stops taking entries from the hub. A client that reads slower than
 * scores change is not fed more until it has taken what it was sent; it then catches up from the Redis
 * Stream where it left off, so a slow client costs at most this much memory and still misses nothing.
 */
export const SCORE_STREAM_BUFFER_BYTES = 64 * 1024;
/** Range reads of a catch-up take this many entries at a time. */
const CATCH_UP_PAGE = 500;

export interface ScoreConnectionOptions {
  hub: ScoreHub;
  /** A non-blocking connection for catch-up range reads. */
  redis: Redis;
  key: string;
  /** The last entry this client has seen: its Last-Event-ID, or the newest entry when it starts afresh. */
  cursor: string;
  /** The browser's wait before reconnecting after the stream drops. */
  retryMs: number;
}

/** One SSE event of a score change; its id is the stream entry id, which a reconnecting client sends back. */
const scoreEvent = (entry: StreamEntry) =>
  `id: ${entry.id}\nevent: score\ndata: ${JSON.stringify(entry.event)}\n\n`;

/**
 * One client's score stream as a Node readable of SSE text, for `reply.send()`: Fastify pipes it to the
 * socket and the socket's backpressure reaches back here. Entries come from the hub while the client keeps
 * up, and from range reads when it has fallen behind (or has just connected with a Last-Event-ID).
 */
export class ScoreConnection extends Readable {
  #cursor: string;
  /** The client's buffer is full: take nothing from the hub until it asks for more. */
  #behind = false;
  #catchingUp = false;
  /** Entries came from the hub during a catch-up: read the range again before following the hub. */
  #missedDuringCatchUp = false;
  #leave: (() => void) | undefined;

  private constructor(private readonly options: ScoreConnectionOptions) {
    super({ highWaterMark: SCORE_STREAM_BUFFER_BYTES, encoding: 'utf8' });
    this.#cursor = options.cursor;
    this.push(`retry: ${options.retryMs}\n: connected\n\n`);
  }

  /** Opens a connection: follows the hub first, then catches up, so no entry falls between the two. */
  static async open(options: ScoreConnectionOptions): Promise<ScoreConnection> {
    const connection = new ScoreConnection(options);
    connection.#catchingUp = true;
    const leave = await options.hub.join(options.key, (entries) => connection.#fromHub(entries));
    if (connection.destroyed) leave();
    else connection.#leave = leave;
    connection.#catchingUp = false;
    void connection.#catchUp();
    return connection;
  }

  /** A comment line when idle, so proxies keep the stream open and the client notices a dead one. */
  heartbeat(): void {
    if (!this.#behind && !this.destroyed) this.push(': heartbeat\n\n');
  }

  /** Ends the stream after what is buffered (the credential ended, or the server is closing). */
  finish(): void {
    this.#leave?.();
    this.#leave = undefined;
    if (!this.destroyed && !this.readableEnded) this.push(null);
  }

  override _read(): void {
    if (!this.#behind) return;
    this.#behind = false;
    void this.#catchUp();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#leave?.();
    this.#leave = undefined;
    callback(error);
  }

  #fromHub(entries: readonly StreamEntry[]): void {
    if (this.#behind || this.#catchingUp) {
      this.#missedDuringCatchUp = true;
      return;
    }
    this.#send(entries);
  }

  /** Sends entries after the cursor until the client's buffer is full. */
  #send(entries: readonly StreamEntry[]): void {
    for (const entry of entries) {
      if (!isAfter(entry.id, this.#cursor)) continue;
      this.#cursor = entry.id;
      if (!this.push(scoreEvent(entry))) {
        this.#behind = true;
        return;
      }
    }
  }

  async #catchUp(): Promise<void> {
    if (this.#catchingUp) {
      this.#missedDuringCatchUp = true;
      return;
    }
    this.#catchingUp = true;
    try {
      do {
        this.#missedDuringCatchUp = false;
        for (;;) {
          const missed = await readScoreChangesAfter(
            this.options.redis,
            this.options.key,
            this.#cursor,
            CATCH_UP_PAGE,
          );
          if (this.destroyed) return;
          this.#send(missed);
          if (this.#behind || missed.length < CATCH_UP_PAGE) break;
        }
      } while (this.#missedDuringCatchUp && !this.#behind);
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.#catchingUp = false;
    }
  }
}
