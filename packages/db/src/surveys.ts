import { sql } from 'kysely';
import type { Db } from './connection.js';
import { DEFAULT_MIN_GROUP_SIZE, minGroupSizeOf } from './survey-group-size.js';
import { answerRows, bufferResponse, writeResponseBatch } from './survey-response-batches.js';
import type {
  BufferedAnswer,
  ObjectiveLevelAnswer,
  RespondentAttribute,
  Survey,
  SurveyQuestion,
  SurveyQuestionKind,
  SurveyStatus,
} from './surveys.tables.js';

// ───────────────────────── settings: k and the respondent's lists ─────────────────────────

export interface AttributeOption {
  key: string;
  name: string;
}

export interface SurveySettings {
  minGroupSize: number;
  departments: AttributeOption[];
  staffRoles: AttributeOption[];
}

type AttributeTableName = 'org_departments' | 'org_staff_roles';

async function activeOptions(
  db: Db,
  table: AttributeTableName,
  orgId: string,
): Promise<RespondentAttribute[]> {
  return db
    .selectFrom(table)
    .selectAll()
    .where('org_id', '=', orgId)
    .where('archived_at', 'is', null)
    .orderBy('position')
    .orderBy('name')
    .execute();
}

export async function getSurveySettings(db: Db, orgId: string): Promise<SurveySettings> {
  const [minGroupSize, departments, staffRoles] = await Promise.all([
    minGroupSizeOf(db, orgId),
    activeOptions(db, 'org_departments', orgId),
    activeOptions(db, 'org_staff_roles', orgId),
  ]);
  const option = ({ key, name }: RespondentAttribute) => ({ key, name });
  return { minGroupSize, departments: departments.map(option), staffRoles: staffRoles.map(option) };
}

/**
 * Replaces the respondent's department list or staff-role list. Entries left out are archived rather than
 * deleted: earlier responses keep pointing at them, new respondents no longer see them.
 */
async function replaceOptions(
  db: Db,
  table: AttributeTableName,
  orgId: string,
  options: readonly AttributeOption[],
): Promise<void> {
  if (options.length > 0) {
    await db
      .insertInto(table)
      .values(
        options.map((option, position) => ({ org_id: orgId, key: option.key, name: option.name, position })),
      )
      .onConflict((oc) =>
        oc.columns(['org_id', 'key']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          position: eb.ref('excluded.position'),
          archived_at: null,
        })),
      )
      .execute();
  }
  let archive = db
    .updateTable(table)
    .set({ archived_at: new Date() })
    .where('org_id', '=', orgId)
    .where('archived_at', 'is', null);
  if (options.length > 0)
    archive = archive.where(
      'key',
      'not in',
      options.map((option) => option.key),
    );
  await archive.execute();
}

/** Changes the parts given, in one transaction, and returns the settings as they now are. */
export async function updateSurveySettings(
  db: Db,
  orgId: string,
  change: {
    minGroupSize?: number;
    departments?: readonly AttributeOption[];
    staffRoles?: readonly AttributeOption[];
  },
): Promise<SurveySettings> {
  return db.transaction().execute(async (trx) => {
    if (change.minGroupSize !== undefined) {
      await trx
        .insertInto('survey_settings')
        .values({ org_id: orgId, min_group_size: change.minGroupSize })
        .onConflict((oc) =>
          oc.column('org_id').doUpdateSet({ min_group_size: change.minGroupSize, updated_at: new Date() }),
        )
        .execute();
    }
    if (change.departments) await replaceOptions(trx, 'org_departments', orgId, change.departments);
    if (change.staffRoles) await replaceOptions(trx, 'org_staff_roles', orgId, change.staffRoles);
    return getSurveySettings(trx, orgId);
  });
}

// ───────────────────────── surveys and their lifecycle ─────────────────────────

