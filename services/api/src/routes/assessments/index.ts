import {
  type Assessment,
  type AssessmentSummary,
  type Db,
  findAssessment,
  findOrganisation,
  freezeAssessment,
  listAssessments,
} from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { compareAssessments } from '../../assessments/compare.js';
import { assessmentCsv } from '../../assessments/export.js';
import { assessmentReport } from '../../assessments/report.js';
import { requireRole } from '../../auth/plugin.js';
import { problems } from '../../problems.js';
import { manualChange } from '../assessor/index.js';
import { problemResponses, security } from '../schemas.js';
import { requireOwnOrg } from '../scores.js';

const OrgParams = z.object({ org: z.string() });
const AssessmentParams = OrgParams.extend({ id: z.string() });

const AssessmentSummaryView = z.object({
  id: z.uuid(),
  scope: z.string(),
  title: z.string(),
  note: z.string(),
  signedOffBy: z.string(),
  frozenAt: z.string(),
  scoreComputedAt: z.string(),
  total: z.number(),
  stage: z.string(),
});

const present = (row: AssessmentSummary): z.infer<typeof AssessmentSummaryView> => ({
  id: row.id,
  scope: row.scope,
  title: row.title,
  note: row.note,
  signedOffBy: row.signed_off_by,
  frozenAt: row.frozen_at.toISOString(),
  scoreComputedAt: row.score_computed_at.toISOString(),
  total: row.total,
  stage: row.stage,
});

/** Headers of an export: a download named after the assessment, never cached by a shared proxy. */
function download(type: string, assessment: Assessment, extension: string) {
  const name = `assessment-${assessment.frozen_at.toISOString().slice(0, 10)}-${assessment.id.slice(0, 8)}.${extension}`;
  return {
    'content-type': type,
    'content-disposition': `inline; filename="${name}"`,
    'cache-control': 'private, no-store',
  };
}

/**
 * Official assessments (seeds/004: repeated every six months): an assessor freezes a scope's live score with
 * the evidence and manual input behind it, and signs it off; anyone who reads scores lists, compares and
 * exports them (CSV, printable HTML).
 */
export async function assessmentRoutes(app: FastifyInstance, deps: { db: Db; now?: () => Date }) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const readers = requireRole(deps.db, 'admin', 'manager', 'assessor');
  const tags = ['assessment'];

  async function assessmentOf(orgId: string, id: string): Promise<Assessment> {
    const found = z.uuid().safeParse(id).success ? await findAssessment(deps.db, orgId, id) : undefined;
    if (!found) throw problems.notFound('Assessment');
    return found;
  }

  route.post(
    '/v1/orgs/:org/assessments',
    {
      preHandler: requireRole(deps.db, 'admin', 'assessor'),
      schema: {
        summary:
          "Freeze a scope's live score into a signed-off assessment (evidence, ratings, overrides as they are)",
        tags,
        security,
        params: OrgParams,
        body: z
          .object({
            scope: z.string().min(1).max(60).default('enterprise'),
            title: z.string().trim().min(1).max(200),
            note: z.string().trim().max(5_000).default(''),
          })
          .strict(),
        response: { 201: AssessmentSummaryView, ...problemResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { scope, title, note } = request.body;
      const change = await manualChange(deps.db, request, `signed off: ${title}`, now);
      const saved = await freezeAssessment(deps.db, orgId, { scope, title, note }, change);
      if (!saved) {
        throw problems.invalidBody([{ path: '/scope', message: 'this scope has no score yet to freeze' }]);
      }
      return reply.status(201).send(present(saved));
    },
  );

  route.get(
    '/v1/orgs/:org/assessments',
    {
      preHandler: readers,
      schema: {
        summary: 'Signed-off assessments, newest first',
        tags,
        security,
        params: OrgParams,
        response: {
          200: z.object({ assessments: z.array(AssessmentSummaryView) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      return { assessments: (await listAssessments(deps.db, orgId)).map(present) };
    },
  );

  route.get(
    '/v1/orgs/:org/assessments/:id',
    {
      preHandler: readers,
      schema: {
        summary: 'One assessment with its snapshot: score and trail, metrics, ratings, overrides, targets',
        tags,
        security,
        params: AssessmentParams,
        response: {
          200: AssessmentSummaryView.extend({ snapshot: z.record(z.string(), z.unknown()) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const assessment = await assessmentOf(orgId, request.params.id);
      return { ...present(assessment), snapshot: assessment.snapshot };
    },
  );

  route.get(
    '/v1/orgs/:org/assessments/:id/comparison/:otherId',
    {
      preHandler: readers,
      schema: {
        summary: 'Compare with another assessment: per element points, stage, what moved and why',
        tags,
        security,
        params: AssessmentParams.extend({ otherId: z.string() }),
        response: {
          200: z.object({
            before: AssessmentSummaryView,
            after: AssessmentSummaryView,
            comparison: z.record(z.string(), z.unknown()),
          }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const [first, second] = await Promise.all([
        assessmentOf(orgId, request.params.id),
        assessmentOf(orgId, request.params.otherId),
      ]);
      // Older first, whichever order they were named in: "what moved" reads forward in time.
      const [before, after] = first.frozen_at <= second.frozen_at ? [first, second] : [second, first];
      return {
        before: present(before),
        after: present(after),
        comparison: compareAssessments(before, after) as unknown as Record<string, unknown>,
      };
    },
  );

  route.get(
    '/v1/orgs/:org/assessments/:id/export.csv',
    {
      preHandler: readers,
      schema: {
        summary:
          'The assessment as CSV: one line per element (points, stage, rating and reason, overrides, target)',
        tags,
        security,
        params: AssessmentParams,
        produces: ['text/csv'],
        response: { 200: z.string(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const assessment = await assessmentOf(orgId, request.params.id);
      return reply
        .headers(download('text/csv; charset=utf-8', assessment, 'csv'))
        .send(assessmentCsv(assessment));
    },
  );

  route.get(
    '/v1/orgs/:org/assessments/:id/report.html',
    {
      preHandler: readers,
      schema: {
        summary: 'The assessment as a printable HTML report for a board',
        tags,
        security,
        params: AssessmentParams,
        produces: ['text/html'],
        response: { 200: z.string(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const assessment = await assessmentOf(orgId, request.params.id);
      const organisation = (await findOrganisation(deps.db, orgId))?.name ?? '';
      return reply
        .headers({
          ...download('text/html; charset=utf-8', assessment, 'html'),
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
          'x-content-type-options': 'nosniff',
        })
        .send(assessmentReport(assessment, organisation));
    },
  );
}
