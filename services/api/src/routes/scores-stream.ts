import type { Db } from '@cxloop/db';
import { lastScoreChangeId, scoreStreamKey } from '@cxloop/runtime';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AccessEvents } from '../auth/access-events.js';
import { principalOf, requireRole, stillAuthenticated } from '../auth/plugin.js';
import { ScoreConnection } from '../live/score-connection.js';
import { ScoreHub } from '../live/score-hub.js';
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
 * after, why, and the patch an open page applies). Each event's id is its entry id on the organisation's Redis
 * Stream, so any API instance can serve any client, and a client reconnecting with Last-Event-ID gets exactly
 * the events after it: none missed, none twice. One reader per API instance (ScoreHub) follows the streams and
 * fans entries out; each connection is a readable sent through Fastify's reply, so a slow client's socket
 * pushes back and costs a bounded buffer (ScoreConnection). A stream lives only as long as its credential:
 * revoking the key or signing out the session ends it at once (an access event), and each heartbeat checks
 * the credential again in case an event was missed.
 */
export async function scoreStreamRoutes(app: FastifyInstance, options: ScoreStreamOptions) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const hub = new ScoreHub(options.redis, app.log);
  const open = new Set<ScoreConnection>();
  // Streams never end on their own: end them when the server closes, or close would wait for them forever.
  app.addHook('preClose', async () => {
    for (const connection of open) connection.destroy();
  });
  app.addHook('onClose', () => hub.close());

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/orgs/:org/scores/stream',
    {
      preHandler: requireRole(options.db, 'admin', 'manager', 'assessor'),
      // Events are small and must leave at once; a compressor would hold them back to fill its window.
      compress: false,
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
      const connection = await ScoreConnection.open({
        hub,
        redis: options.redis,
        key,
        // A new client starts at the present; a returning one where it left off.
        cursor: request.headers['last-event-id'] ?? (await lastScoreChangeId(options.redis, key)),
        retryMs: 2_000,
      });
      open.add(connection);
      const release = options.accessEvents.hold({
        apiKeyId: principal.apiKeyId,
        sessionTokenHash: principal.sessionTokenHash,
        end: () => connection.finish(),
      });
      const heartbeat = setInterval(() => {
        stillAuthenticated(options.db, principal).then(
          (active) => (active ? connection.heartbeat() : connection.finish()),
          (error: unknown) => request.log.warn({ err: error }, 'score stream credential check failed'),
        );
      }, heartbeatMs);
      connection.once('close', () => {
        clearInterval(heartbeat);
        release();
        open.delete(connection);
      });
      // The 200 schema documents the text a client reads; what is sent is the stream that produces it.
      const untyped: FastifyReply = reply;
      return (
        untyped
          .header('cache-control', 'no-cache, no-transform')
          .header('x-accel-buffering', 'no')
          // Said outright, so Node adds no Keep-Alive timeout hint: a client told the socket may idle for
          // keepAliveTimeout keeps a spare one open that would hold the server's close back.
          .header('connection', 'keep-alive')
          .type('text/event-stream; charset=utf-8')
          .send(connection)
      );
    },
  );
}
