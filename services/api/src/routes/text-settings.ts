import { type Db, loadTextSettings, type StoredTopic, type TextSettings } from '@cxloop/db';
import type { ReanalysisQueue } from '@cxloop/runtime';
import { isPhoneRegion } from '@cxloop/text';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { saveTaxonomy } from '../topics/taxonomy.js';
import { problemResponses, security } from './schemas.js';

const Term = z.string().trim().min(1).max(60);

const Topic = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_]{1,47}$/, 'lower-case letters, digits and _, starting with a letter (2-48)'),
    label: z.string().trim().min(1).max(80),
    seedTerms: z.array(Term).min(1).max(30),
    excludes: z.array(Term).max(30).default([]),
  })
  .strict();

const Settings = z
  .object({
    topics: z
      .array(Topic)
      .max(100)
      .refine(
        (topics) => new Set(topics.map((topic) => topic.id)).size === topics.length,
        'topic ids must be unique',
      ),
    phoneRegion: z
      .string()
      .refine(
        (region) => isPhoneRegion(region),
        'an ISO 3166-1 alpha-2 region with a phone numbering plan, such as GB or US',
      )
      .nullable(),
    brandHandles: z.array(z.string().regex(/^@?\w{1,30}$/, 'an @handle')).max(50),
  })
  .strict();

const SettingsView = Settings.extend({ phoneRegion: z.string().nullable(), version: z.number().int() });

/** What of a topic list decides detection, in one key order (jsonb keeps its own order of an object's keys). */
const detectionOf = (topics: readonly StoredTopic[]) =>
  JSON.stringify(
    topics.map((topic) => [topic.id, topic.seedTerms, topic.excludes, topic.parentId, topic.status]),
  );

/** The settings with the organisation's active own topics, as this route has always shown them. */
function settingsView(settings: TextSettings) {
  return {
    topics: settings.topics
      .filter((topic) => topic.status === 'active')
      .map(({ id, label, seedTerms, excludes }) => ({ id, label, seedTerms, excludes })),
    phoneRegion: settings.phoneRegion,
    brandHandles: settings.brandHandles,
    version: settings.version,
  };
}

/**
 * The organisation's text-analysis settings: its own topics (a built-in id replaces that topic), its customers'
 * phone region and its brand @handles. Replacing the topics here replaces the organisation's own taxonomy whole
 * (a new version, history re-analysed); `/v1/text/topics` changes one topic at a time.
 */
export async function textSettingsRoutes(
  app: FastifyInstance,
  deps: { db: Db; reanalysisQueue: ReanalysisQueue; logger: FastifyBaseLogger },
) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const admins = requireRole(deps.db, 'admin');
  const readers = requireRole(deps.db, 'admin', 'manager');

  route.get(
    '/v1/text/settings',
    {
      preHandler: readers,
      schema: {
        summary: "The organisation's topics, phone region and brand handles for text analysis",
        tags: ['text'],
        security,
        response: { 200: SettingsView, ...problemResponses(401, 403) },
      },
    },
    async (request) => settingsView(await loadTextSettings(deps.db, principalOf(request).orgId)),
  );

  route.put(
    '/v1/text/settings',
    {
      preHandler: admins,
      schema: {
        summary: 'Replace the topics, phone region and brand handles used to analyse new feedback',
        tags: ['text'],
        security,
        body: Settings,
        response: { 200: SettingsView, ...problemResponses(401, 403, 409, 422) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const current = await loadTextSettings(deps.db, orgId);
      const topics = request.body.topics.map(
        (topic): StoredTopic => ({ ...topic, parentId: null, status: 'active', mergedInto: null }),
      );
      const changesDetection = detectionOf(topics) !== detectionOf(current.topics);
      const saved = await saveTaxonomy(deps, orgId, topics, { kind: 'replace' }, changesDetection, {
        ...request.body,
        version: current.version,
      });
      return settingsView(saved);
    },
  );
}
