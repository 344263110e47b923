import {
  caseSeverities,
  caseSorts,
  caseStatuses,
  createReplyTemplate,
  createSavedCaseView,
  type Db,
  deleteReplyTemplate,
  deleteSavedCaseView,
  findSource,
  listReplyTemplates,
  listSavedCaseViews,
  openCasesForWindow,
  type ReplyTemplate,
  type SavedCaseView,
  updateReplyTemplate,
} from '@cxloop/db';
import { requestScoreRecompute, type ScoreQueue, withTimeout } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { Problem, problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

/**
 * What responders work with besides the cases themselves: reply templates (macros), the inbox views they
 * save, and, for admins, opening cases on purpose for a past window that the case horizon kept out.
 */
export interface InboxToolDeps {
  db: Db;
  scoreQueue: ScoreQueue;
  now?: () => Date;
}

const TemplateView = z.object({
  id: z.uuid(),
  name: z.string(),
  body: z.string(),
  updatedAt: z.string(),
});
const TemplateName = z.string().trim().min(1).max(120);
const TemplateBody = z.string().trim().min(1).max(10_000);

const presentTemplate = (row: ReplyTemplate): z.infer<typeof TemplateView> => ({
  id: row.id,
  name: row.name,
  body: row.body,
  updatedAt: row.updated_at.toISOString(),
});

/** A saved view's filters: the list route's own query parameters. */
const ViewFilters = z
  .object({
    status: z.array(z.enum(caseStatuses)).max(caseStatuses.length).optional(),
    severity: z.array(z.enum(caseSeverities)).max(caseSeverities.length).optional(),
    sla: z.enum(['breached', 'at_risk', 'on_track']).optional(),
    assignee: z.union([z.uuid(), z.literal('none'), z.literal('me')]).optional(),
    team: z.uuid().optional(),
    sort: z.enum(caseSorts).optional(),
  })
  .strict();
const SavedView = z.object({ id: z.uuid(), name: z.string(), filters: ViewFilters, createdAt: z.string() });

const presentView = (row: SavedCaseView): z.infer<typeof SavedView> => ({
  id: row.id,
  name: row.name,
  filters: ViewFilters.parse(row.filters),
  createdAt: row.created_at.toISOString(),
});

const IdParams = z.object({ id: z.string() });
const isUuid = (id: string) => z.uuid().safeParse(id).success;
const nameTaken = (what: string) =>
  new Problem(409, 'name_taken', `A ${what} of this name exists`, 'choose another name', [
    { path: '/name', message: 'already used in the organisation' },
  ]);

/** The longest window one backfill may open: a year of history is already more than a team can answer. */
const MAX_BACKFILL_DAYS = 366;

export async function inboxToolRoutes(app: FastifyInstance, deps: InboxToolDeps) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const staff = requireRole(deps.db, 'admin', 'manager', 'responder');
  const writers = requireRole(deps.db, 'admin', 'responder');
  const admins = requireRole(deps.db, 'admin');

  /** DELETE of one of the organisation's rows by id: 204, or 404 as for an id that exists nowhere. */
  function deleteRoute(
    path: string,
    summary: string,
    what: string,
    preHandler: ReturnType<typeof requireRole>,
    remove: (db: Db, orgId: string, id: string) => Promise<boolean>,
  ) {
    route.delete(
      path,
      {
        preHandler,
        schema: {
          summary,
          tags: ['cases'],
          security,
          params: IdParams,
          response: { 204: z.null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        if (!(isUuid(id) && (await remove(deps.db, principalOf(request).orgId, id)))) {
          throw problems.notFound(what);
        }
        return reply.status(204).send(null);
      },
    );
  }

  route.get(
    '/v1/reply-templates',
    {
      preHandler: staff,
      schema: {
        summary: "The organisation's reply templates (macros), by name",
        tags: ['cases'],
        security,
        response: { 200: z.object({ templates: z.array(TemplateView) }), ...problemResponses(401) },
      },
    },
    async (request) => ({
      templates: (await listReplyTemplates(deps.db, principalOf(request).orgId)).map(presentTemplate),
    }),
  );

  route.post(
    '/v1/reply-templates',
    {
      preHandler: writers,
      schema: {
        summary: 'Add a reply template; a responder starts a reply from it and edits before sending',
        tags: ['cases'],
        security,
        body: z.object({ name: TemplateName, body: TemplateBody }).strict(),
        response: { 201: TemplateView, ...problemResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const created = await createReplyTemplate(deps.db, principalOf(request).orgId, request.body);
      if (!created) throw nameTaken('template');
      return reply.status(201).send(presentTemplate(created));
    },
  );

  route.patch(
    '/v1/reply-templates/:id',
    {
      preHandler: writers,
      schema: {
        summary: 'Rename or rewrite a reply template',
        tags: ['cases'],
        security,
        params: IdParams,
        body: z
          .object({ name: TemplateName.optional(), body: TemplateBody.optional() })
          .strict()
          .refine((body) => body.name !== undefined || body.body !== undefined, {
            message: 'name a new name, a new body or both',
          }),
        response: { 200: TemplateView, ...problemResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!isUuid(id)) throw problems.notFound('Template');
      const { name, body } = request.body;
      const updated = await updateReplyTemplate(deps.db, principalOf(request).orgId, id, {
        ...(name !== undefined ? { name } : {}),
        ...(body !== undefined ? { body } : {}),
      });
      if (!updated.ok)
        throw updated.reason === 'name_taken' ? nameTaken('template') : problems.notFound('Template');
      return presentTemplate(updated.template);
    },
  );

  deleteRoute('/v1/reply-templates/:id', 'Delete a reply template', 'Template', writers, deleteReplyTemplate);

  route.get(
    '/v1/saved-case-views',
    {
      preHandler: staff,
      schema: {
        summary: "The inbox views the organisation's people saved (a name and its filters)",
        tags: ['cases'],
        security,
        response: { 200: z.object({ views: z.array(SavedView) }), ...problemResponses(401) },
      },
    },
    async (request) => ({
      views: (await listSavedCaseViews(deps.db, principalOf(request).orgId)).map(presentView),
    }),
  );

  route.post(
    '/v1/saved-case-views',
    {
      preHandler: staff,
      schema: {
        summary: 'Save the inbox filters under a name, for everyone in the organisation',
        description: 'Filters are those of GET /v1/cases; `assignee: me` means whoever opens the view.',
        tags: ['cases'],
        security,
        body: z.object({ name: TemplateName, filters: ViewFilters }).strict(),
        response: { 201: SavedView, ...problemResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const created = await createSavedCaseView(deps.db, principal.orgId, {
        name: request.body.name,
        filters: request.body.filters,
        createdByMemberId: principal.memberId,
      });
      if (!created) throw nameTaken('view');
      return reply.status(201).send(presentView(created));
    },
  );

  deleteRoute('/v1/saved-case-views/:id', 'Delete a saved inbox view', 'View', staff, deleteSavedCaseView);

  route.post(
    '/v1/cases/backfill',
    {
      preHandler: admins,
      schema: {
        summary: 'Open cases, on purpose, for flagged feedback that happened in a past window',
        description:
          'Feedback older than the case horizon (triage settings, or the source’s own) opens no case when it is ' +
          'analysed. This opens cases for the analysed feedback that happened (occurredAt) in [from, to) and has ' +
          'none, under the current case rules; their SLA clocks start now. Running a window again opens nothing ' +
          'new. At most 366 days per call; `pnpm cxloop cases backfill` does the same from a terminal.',
        tags: ['cases'],
        security,
        body: z
          .object({
            from: z.iso.datetime({ offset: true }),
            to: z.iso.datetime({ offset: true }),
            sourceId: z.uuid().optional(),
          })
          .strict()
          .refine((body) => Date.parse(body.from) < Date.parse(body.to), {
            path: ['to'],
            message: 'the window must end after it starts',
          })
          .refine((body) => Date.parse(body.to) - Date.parse(body.from) <= MAX_BACKFILL_DAYS * 86_400_000, {
            path: ['to'],
            message: `a window spans at most ${MAX_BACKFILL_DAYS} days`,
          }),
        response: {
          200: z.object({ considered: z.number().int(), opened: z.number().int(), linked: z.number().int() }),
          ...problemResponses(401, 403, 422),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { from, to, sourceId } = request.body;
      if (sourceId && !(await findSource(deps.db, orgId, sourceId))) {
        throw problems.invalidBody([
          { path: '/sourceId', message: 'no source with this id in the organisation' },
        ]);
      }
      const report = await openCasesForWindow(
        deps.db,
        orgId,
        { from: new Date(from), to: new Date(to), ...(sourceId ? { sourceId } : {}) },
        now(),
      );
      if (report.opened + report.linked > 0) {
        // The response-team evidence counts cases; a recompute that waits for the sweep is only later, not lost.
        await withTimeout(requestScoreRecompute(deps.scoreQueue, orgId), 2_000, 'score recompute').catch(
          (error: unknown) =>
            request.log.warn({ err: error, orgId }, 'backfill stored; recompute left to the sweep'),
        );
      }
      return report;
    },
  );
}
