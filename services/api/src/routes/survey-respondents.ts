import {
  type Db,
  findInvitation,
  type InvitationLookup,
  type StaffAnswer,
  type StaffSubmission,
  type SurveyForm,
  submitInvitedResponse,
} from '@cxloop/db';
import type { ScoreQueue } from '@cxloop/runtime';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem, problems } from '../problems.js';
import { hashInvitationToken, isInvitationToken } from '../surveys/invitation-tokens.js';
import { answerField, type FormState, renderNotice, renderSurveyForm } from '../surveys/respondent-page.js';
import { afterInvitedResponse, responseProblem } from '../surveys/responses.js';
import { problemResponses } from './schemas.js';

export interface RespondentRouteDeps {
  db: Db;
  scoreQueue: ScoreQueue;
}

// Respondents have no account: the link's token is their only credential, and it is checked by hash. A closed
// survey's link answers 410 Gone (it will never work again); an answered link or a survey not yet open, 409.

const Token = z.object({ token: z.string() });

const Answer = z.union([
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
  z.literal(5),
  z.enum(['dont_know', 'fully', 'partially', 'not_yet']),
]);

const Submission = z
  .object({
    attributes: z
      .object({
        unit: z.string().min(1).optional(),
        department: z.string().min(1).optional(),
        role: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    answers: z
      .array(z.object({ question: z.string(), answer: Answer }).strict())
      .min(1)
      .max(1000),
  })
  .strict();

const FormView = z.object({
  survey: z.object({ name: z.string(), unitFixed: z.boolean() }),
  choices: z.object({
    units: z.array(z.object({ key: z.string(), name: z.string() })),
    departments: z.array(z.object({ key: z.string(), name: z.string() })),
    staffRoles: z.array(z.object({ key: z.string(), name: z.string() })),
  }),
  questions: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['likert', 'objective']),
      section: z.string(),
      text: z.string(),
      answers: z.array(z.union([z.number().int(), z.string()])),
    }),
  ),
});

const likertAnswers = [1, 2, 3, 4, 5, 'dont_know'];
const objectiveAnswers = ['fully', 'partially', 'not_yet'];

function presentForm(form: SurveyForm): z.infer<typeof FormView> {
  return {
    survey: { name: form.survey.name, unitFixed: form.survey.unit_id !== null },
    choices: { units: form.units, departments: form.departments, staffRoles: form.staffRoles },
    questions: form.questions.map((question) => ({
      key: question.key,
      kind: question.kind,
      section: question.section,
      text: question.text,
      answers: question.kind === 'likert' ? likertAnswers : objectiveAnswers,
    })),
  };
}

async function lookUp(db: Db, token: string): Promise<InvitationLookup> {
  return isInvitationToken(token) ? findInvitation(db, hashInvitationToken(token)) : { state: 'unknown' };
}

/** Headers of every respondent page: the token is in the URL, so it must not leak or be cached. */
function htmlReply(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    })
    .send(html);
}

const notices = {
  unknown: [404, 'Link not found', 'This survey link is not valid. Check that you copied the whole link.'],
  used: [409, 'Already answered', 'This link has already been used to answer the survey. Thank you!'],
  not_open: [409, 'Not open yet', 'This survey has not opened yet. Please come back later.'],
  closed: [410, 'Survey closed', 'This survey is closed and no longer takes answers.'],
} as const;

function renderState(reply: FastifyReply, state: keyof typeof notices) {
  const [status, title, message] = notices[state];
  return htmlReply(reply, status, renderNotice(title, message));
}

/** Form fields (`unit`, `answer:<question key>` …) → a submission, in the order of the survey's questions. */
function submissionFromForm(form: SurveyForm, fields: Record<string, string>) {
  const answered = form.questions.filter((question) => fields[answerField(question)]);
  const answers: StaffAnswer[] = answered.map((question) => {
    const value = fields[answerField(question)] as string;
    return {
      question: question.key,
      answer: (/^[1-5]$/.test(value) ? Number(value) : value) as StaffAnswer['answer'],
    };
  });
  const attribute = (name: string) => fields[name] || undefined;
  const submission: StaffSubmission = {
    answers,
    attributes: { unit: attribute('unit'), department: attribute('department'), role: attribute('role') },
  };
  // Problem paths point into the submission; the page shows them next to the form field they came from.
  const fieldOfPath = (path: string): string => {
    const answer = /^\/answers\/(\d+)/.exec(path);
    if (answer) return answered[Number(answer[1])] ? answerField(answered[Number(answer[1])]!) : '';
    const attributeName = /^\/attributes\/(\w+)/.exec(path)?.[1];
    return attributeName ?? '';
  };
  return { submission, fieldOfPath };
}

