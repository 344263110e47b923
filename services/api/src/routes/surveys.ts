import {
  type BreakdownGroup,
  closeSurvey,
  compareSurveyWaves,
  createSurvey,
  createSurveyInvitations,
  type Db,
  findSurvey,
  findUnitByKey,
  type GroupResult,
  getSurveySettings,
  listSurveyQuestions,
  listSurveys,
  openSurvey,
  type QuestionResult,
  type Survey,
  type SurveyTransition,
  surveyResults,
  updateSurveySettings,
} from '@cxloop/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { Problem, problems } from '../problems.js';
import { issueInvitationToken } from '../surveys/invitation-tokens.js';
import { buildSurveyQuestions, SurveyTemplate } from '../surveys/templates.js';
import { problemResponses, security } from './schemas.js';

export interface SurveyRouteDeps {
  db: Db;
  /** Base of the links handed to respondents (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
}

const SurveyView = z.object({
  id: z.uuid(),
  name: z.string(),
  series: z.string(),
  wave: z.number().int(),
  unitId: z.uuid().nullable(),
  status: z.enum(['draft', 'open', 'closed']),
  template: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  openedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});

const QuestionView = z.object({
  key: z.string(),
  kind: z.enum(['likert', 'objective']),
  section: z.string(),
  text: z.string(),
  informs: z.array(z.string()),
  elementId: z.string().nullable(),
});

const QuestionResultView = z.object({
  questionKey: z.string(),
  kind: z.enum(['likert', 'objective']),
  answered: z.number().int(),
  mean: z.number().nullable(),
  distribution: z.array(z.number().int()).length(5),
  dontKnow: z.number().int(),
  objective: z.object({ fully: z.number().int(), partially: z.number().int(), notYet: z.number().int() }),
});

const GroupResultView = z.object({ respondents: z.number().int(), questions: z.array(QuestionResultView) });

const Breakdown = z.enum(['unit', 'department', 'role']);

const AttributeList = z
  .array(
    z
      .object({
        key: z
          .string()
          .trim()
          .min(1)
          .max(64)
          .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -'),
        name: z.string().trim().min(1).max(120),
      })
      .strict(),
  )
  .max(200)
  .refine((list) => new Set(list.map((item) => item.key)).size === list.length, 'keys must be unique');

const SettingsView = z.object({
  minGroupSize: z.number().int(),
  departments: z.array(z.object({ key: z.string(), name: z.string() })),
  staffRoles: z.array(z.object({ key: z.string(), name: z.string() })),
});

const SurveyId = z.object({ id: z.string() });

function presentSurvey(survey: Survey): z.infer<typeof SurveyView> {
  return {
    id: survey.id,
    name: survey.name,
    series: survey.series,
    wave: survey.wave,
    unitId: survey.unit_id,
    status: survey.status,
    template: survey.template,
    createdAt: survey.created_at.toISOString(),
    openedAt: survey.opened_at?.toISOString() ?? null,
    closedAt: survey.closed_at?.toISOString() ?? null,
  };
}

function presentQuestionResult(result: QuestionResult): z.infer<typeof QuestionResultView> {
  return { ...result, distribution: [...result.distribution] };
}

function presentGroup(group: GroupResult) {
  return { respondents: group.respondents, questions: group.questions.map(presentQuestionResult) };
}

/** The survey of the caller's organisation, or 404 for a malformed id, another org's survey or none. */
async function surveyOf(db: Db, request: FastifyRequest, id: string): Promise<Survey> {
  const survey = z.uuid().safeParse(id).success
    ? await findSurvey(db, principalOf(request).orgId, id)
    : undefined;
  if (!survey) throw problems.notFound('Survey');
  return survey;
}

function transitioned(result: SurveyTransition, action: string): Survey {
  if (result.outcome === 'not_found') throw problems.notFound('Survey');
  if (result.outcome === 'conflict') {
    throw new Problem(
      409,
      'survey_status_conflict',
      `The survey cannot be ${action}`,
      `the survey is ${result.survey.status}`,
    );
  }
  return result.survey;
}

export async function surveyRoutes(app: FastifyInstance, deps: SurveyRouteDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const admin = requireRole(deps.db, 'admin');
  const reader = requireRole(deps.db, 'admin', 'manager', 'assessor');
  const tags = ['surveys'];

  routes.get(
    '/v1/survey-settings',
    {
      preHandler: reader,
      schema: {
        summary: "Staff survey settings: minimum group size and the respondent's department and role lists",
        tags,
        security,
        response: { 200: SettingsView, ...problemResponses(401, 403) },
      },
    },
    async (request) => getSurveySettings(deps.db, principalOf(request).orgId),
  );

  routes.put(
    '/v1/survey-settings',
    {
      preHandler: admin,
      schema: {
        summary: 'Change the minimum group size or replace the department / staff role lists',
        description:
          'Lists replace the current ones; entries left out are archived (earlier responses keep them, new ' +
          'respondents no longer see them). Results of groups smaller than minGroupSize are never returned.',
        tags,
        security,
        body: z
          .object({
            minGroupSize: z.number().int().min(2).max(1000).optional(),
            departments: AttributeList.optional(),
            staffRoles: AttributeList.optional(),
          })
          .strict(),
        response: { 200: SettingsView, ...problemResponses(401, 403, 422) },
      },
    },
    async (request) => updateSurveySettings(deps.db, principalOf(request).orgId, request.body),
  );

  routes.post(
    '/v1/surveys',
    {
      preHandler: admin,
      schema: {
        summary: 'Create a draft staff survey from the framework or a built-in pulse',
        description:
          'The questions are generated now and kept with the survey: one 1–5 statement (plus "don\'t know") ' +
          'per indicator of the chosen dimensions/elements and one Fully / Partially / Not yet question per ' +
          'element, or the seven-question tools-and-processes pulse. A survey with the series of an earlier ' +
          'one is its next wave (series defaults to the name).',
        tags,
        security,
        body: z
          .object({
            name: z.string().trim().min(1).max(200),
            series: z.string().trim().min(1).max(200).optional(),
            /** A unit key: only staff of that unit answer. */
            unit: z.string().min(1).max(200).optional(),
            template: SurveyTemplate,
          })
          .strict(),
        response: {
          201: SurveyView.extend({ questions: z.array(QuestionView) }),
          ...problemResponses(401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const { name, series, unit, template } = request.body;
      let questions: ReturnType<typeof buildSurveyQuestions>;
      try {
        questions = buildSurveyQuestions(template);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw problems.invalidBody([{ path: '/template', message: error.message }]);
      }
      const unitRow = unit === undefined ? undefined : await findUnitByKey(deps.db, orgId, unit);
      if (unit !== undefined && !unitRow) {
        throw problems.invalidBody([{ path: '/unit', message: `unknown unit "${unit}"` }]);
      }
      const survey = await createSurvey(deps.db, orgId, {
        name,
        series: series ?? name,
        unitId: unitRow?.id ?? null,
        template,
        questions,
      });
      reply.status(201);
      return {
        ...presentSurvey(survey),
        questions: questions.map((question) => ({ ...question, informs: [...question.informs] })),
      };
    },
  );

  routes.get(
    '/v1/surveys',
    {
      preHandler: reader,
      schema: {
        summary: "The organisation's staff surveys, newest first",
        tags,
        security,
        response: {
          200: z.object({
            surveys: z.array(
              SurveyView.extend({
                questionCount: z.number().int(),
                invitationCount: z.number().int(),
                responseCount: z.number().int(),
              }),
            ),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => {
      const surveys = await listSurveys(deps.db, principalOf(request).orgId);
      return {
        surveys: surveys.map((survey) => ({
          ...presentSurvey(survey),
          questionCount: survey.questionCount,
          invitationCount: survey.invitationCount,
          responseCount: survey.responseCount,
        })),
      };
    },
  );

  routes.get(
    '/v1/surveys/:id',
    {
      preHandler: reader,
      schema: {
        summary: 'One staff survey with its questions',
        tags,
        security,
        params: SurveyId,
        response: {
          200: SurveyView.extend({ questions: z.array(QuestionView) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const survey = await surveyOf(deps.db, request, request.params.id);
      const questions = await listSurveyQuestions(deps.db, survey.org_id, survey.id);
      return {
        ...presentSurvey(survey),
        questions: questions.map((question) => ({
          key: question.key,
          kind: question.kind,
          section: question.section,
          text: question.text,
          informs: question.informs,
          elementId: question.element_id,
        })),
      };
    },
  );

  for (const [action, transition, verb] of [
    ['open', openSurvey, 'opened'],
    ['close', closeSurvey, 'closed'],
  ] as const) {
    routes.post(
      `/v1/surveys/:id/${action}`,
      {
        preHandler: admin,
        schema: {
          summary:
            action === 'open' ? 'Open a draft survey (draft → open)' : 'Close an open survey (open → closed)',
          tags,
          security,
          params: SurveyId,
          response: {
            200: SurveyView,
            ...problemResponses(401, 403, 404, 409),
          },
        },
      },
      async (request) => {
        const survey = await surveyOf(deps.db, request, request.params.id);
        return presentSurvey(transitioned(await transition(deps.db, survey.org_id, survey.id), verb));
      },
    );
  }

  routes.post(
    '/v1/surveys/:id/invitations',
    {
      preHandler: admin,
      schema: {
        summary: 'Create single-use respondent links (returned once)',
        description:
          'Each link answers the survey once, without login. Only a hash of each token is stored, so the ' +
          'links cannot be shown again; cxloop does not send them — hand them out by your own email or chat. ' +
          'A draft survey takes invitations (links work once it opens); a closed one answers 409.',
        tags,
        security,
        params: SurveyId,
        body: z.object({ count: z.number().int().min(1).max(1000) }).strict(),
        response: {
          201: z.object({ invitations: z.array(z.object({ url: z.string(), token: z.string() })) }),
          ...problemResponses(401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const survey = await surveyOf(deps.db, request, request.params.id);
      const tokens = Array.from({ length: request.body.count }, issueInvitationToken);
      const issued = await createSurveyInvitations(
        deps.db,
        survey.org_id,
        survey.id,
        tokens.map((token) => token.hash),
      );
      if (issued.outcome === 'not_found') throw problems.notFound('Survey');
      if (issued.outcome === 'closed') throw new Problem(409, 'survey_closed', 'The survey is closed');
      const base = deps.publicBaseUrl.replace(/\/$/, '');
      reply.status(201);
      return { invitations: tokens.map(({ token }) => ({ token, url: `${base}/s/${token}` })) };
    },
  );

  routes.get(
    '/v1/surveys/:id/results',
    {
      preHandler: reader,
      schema: {
        summary: 'Results of a survey, optionally broken down by unit, department or role',
        description:
          "Answers of a group with fewer respondents than the wave's minimum group size are never returned, " +
          'directly or as a difference of groups shown here, in other breakdowns or in the score trail: the ' +
          'overall result is null until enough people answered, and a breakdown shows only groups that keep ' +
          'every combination of shown groups at the minimum (docs/surveys.md). `awaitingBatch`: answers ' +
          'accepted but not yet stored, which happens in batches of at least the minimum.',
        tags,
        security,
        params: SurveyId,
        querystring: z.object({ by: Breakdown.optional() }).strict(),
        response: {
          200: z.object({
            surveyId: z.uuid(),
            minGroupSize: z.number().int(),
            respondents: z.number().int(),
            awaitingBatch: z.number().int(),
            overall: GroupResultView.nullable(),
            breakdown: z
              .object({
                by: Breakdown,
                groups: z.array(
                  GroupResultView.extend({
                    group: z.object({ key: z.string(), name: z.string() }).nullable(),
                  }),
                ),
                suppressedGroups: z.number().int(),
              })
              .optional(),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { id } = request.params;
      const results = z.uuid().safeParse(id).success
        ? await surveyResults(deps.db, orgId, id, request.query.by ? { by: request.query.by } : {})
        : undefined;
      if (!results) throw problems.notFound('Survey');
      return {
        surveyId: results.survey.id,
        minGroupSize: results.minGroupSize,
        respondents: results.respondents,
        awaitingBatch: results.awaitingBatch,
        overall: results.overall && presentGroup(results.overall),
        ...(results.breakdown && {
          breakdown: {
            by: results.breakdown.by,
            groups: results.breakdown.groups.map((group: BreakdownGroup) => ({
              group: group.group,
              ...presentGroup(group),
            })),
            suppressedGroups: results.breakdown.suppressedGroups,
          },
        }),
      };
    },
  );

  const WaveView = z.object({
    surveyId: z.uuid(),
    wave: z.number().int(),
    status: z.enum(['draft', 'open', 'closed']),
    respondents: z.number().int(),
    /** false while the wave has fewer respondents than the minimum group size: its answers are withheld. */
    shown: z.boolean(),
  });

  routes.get(
    '/v1/surveys/:id/comparison',
    {
      preHandler: reader,
      schema: {
        summary: 'This wave beside the previous wave of its series, question by question',
        tags,
        security,
        params: SurveyId,
        response: {
          200: z.object({
            current: WaveView,
            previous: WaveView.nullable(),
            questions: z.array(
              z.object({
                questionKey: z.string(),
                kind: z.enum(['likert', 'objective']),
                section: z.string(),
                text: z.string(),
                current: QuestionResultView.nullable(),
                previous: QuestionResultView.nullable(),
                change: z.number().nullable(),
              }),
            ),
          }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const comparison = z.uuid().safeParse(id).success
        ? await compareSurveyWaves(deps.db, principalOf(request).orgId, id)
        : undefined;
      if (!comparison) throw problems.notFound('Survey');
      const wave = (of: NonNullable<typeof comparison.previous>) => ({
        surveyId: of.survey.id,
        wave: of.survey.wave,
        status: of.survey.status,
        respondents: of.respondents,
        shown: of.shown,
      });
      return {
        current: wave(comparison.current),
        previous: comparison.previous && wave(comparison.previous),
        questions: comparison.questions.map((question) => ({
          ...question,
          current: question.current && presentQuestionResult(question.current),
          previous: question.previous && presentQuestionResult(question.previous),
        })),
      };
    },
  );
}