export interface NewSurveyQuestion {
  key: string;
  kind: SurveyQuestionKind;
  /** Heading the question is shown under, e.g. "D5.2 Feedback Channels". */
  section: string;
  text: string;
  /** Indicator ids a Likert answer is evidence for; empty for an objective question. */
  informs: readonly string[];
  /** The element an objective question rates; null for a Likert question. */
  elementId: string | null;
}

export interface NewSurvey {
  name: string;
  /** Waves of one assessment share a series; the new survey becomes the series' next wave. */
  series: string;
  unitId: string | null;
  template: Record<string, unknown>;
  questions: readonly NewSurveyQuestion[];
}

/**
 * Creates a draft survey with a snapshot of its questions, numbered as the next wave of its series. Two
 * surveys created at once in one series wait on an advisory lock instead of both taking the same wave.
 */
export async function createSurvey(db: Db, orgId: string, survey: NewSurvey): Promise<Survey> {
  if (survey.questions.length === 0) throw new RangeError('a survey needs at least one question');
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`survey-series:${orgId}:${survey.series}`}, 0))`.execute(
      trx,
    );
    const last = await trx
      .selectFrom('surveys')
      .select((eb) => eb.fn.max('wave').as('wave'))
      .where('org_id', '=', orgId)
      .where('series', '=', survey.series)
      .executeTakeFirst();
    const created = await trx
      .insertInto('surveys')
      .values({
        org_id: orgId,
        unit_id: survey.unitId,
        name: survey.name,
        series: survey.series,
        wave: (last?.wave ?? 0) + 1,
        template: JSON.stringify(survey.template),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('survey_questions')
      .values(
        survey.questions.map((question, position) => ({
          org_id: orgId,
          survey_id: created.id,
          position,
          key: question.key,
          kind: question.kind,
          section: question.section,
          text: question.text,
          informs: [...question.informs],
          element_id: question.elementId,
        })),
      )
      .execute();
    return created;
  });
}

export async function findSurvey(db: Db, orgId: string, surveyId: string): Promise<Survey | undefined> {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', surveyId)
    .executeTakeFirst();
}

export interface SurveySummary extends Survey {
  questionCount: number;
  invitationCount: number;
  responseCount: number;
}

/** The organisation's surveys, newest first, with how many were invited and how many answered. */
export async function listSurveys(db: Db, orgId: string): Promise<SurveySummary[]> {
  const rows = await db
    .selectFrom('surveys as s')
    .selectAll('s')
    .select((eb) => [
      eb
        .selectFrom('survey_questions as q')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('q.survey_id', '=', 's.id')
        .as('question_count'),
      eb
        .selectFrom('survey_invitations as i')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('i.survey_id', '=', 's.id')
        .as('invitation_count'),
      eb
        .selectFrom('survey_responses as r')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('r.survey_id', '=', 's.id')
        .as('response_count'),
      eb
        .selectFrom('survey_response_buffer as b')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('b.survey_id', '=', 's.id')
        .as('waiting_count'),
    ])
    .where('s.org_id', '=', orgId)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id')
    .execute();
  return rows.map(({ question_count, invitation_count, response_count, waiting_count, ...survey }) => ({
    ...survey,
    questionCount: Number(question_count ?? 0),
    invitationCount: Number(invitation_count ?? 0),
    // Answers waiting for their batch count too: a count says nothing about who answered what.
    responseCount: Number(response_count ?? 0) + Number(waiting_count ?? 0),
  }));
}

export async function listSurveyQuestions(
  db: Db,
  orgId: string,
  surveyId: string,
): Promise<SurveyQuestion[]> {
  return db
    .selectFrom('survey_questions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('survey_id', '=', surveyId)
    .orderBy('position')
    .execute();
}

export type SurveyTransition =
  | { outcome: 'changed'; survey: Survey }
  | { outcome: 'not_found' }
  /** The survey is not in the status the transition starts from; `survey` is how it is now. */
  | { outcome: 'conflict'; survey: Survey };

const transitions = {
  open: { from: 'draft', stamp: 'opened_at' },
  closed: { from: 'open', stamp: 'closed_at' },
} as const;

async function transitionSurvey(
  db: Db,
  orgId: string,
  surveyId: string,
  to: keyof typeof transitions,
): Promise<SurveyTransition> {
  const { from, stamp } = transitions[to];
  // A wave keeps the minimum group size it opened under (waveMinGroupSize).
  const groupSize =
    to === 'open'
      ? {
          min_group_size: sql<number>`coalesce(
            (select min_group_size from survey_settings where org_id = ${orgId}), ${DEFAULT_MIN_GROUP_SIZE})`,
        }
      : {};
  // Conditional on the current status, so of two concurrent requests one changes it and the other sees a conflict.
  const changed = await db
    .updateTable('surveys')
    .set({ status: to, [stamp]: new Date(), ...groupSize })
    .where('org_id', '=', orgId)
    .where('id', '=', surveyId)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
  if (changed) return { outcome: 'changed', survey: changed };
  const survey = await findSurvey(db, orgId, surveyId);
  return survey ? { outcome: 'conflict', survey } : { outcome: 'not_found' };
}

/** draft → open: invitation links start to work. */
export function openSurvey(db: Db, orgId: string, surveyId: string): Promise<SurveyTransition> {
  return transitionSurvey(db, orgId, surveyId, 'open');
}

/**
 * open → closed: no response is accepted after this commits (responses hold a share lock on the survey),
 * and the answers still waiting for a batch are written in the same transaction (writeResponseBatch).
 */
export function closeSurvey(db: Db, orgId: string, surveyId: string): Promise<SurveyTransition> {
  return db.transaction().execute(async (trx) => {
    const transition = await transitionSurvey(trx, orgId, surveyId, 'closed');
    if (transition.outcome === 'changed') await writeResponseBatch(trx, transition.survey, { closing: true });
    return transition;
  });
}

// ───────────────────────── invitations ─────────────────────────

export type InvitationIssue =
  | { outcome: 'created'; count: number }
  | { outcome: 'not_found' }
  | { outcome: 'closed' };

/**
 * Stores invitations by the SHA-256 of their tokens (the caller makes the tokens and shows them once).
 * A closed survey takes no more invitations.
 */
export async function createSurveyInvitations(
  db: Db,
  orgId: string,
  surveyId: string,
  tokenHashes: readonly string[],
): Promise<InvitationIssue> {
  return db.transaction().execute(async (trx) => {
    const survey = await trx
      .selectFrom('surveys')
      .select('status')
      .where('org_id', '=', orgId)
      .where('id', '=', surveyId)
      .forShare()
      .executeTakeFirst();
    if (!survey) return { outcome: 'not_found' };
    if (survey.status === 'closed') return { outcome: 'closed' };
    if (tokenHashes.length > 0) {
      await trx
        .insertInto('survey_invitations')
        .values(tokenHashes.map((token_hash) => ({ org_id: orgId, survey_id: surveyId, token_hash })))
        .execute();
    }
    return { outcome: 'created', count: tokenHashes.length };
  });
}

export interface SurveyForm {
  survey: Survey;
  questions: SurveyQuestion[];
  units: AttributeOption[];
  departments: AttributeOption[];
  staffRoles: AttributeOption[];
}

async function surveyForm(db: Db, survey: Survey): Promise<SurveyForm> {
  const units = db.selectFrom('units').select(['key', 'name']).where('org_id', '=', survey.org_id);
  const [questions, unitRows, departments, staffRoles] = await Promise.all([
    listSurveyQuestions(db, survey.org_id, survey.id),
    (survey.unit_id ? units.where('id', '=', survey.unit_id) : units).orderBy('name').execute(),
    activeOptions(db, 'org_departments', survey.org_id),
    activeOptions(db, 'org_staff_roles', survey.org_id),
  ]);
  const option = ({ key, name }: AttributeOption) => ({ key, name });
  return {
    survey,
    questions,
    units: unitRows.map(option),
    departments: departments.map(option),
    staffRoles: staffRoles.map(option),
  };
}

export type InvitationLookup =
  | { state: 'unknown' }
  | { state: 'used' | 'not_open' | 'closed' | 'answerable'; form: SurveyForm };

/**
 * What a respondent's link leads to. The token is the credential: its hash finds the invitation and with it
 * the organisation, so this is the one survey query not scoped by a caller's org id.
 */
export async function findInvitation(db: Db, tokenHash: string): Promise<InvitationLookup> {
  const invitation = await db
    .selectFrom('survey_invitations as i')
    .innerJoin('surveys as s', (join) =>
      join.onRef('s.id', '=', 'i.survey_id').onRef('s.org_id', '=', 'i.org_id'),
    )
    .selectAll('s')
    .select('i.used as invitation_used')
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!invitation) return { state: 'unknown' };
  const { invitation_used, ...survey } = invitation;
  const form = await surveyForm(db, survey);
  return { state: answerability(survey.status, invitation_used), form };
}

function answerability(status: SurveyStatus, used: boolean): 'used' | 'not_open' | 'closed' | 'answerable' {
  if (status === 'closed') return 'closed';
  if (used) return 'used';
  return status === 'draft' ? 'not_open' : 'answerable';
}

// ───────────────────────── responses ─────────────────────────

export type StaffAnswerValue = 1 | 2 | 3 | 4 | 5 | 'dont_know' | ObjectiveLevelAnswer;

/** One answer: the question's key in the survey (indicator id, pulse question id, "objective:<element>"). */
export interface StaffAnswer {
  question: string;
  answer: StaffAnswerValue;
}

/** Who answered, as keys of the organisation's lists; never who they are. Each may be left out. */
export interface RespondentAttributes {
  unit?: string | undefined;
  department?: string | undefined;
  role?: string | undefined;
}

export interface StaffSubmission {
  answers: readonly StaffAnswer[];
  attributes: RespondentAttributes;
}

export interface SubmissionProblem {
  /** JSON pointer into the submission, e.g. /answers/3/answer or /attributes/department. */
  path: string;
  message: string;
}

/** Why a response was not accepted. */
export type StaffResponseRefusal =
  | { outcome: 'invalid'; problems: SubmissionProblem[] }
  | { outcome: 'not_found' }
  | { outcome: 'used' }
  | { outcome: 'not_open' }
  | { outcome: 'closed' };

export type StaffResponseOutcome =
  | { outcome: 'recorded'; orgId: string; surveyId: string; responseId: string }
  /** A survey tool redelivered a response already stored under the same external id. */
  | { outcome: 'duplicate'; orgId: string; surveyId: string; responseId: string }
  | StaffResponseRefusal;

/**
 * An invited response is accepted (durably) before it is stored as a response: it has no id yet, and its
 * batch is written once enough wait (survey-response-batches.ts). `survey` is for `flushResponseBuffer`.
 */
export type InvitedResponseOutcome =
  | { outcome: 'accepted'; orgId: string; survey: Survey }
  | StaffResponseRefusal;

interface ValidatedSubmission {
  unitId: string | null;
  departmentId: string | null;
  staffRoleId: string | null;
  answers: { questionId: string; value: StaffAnswerValue }[];
}

const LIKERT_VALUES: readonly unknown[] = [1, 2, 3, 4, 5, 'dont_know'];
const OBJECTIVE_VALUES: readonly unknown[] = ['fully', 'partially', 'not_yet'];

async function findAttributeId(
  db: Db,
  table: 'units' | AttributeTableName,
  orgId: string,
  key: string,
): Promise<string | undefined> {
  let query = db.selectFrom(table).select('id').where('org_id', '=', orgId).where('key', '=', key);
  // Archived departments and roles no longer take new responses.
  if (table !== 'units') query = query.where('archived_at', 'is', null);
  return (await query.executeTakeFirst())?.id;
}

/** Checks a submission against the survey's question snapshot and the organisation's lists. */
async function validateSubmission(
  db: Db,
  survey: Survey,
  submission: StaffSubmission,
): Promise<ValidatedSubmission | SubmissionProblem[]> {
  const problems: SubmissionProblem[] = [];
  const questions = new Map(
    (await listSurveyQuestions(db, survey.org_id, survey.id)).map((question) => [question.key, question]),
  );
  const seen = new Set<string>();
  const answers: ValidatedSubmission['answers'] = [];
  if (submission.answers.length === 0)
    problems.push({ path: '/answers', message: 'answer at least one question' });
  submission.answers.forEach((answer, index) => {
    const question = questions.get(answer.question);
    if (!question) {
      problems.push({
        path: `/answers/${index}/question`,
        message: `this survey has no question "${answer.question}"`,
      });
      return;
    }
    if (seen.has(answer.question)) {
      problems.push({
        path: `/answers/${index}/question`,
        message: `"${answer.question}" is answered twice`,
      });
      return;
    }
    seen.add(answer.question);
    const allowed = question.kind === 'likert' ? LIKERT_VALUES : OBJECTIVE_VALUES;
    if (!allowed.includes(answer.answer)) {
      problems.push({
        path: `/answers/${index}/answer`,
        message: `expected one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`,
      });
      return;
    }
    answers.push({ questionId: question.id, value: answer.answer });
  });

  const { unit, department, role } = submission.attributes;
  let unitId = survey.unit_id;
  if (unit !== undefined) {
    const found = await findAttributeId(db, 'units', survey.org_id, unit);
    if (!found) problems.push({ path: '/attributes/unit', message: `unknown unit "${unit}"` });
    else if (survey.unit_id !== null && found !== survey.unit_id) {
      problems.push({ path: '/attributes/unit', message: 'this survey is for another unit' });
    } else unitId = found;
  }
  const lookUp = async (table: AttributeTableName, key: string | undefined, path: string, what: string) => {
    if (key === undefined) return null;
    const id = await findAttributeId(db, table, survey.org_id, key);
    if (!id) problems.push({ path, message: `unknown ${what} "${key}"` });
    return id ?? null;
  };
  const departmentId = await lookUp('org_departments', department, '/attributes/department', 'department');
  const staffRoleId = await lookUp('org_staff_roles', role, '/attributes/role', 'role');
  return problems.length > 0 ? problems : { unitId, departmentId, staffRoleId, answers };
}

/** Takes a share lock on the survey and says whether it accepts responses now. */
async function lockOpenSurvey(db: Db, survey: Survey): Promise<'open' | 'not_open' | 'closed'> {
  const current = await db
    .selectFrom('surveys')
    .select('status')
    .where('org_id', '=', survey.org_id)
    .where('id', '=', survey.id)
    .forShare()
    .executeTakeFirstOrThrow();
  if (current.status === 'open') return 'open';
  return current.status === 'draft' ? 'not_open' : 'closed';
}

/** A submission's answers as the columns that store them. */
function bufferedAnswers(valid: ValidatedSubmission): BufferedAnswer[] {
  return valid.answers.map(({ questionId, value }) => ({
    questionId,
    likert: typeof value === 'number' ? value : null,
    dontKnow: value === 'dont_know',
    objective: value === 'fully' || value === 'partially' || value === 'not_yet' ? value : null,
  }));
}

async function insertResponse(
  db: Db,
  survey: Survey,
  valid: ValidatedSubmission,
  origin: { name: string; externalId: string | null },
): Promise<string | undefined> {
  const response = await db
    .insertInto('survey_responses')
    .values({
      org_id: survey.org_id,
      survey_id: survey.id,
      unit_id: valid.unitId,
      department_id: valid.departmentId,
      staff_role_id: valid.staffRoleId,
      origin: origin.name,
      external_id: origin.externalId,
    })
    .onConflict((oc) => oc.columns(['survey_id', 'origin', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!response) return undefined;
  await db
    .insertInto('survey_answers')
    .values(answerRows(survey, response.id, bufferedAnswers(valid)))
    .execute();
  return response.id;
}

/**
 * Accepts a respondent's answers through their invitation link. Claiming the token (a conditional UPDATE on
 * `used = false`) and buffering the answers are one transaction: of any number of concurrent submissions of
 * one token exactly one is accepted, the others get `used`; a failure leaves the token unused and nothing
 * buffered, and once committed the answers are durable. The caller then calls `flushResponseBuffer`, which
 * writes them as a response in a later transaction, with at least the minimum group size of others.
 */
export async function submitInvitedResponse(
  db: Db,
  tokenHash: string,
  submission: StaffSubmission,
): Promise<InvitedResponseOutcome> {
  const lookup = await findInvitation(db, tokenHash);
  if (lookup.state === 'unknown') return { outcome: 'not_found' };
  if (lookup.state !== 'answerable') return { outcome: lookup.state };
  const { survey } = lookup.form;
  const valid = await validateSubmission(db, survey, submission);
  if (Array.isArray(valid)) return { outcome: 'invalid', problems: valid };
  return db.transaction().execute(async (trx): Promise<InvitedResponseOutcome> => {
    const status = await lockOpenSurvey(trx, survey);
    if (status !== 'open') return { outcome: status };
    const claimed = await trx
      .updateTable('survey_invitations')
      .set({ used: true })
      .where('token_hash', '=', tokenHash)
      .where('org_id', '=', survey.org_id)
      .where('used', '=', false)
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return { outcome: 'used' };
    await bufferResponse(trx, survey, { ...valid, answers: bufferedAnswers(valid) });
    return { outcome: 'accepted', orgId: survey.org_id, survey };
  });
}

/**
 * Stores a staff response that arrived some other way than an invitation link — a connected Typeform or
 * SurveyMonkey form — in the same tables as invited responses. `origin.externalId` (the tool's response id)
 * makes a redelivery a no-op that returns the stored id. The survey must be open.
 *
 * @example
 * await recordStaffResponse(db, orgId, surveyId,
 *   [{ question: 'D5.2.1', answer: 4 }, { question: 'objective:D5.2', answer: 'partially' }],
 *   { department: 'support', role: 'agent' },
 *   { name: 'typeform', externalId: 'resp_123' });
 */
export async function recordStaffResponse(
  db: Db,
  orgId: string,
  surveyId: string,
  answers: readonly StaffAnswer[],
  attributes: RespondentAttributes,
  origin: { name: string; externalId: string },
): Promise<StaffResponseOutcome> {
  const survey = await findSurvey(db, orgId, surveyId);
  if (!survey) return { outcome: 'not_found' };
  const valid = await validateSubmission(db, survey, { answers, attributes });
  if (Array.isArray(valid)) return { outcome: 'invalid', problems: valid };
  return db.transaction().execute(async (trx): Promise<StaffResponseOutcome> => {
    const status = await lockOpenSurvey(trx, survey);
    if (status !== 'open') return { outcome: status };
    const responseId = await insertResponse(trx, survey, valid, origin);
    if (responseId) return { outcome: 'recorded', orgId, surveyId, responseId };
    const existing = await trx
      .selectFrom('survey_responses')
      .select('id')
      .where('org_id', '=', orgId)
      .where('survey_id', '=', surveyId)
      .where('origin', '=', origin.name)
      .where('external_id', '=', origin.externalId)
      .executeTakeFirstOrThrow();
    return { outcome: 'duplicate', orgId, surveyId, responseId: existing.id };
  });
}
