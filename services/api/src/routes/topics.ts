import { type Db, latestReanalysis, listTaxonomyVersions } from '@cxloop/db';
import type { ReanalysisQueue } from '@cxloop/runtime';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { changeTaxonomy, promoteCandidate, taxonomyView, topicCandidates } from '../topics/taxonomy.js';
import { problemResponses, security } from './schemas.js';

const TopicId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,47}$/, 'lower-case letters, digits and _, starting with a letter (2-48)');
const Term = z.string().trim().min(1).max(60);
const Terms = z.array(Term).max(30);
const Label = z.string().trim().min(1).max(80);

const NewTopic = z
  .object({
    id: TopicId,
    label: Label,
    seedTerms: Terms.min(1),
    excludes: Terms.default([]),
    parentId: TopicId.nullable().default(null),
  })
  .strict();

const TopicChange = z
  .object({
    label: Label.optional(),
    seedTerms: Terms.min(1).optional(),
    excludes: Terms.optional(),
    parentId: TopicId.nullable().optional(),
  })
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'name at least one field to change');

const Merge = z.object({ into: TopicId }).strict();
// Any string: a topic that does not exist (a malformed id included) is 404, like any unknown resource.
const TopicParams = z.object({ topicId: z.string().max(64) });
const Promotion = z.object({ id: TopicId.optional(), label: Label.optional() }).strict();

const Progress = z.object({
  taxonomyVersion: z.number().int(),
  status: z.enum(['queued', 'running', 'done', 'superseded']),
  total: z.number().int(),
  done: z.number().int(),
  revised: z.number().int(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});

const TaxonomyView = z.object({
  version: z.number().int(),
  topics: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      seedTerms: z.array(z.string()),
      excludes: z.array(z.string()),
      parentId: z.string().nullable(),
      status: z.enum(['active', 'retired', 'merged']),
      mergedInto: z.string().nullable(),
      builtIn: z.boolean(),
      mentions90d: z.number().int(),
      negative90d: z.number().int(),
    }),
  ),
  reanalysis: Progress.nullable(),
});

const Candidate = z.object({
  id: z.string(),
  label: z.string(),
  terms: z.array(z.string()),
  volume: z.number().int(),
  weekly: z.array(z.number().int()),
  trend: z.number().nullable(),
  examples: z.array(z.object({ feedbackId: z.string(), text: z.string() })),
});

/**
 * The organisation's topic taxonomy, one change at a time, each a new version (built-in topics are the starting
 * template: changing or retiring one makes it the organisation's own); the re-analysis of history a change
 * starts; and topic discovery, whose candidates an admin promotes into the taxonomy in one step.
 */
export async function topicRoutes(
  app: FastifyInstance,
  deps: { db: Db; reanalysisQueue: ReanalysisQueue; logger: FastifyBaseLogger; now?: () => Date },
) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const admins = requireRole(deps.db, 'admin');
  const readers = requireRole(deps.db, 'admin', 'manager');
  const now = deps.now ?? (() => new Date());
  const changed = { 200: TaxonomyView, ...problemResponses(401, 403, 404, 409, 422) };

  route.get(
    '/v1/text/topics',
    {
      preHandler: readers,
      schema: {
        summary: "The organisation's topic taxonomy (built-in and own topics) and its re-analysis progress",
        tags: ['text'],
        security,
        response: { 200: TaxonomyView, ...problemResponses(401, 403) },
      },
    },
    async (request) => taxonomyView(deps.db, principalOf(request).orgId, now()),
  );

  route.post(
    '/v1/text/topics',
    {
      preHandler: admins,
      schema: {
        summary: 'Add a topic (seed terms, exclusions, optional parent); history is re-analysed',
        tags: ['text'],
        security,
        body: NewTopic,
        response: changed,
      },
    },
    async (request) => changeTaxonomy(deps, principalOf(request).orgId, { kind: 'add', ...request.body }),
  );

  route.patch(
    '/v1/text/topics/:topicId',
    {
      preHandler: admins,
      schema: {
        summary: 'Rename a topic, change its seed terms, exclusions or parent',
        description: 'A new label alone keeps stored analyses; other changes re-analyse history.',
        tags: ['text'],
        security,
        params: TopicParams,
        body: TopicChange,
        response: changed,
      },
    },
    async (request) =>
      changeTaxonomy(deps, principalOf(request).orgId, {
        kind: 'update',
        id: request.params.topicId,
        ...request.body,
      }),
  );

  route.post(
    '/v1/text/topics/:topicId/merge',
    {
      preHandler: admins,
      schema: {
        summary: 'Merge a topic into another: its terms and sub-topics move there, history is re-analysed',
        tags: ['text'],
        security,
        params: TopicParams,
        body: Merge,
        response: changed,
      },
    },
    async (request) =>
      changeTaxonomy(deps, principalOf(request).orgId, {
        kind: 'merge',
        id: request.params.topicId,
        into: request.body.into,
      }),
  );

  route.post(
    '/v1/text/topics/:topicId/retire',
    {
      preHandler: admins,
      schema: {
        summary: 'Retire a topic: no longer detected, removed from history by re-analysis',
        tags: ['text'],
        security,
        params: TopicParams,
        response: changed,
      },
    },
    async (request) =>
      changeTaxonomy(deps, principalOf(request).orgId, { kind: 'retire', id: request.params.topicId }),
  );

  route.get(
    '/v1/text/topics/versions',
    {
      preHandler: readers,
      schema: {
        summary: 'The taxonomy versions, newest first, with the change that made each',
        tags: ['text'],
        security,
        response: {
          200: z.array(
            z.object({
              version: z.number().int(),
              change: z.record(z.string(), z.unknown()),
              changesDetection: z.boolean(),
              createdAt: z.date(),
            }),
          ),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) =>
      (await listTaxonomyVersions(deps.db, principalOf(request).orgId)).map((row) => ({
        version: row.version,
        change: row.change,
        changesDetection: row.changes_detection,
        createdAt: row.created_at,
      })),
  );

  route.get(
    '/v1/text/topics/reanalysis',
    {
      preHandler: readers,
      schema: {
        summary: 'Progress of re-analysing history with the latest taxonomy version',
        tags: ['text'],
        security,
        response: { 200: z.object({ reanalysis: Progress.nullable() }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({
      reanalysis: (await latestReanalysis(deps.db, principalOf(request).orgId)) ?? null,
    }),
  );

  route.get(
    '/v1/text/topic-candidates',
    {
      preHandler: readers,
      schema: {
        summary:
          'Candidate topics: recurring phrases in feedback no topic covers, with volume by week and examples',
        tags: ['text'],
        security,
        response: { 200: z.object({ candidates: z.array(Candidate) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ candidates: await topicCandidates(deps.db, principalOf(request).orgId, now()) }),
  );

  route.post(
    '/v1/text/topic-candidates/:candidateId/promote',
    {
      preHandler: admins,
      schema: {
        summary: "Promote a candidate into the taxonomy: its terms become the new topic's seed terms",
        tags: ['text'],
        security,
        params: z.object({ candidateId: z.string().max(64) }),
        body: Promotion.default({}),
        response: changed,
      },
    },
    async (request) =>
      promoteCandidate(deps, principalOf(request).orgId, request.params.candidateId, request.body, now()),
  );
}
