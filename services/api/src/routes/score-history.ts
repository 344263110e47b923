import {
  type Db,
  type HistoryCursor,
  listScoreHistory,
  type ScoreHistoryEntry,
  scoreDiffsBetween,
  scoreHistoryAt,
} from '@cxloop/db';
import { combineDiffs, type ScoreDiff } from '@cxloop/scoring';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth/plugin.js';
import { Problem } from '../problems.js';
import { problemResponses, security } from './schemas.js';
import { requireOwnOrg, ScopeParams, scopeOf } from './scores.js';

/**
 * A scope's score over time: its history newest first, a page at a time, and what moved between any two
 * times with why (the recorded diffs in between folded into one).
 */

const DAY_MS = 86_400_000;

const HistoryEntryView = z.object({
  id: z.string(),
  recordedAt: z.string(),
  total: z.number(),
  stage: z.string(),
  elements: z.record(z.string(), z.number()),
  diff: z.record(z.string(), z.unknown()).nullable(),
});

function present(entry: ScoreHistoryEntry) {
  return {
    id: String(entry.id),
    recordedAt: entry.recorded_at.toISOString(),
    total: entry.total,
    stage: entry.stage,
    elements: entry.elements,
    diff: entry.diff,
  };
}

/** A page boundary as an opaque string: the last entry's time and id. */
function encodeCursor(entry: ScoreHistoryEntry): string {
  return Buffer.from(`${entry.recorded_at.toISOString()}|${entry.id}`).toString('base64url');
}

function decodeCursor(cursor: string): HistoryCursor {
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString().split('|');
  const recordedAt = new Date(at);
  if (Number.isNaN(recordedAt.getTime()) || !/^\d{1,19}$/.test(id)) {
    throw new Problem(400, 'invalid_querystring', 'The request querystring is invalid', undefined, [
      { path: '/querystring/cursor', message: 'not a cursor this API returned' },
    ]);
  }
  return { recordedAt, id };
}

/** An optional time span of the querystring. */
const Span = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};

const BoundaryView = z.object({
  at: z.string(),
  recordedAt: z.string().nullable(),
  total: z.number().nullable(),
  stage: z.string().nullable(),
});

const cursorOf = (entry: ScoreHistoryEntry): HistoryCursor => ({
  recordedAt: entry.recorded_at,
  id: String(entry.id),
});

/** The boundary of a span as the answer shows it: the entry in force at that time, if any. */
const boundary = (at: Date, entry: ScoreHistoryEntry | undefined) => ({
  at: at.toISOString(),
  recordedAt: entry?.recorded_at.toISOString() ?? null,
  total: entry?.total ?? null,
  stage: entry?.stage ?? null,
});

export async function scoreHistoryRoutes(app: FastifyInstance, deps: { db: Db; now?: () => Date }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const readers = requireRole(deps.db, 'admin', 'manager', 'assessor');
  const now = deps.now ?? (() => new Date());

  api.get(
    '/v1/orgs/:org/scores/:scope/history',
    {
      preHandler: readers,
      schema: {
        summary: 'Score history of a scope, newest first, with why each change happened',
        description:
          "Pages with `cursor` = the previous answer's `next` (null on the last page). Each entry's diff is " +
          'against the entry before it. Defaults to the last 90 days.',
        tags: ['scores'],
        security,
        params: ScopeParams,
        querystring: z
          .object({
            ...Span,
            limit: z.coerce.number().int().min(1).max(5_000).default(1_000),
            cursor: z.string().max(200).optional(),
          })
          .strict(),
        response: {
          200: z.object({ entries: z.array(HistoryEntryView), next: z.string().nullable() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { query } = request;
      const before = query.cursor ? decodeCursor(query.cursor) : undefined;
      await scopeOf(deps.db, orgId, request.params.scope);
      const to = query.to ? new Date(query.to) : now();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 90 * DAY_MS);
      const entries = await listScoreHistory(deps.db, orgId, request.params.scope, {
        from,
        to,
        limit: query.limit,
        ...(before ? { before } : {}),
      });
      const last = entries.at(-1);
      return {
        entries: entries.map(present),
        next: entries.length === query.limit && last ? encodeCursor(last) : null,
      };
    },
  );

  api.get(
    '/v1/orgs/:org/scores/:scope/changes',
    {
      preHandler: readers,
      schema: {
        summary: 'What moved between two times, and why',
        description:
          'The score in force at `from` (default 30 days before `to`) against the score in force at `to` ' +
          '(default now): per element the ' +
          'movement and its causes (indicators with the evidence that changed, the objective, weights), ' +
          'summed over every change recorded in between. `from` before the first score compares against ' +
          'nothing (`from.recordedAt` null, no diff).',
        tags: ['scores'],
        security,
        params: ScopeParams,
        querystring: z
          .object(Span)
          .strict()
          .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
            path: ['to'],
            message: 'must not be before from',
          }),
        response: {
          200: z.object({
            from: BoundaryView,
            to: BoundaryView,
            changes: z.number().int(),
            diff: z.record(z.string(), z.unknown()).nullable(),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { scope } = request.params;
      await scopeOf(deps.db, orgId, scope);
      const to = request.query.to ? new Date(request.query.to) : now();
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 30 * DAY_MS);
      const [start, end] = await Promise.all([
        scoreHistoryAt(deps.db, orgId, scope, from),
        scoreHistoryAt(deps.db, orgId, scope, to),
      ]);
      // Folded as they are read, so a long span holds one combined diff, not every entry's.
      let combined: ScoreDiff | undefined;
      let changes = 0;
      if (start) {
        const span = { after: cursorOf(start), until: to };
        for await (const diff of scoreDiffsBetween(deps.db, orgId, scope, span)) {
          if (!diff) continue;
          changes += 1;
          const next = diff as unknown as ScoreDiff;
          combined = combined ? combineDiffs([combined, next]) : next;
        }
      }
      return {
        from: boundary(from, start),
        to: boundary(to, end),
        changes,
        diff: combined ? (combined as unknown as Record<string, unknown>) : null,
      };
    },
  );
}
