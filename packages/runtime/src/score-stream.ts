import type { ScoreChangeEvent } from '@cxloop/contracts';
import type { Redis } from 'ioredis';

/**
 * Score changes travel on one Redis Stream per organisation. A stream (not pub/sub) lets every API instance
 * read the same events independently and lets a reconnecting client resume from the entry id it last saw
 * (SSE Last-Event-ID), without gaps or duplicates.
 */

/** How many changes an organisation's stream keeps for resuming clients; older ones are trimmed. */
export const SCORE_STREAM_LENGTH = 10_000;

export function scoreStreamKey(prefix: string, orgId: string): string {
  return `${prefix}:scores:${orgId}`;
}

/** Appends a change to its organisation's stream; returns the entry id (the SSE event id). */
export async function publishScoreChange(
  redis: Redis,
  prefix: string,
  event: ScoreChangeEvent,
): Promise<string> {
  const id = await redis.xadd(
    scoreStreamKey(prefix, event.orgId),
    'MAXLEN',
    '~',
    String(SCORE_STREAM_LENGTH),
    '*',
    'event',
    JSON.stringify(event),
  );
  if (id === null) throw new Error('XADD returned no id');
  return id;
}

export interface StreamEntry {
  id: string;
  event: ScoreChangeEvent;
}

type RawEntries = [id: string, fields: string[]][];

function decode(entries: RawEntries): StreamEntry[] {
  return entries.flatMap(([id, fields]) => {
    const index = fields.indexOf('event');
    const payload = index >= 0 ? fields[index + 1] : undefined;
    return payload === undefined ? [] : [{ id, event: JSON.parse(payload) as ScoreChangeEvent }];
  });
}

/** Entries after `afterId` (exclusive), oldest first, at most `count`. */
export async function readScoreChangesAfter(
  redis: Redis,
  key: string,
  afterId: string,
  count: number,
): Promise<StreamEntry[]> {
  return decode((await redis.xrange(key, `(${afterId}`, '+', 'COUNT', count)) as RawEntries);
}

/**
 * Waits up to `blockMs` for entries after each stream's cursor, on several organisations' streams at once, so
 * one connection serves every stream an API instance follows. Blocks the connection it runs on: give it one
 * of its own (`redis.duplicate()`).
 */
export async function waitForScoreChanges(
  redis: Redis,
  cursors: ReadonlyMap<string, string>,
  blockMs: number,
): Promise<Map<string, StreamEntry[]>> {
  const keys = [...cursors.keys()];
  const reply = (await redis.xread(
    'COUNT',
    100,
    'BLOCK',
    blockMs,
    'STREAMS',
    ...keys,
    ...keys.map((key) => cursors.get(key) ?? '$'),
  )) as [key: string, entries: RawEntries][] | null;
  return new Map((reply ?? []).map(([key, entries]) => [key, decode(entries)]));
}

/** Whether stream entry id `a` comes after `b` (ids are "<ms>-<seq>"; compared as numbers, not strings). */
export function isAfter(a: string, b: string): boolean {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs !== bMs ? aMs > bMs : aSeq > bSeq;
}

/** The id of the newest entry, or '0-0' for an empty stream: where a client without Last-Event-ID starts. */
export async function lastScoreChangeId(redis: Redis, key: string): Promise<string> {
  const newest = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as RawEntries;
  return newest[0]?.[0] ?? '0-0';
}