export async function surveyRespondentRoutes(app: FastifyInstance, deps: RespondentRouteDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['survey respondents'];

  // The page posts an HTML form; parsed here, in this plugin only.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  routes.get(
    '/v1/survey-invitations/:token',
    {
      schema: {
        summary:
          'The survey behind a respondent link: questions and the lists to choose unit, department, role from',
        description:
          'No login: the token is the credential. 409 once answered or before the survey opens, 410 once closed.',
        tags,
        params: Token,
        response: { 200: FormView, ...problemResponses(404, 409, 410) },
      },
    },
    async (request) => {
      const lookup = await lookUp(deps.db, request.params.token);
      if (lookup.state === 'answerable') return presentForm(lookup.form);
      throw responseProblem(
        lookup.state === 'unknown' ? { outcome: 'not_found' } : { outcome: lookup.state },
        'Invitation',
        410,
      );
    },
  );

  routes.post(
    '/v1/survey-invitations/:token/response',
    {
      schema: {
        summary: "Answer a survey through a respondent link (once); stores no one's identity",
        description:
          'Answers are keyed by question key; every question may be skipped. Attributes are keys of the ' +
          "organisation's units, departments and roles. Exactly one submission per link is recorded, " +
          'however many arrive at once. 409 when already answered or not open, 410 when closed.',
        tags,
        params: Token,
        body: Submission,
        response: {
          201: z.object({ recorded: z.literal(true) }),
          ...problemResponses(404, 409, 410, 422),
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      if (!isInvitationToken(token)) throw problems.notFound('Invitation');
      const outcome = await submitInvitedResponse(deps.db, hashInvitationToken(token), request.body);
      if (outcome.outcome !== 'accepted') throw responseProblem(outcome, 'Invitation', 410);
      await afterInvitedResponse(deps, outcome.survey, request.log);
      reply.status(201);
      return { recorded: true as const };
    },
  );

  routes.get('/s/:token', { schema: { hide: true, params: Token } }, async (request, reply) => {
    const lookup = await lookUp(deps.db, request.params.token);
    if (lookup.state !== 'answerable') return renderState(reply, lookup.state);
    return htmlReply(reply, 200, renderSurveyForm(lookup.form, `/s/${request.params.token}`));
  });

  routes.post('/s/:token', { schema: { hide: true, params: Token } }, async (request, reply) => {
    const { token } = request.params;
    const lookup = await lookUp(deps.db, token);
    if (lookup.state !== 'answerable') return renderState(reply, lookup.state);
    const fields = z.record(z.string(), z.string()).safeParse(request.body);
    if (!fields.success) throw new Problem(415, 'unsupported_media_type', 'Send the form as a web form');
    const { submission, fieldOfPath } = submissionFromForm(lookup.form, fields.data);
    const outcome = await submitInvitedResponse(deps.db, hashInvitationToken(token), submission);
    switch (outcome.outcome) {
      case 'accepted':
        await afterInvitedResponse(deps, outcome.survey, request.log);
        return htmlReply(
          reply,
          200,
          renderNotice('Thank you', 'Your answers have been recorded anonymously.'),
        );
      case 'invalid': {
        const state: FormState = {
          values: new Map(Object.entries(fields.data)),
          errors: new Map(outcome.problems.map((problem) => [fieldOfPath(problem.path), problem.message])),
        };
        return htmlReply(reply, 422, renderSurveyForm(lookup.form, `/s/${token}`, state));
      }
      case 'not_found':
        return renderState(reply, 'unknown');
      default:
        return renderState(reply, outcome.outcome);
    }
  });
}
