import type { Db } from '@cxloop/db';
import {
  lastScoreChangeId,
  readScoreChangesAfter,
  scoreStreamKey,
  waitForScoreChanges,
} from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AccessEvents } from '../auth/access-events.js';
import { principalOf, requireRole, stillAuthenticated } from '../auth/plugin.js';
import { problemResponses, security } from './schemas.js';
import { requireOwnOrg } from './scores.js';

/** A Redis Stream entry id, as sent in `id:` and returned in Last-Event-ID. */
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

export interface ScoreStreamOptions {
  db: Db;
  redis: Redis;
  redisPrefix: string;
  /** Ends a stream when its key is revoked or its session signed out, on any replica. */
  accessEvents: AccessEvents;
  /** How often an idle stream sends a comment line, so proxies keep it open and clients notice a dead one. */
  heartbeatMs?: number;
}

/**
 * `GET /v1/orgs/:org/scores/stream`: Server-Sent Events, one `score` event per score change (element, before,
 * after, why). Each event's id is its entry id on the organisation's Redis Stream, so any API instance can
 * serve any client, and a client reconnecting with Last-Event-ID gets exactly the events after it: none
 * missed, none twice. Each connection reads with its own blocking Redis connection; the block timeout doubles
 * as the heartbeat interval. A stream lives only as long as its credential: revoking the key or signing out
 * the session ends it at once (an access event), and each heartbeat checks the credential again in case an
 * event was missed.
 */
export async function scoreStreamRoutes(app: FastifyInstance, options: ScoreStreamOptions) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  // Streams never end on their own: end them when the server closes, or close would wait for them forever.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/orgs/:org/scores/stream',
    {
      preHandler: requireRole(options.db, 'admin', 'manager', 'assessor'),
      schema: {
        summary: 'Live score changes (Server-Sent Events); resumes after Last-Event-ID',
        tags: ['scores'],
        security,
        params: z.object({ org: z.string() }),
        headers: z.object({ 'last-event-id': z.string().regex(STREAM_ID).optional() }).loose(),
        response: {
          200: z
            .string()
            .describe('text/event-stream: `event: score`, `id: <stream id>`, `data: ScoreChangeEvent`'),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const principal = principalOf(request);
      const key = scoreStreamKey(options.redisPrefix, orgId);
      const resumeFrom = request.headers['last-event-id'];
      // A new client starts at the present; a returning one where it left off.
      let cursor = resumeFrom ?? (await lastScoreChangeId(options.redis, key));
      const reader = options.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      reader.on('error', (error) => request.log.warn({ err: error }, 'score stream reader error'));

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: 2000\n: connected\n\n`);

      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        open.delete(end);
        release();
        reader.disconnect();
        raw.end();
      };
      open.add(end);
      const release = options.accessEvents.hold({
        apiKeyId: principal.apiKeyId,
        sessionTokenHash: principal.sessionTokenHash,
        end,
      });
      request.raw.on('close', end);

      const send = (entries: { id: string; event: unknown }[]) => {
        for (const entry of entries) {
          raw.write(`id: ${entry.id}\nevent: score\ndata: ${JSON.stringify(entry.event)}\n\n`);
          cursor = entry.id;
        }
      };
      try {
        // Catch up on what was missed, then follow the stream live.
        for (;;) {
          const missed = await readScoreChangesAfter(options.redis, key, cursor, 500);
          send(missed);
          if (missed.length < 500) break;
        }
        while (!ended) {
          const entries = await waitForScoreChanges(reader, key, cursor, heartbeatMs);
          if (ended) break;
          if (entries.length > 0) send(entries);
          else if (await stillAuthenticated(options.db, principal)) raw.write(': heartbeat\n\n');
          else break;
        }
      } catch (error) {
        if (!ended) request.log.warn({ err: error }, 'score stream ended by an error');
      } finally {
        end();
      }
    },
  );
}
