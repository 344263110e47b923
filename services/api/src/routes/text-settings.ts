import { type Db, loadTextSettings, saveTextSettings } from '@cxloop/db';
import { isPhoneRegion } from '@cxloop/text';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
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

/**
 * The organisation's text-analysis settings: its own topics (a built-in id replaces that topic), its customers'
 * phone region and its brand @handles. New feedback is analysed with them; stored analyses keep theirs.
 */
export async function textSettingsRoutes(app: FastifyInstance, deps: { db: Db }) {
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
    async (request) => loadTextSettings(deps.db, principalOf(request).orgId),
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
        response: { 200: SettingsView, ...problemResponses(401, 403, 422) },
      },
    },
    async (request) => saveTextSettings(deps.db, principalOf(request).orgId, request.body),
  );
}
