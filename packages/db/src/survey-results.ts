import type { LikertDistribution } from '@cxloop/scoring';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from './connection.js';
import {
  type BreakdownDimension,
  type DisclosurePlan,
  planDisclosure,
  respondentCells,
} from './survey-disclosure.js';
import { waveMinGroupSize } from './survey-group-size.js';
import { findSurvey, listSurveyQuestions } from './surveys.js';
import type { Survey, SurveyQuestion, SurveyQuestionKind } from './surveys.tables.js';

// Privacy rule of this module: answers leave the database only for the groups a survey's disclosure plan
// allows (survey-disclosure.ts: every group, and every difference of groups, covers at least the wave's
// minimum group size). The queries ask only for those groups, so no caller can show what it never receives.

export type { BreakdownDimension } from './survey-disclosure.js';

const groupColumns: Record<BreakdownDimension, RawBuilder<unknown>> = {
  unit: sql.raw('r.unit_id'),
  department: sql.raw('r.department_id'),
  role: sql.raw('r.staff_role_id'),
};

export interface QuestionResult {
  questionKey: string;
  kind: SurveyQuestionKind;
  /** Respondents who gave a 1–5 answer or an objective rating ("don't know" not included). */
  answered: number;
  /** Mean of the 1–5 answers; null for objective questions and when nobody gave one. */
  mean: number | null;
  distribution: LikertDistribution;
  dontKnow: number;
  objective: { fully: number; partially: number; notYet: number };
}

export interface GroupResult {
  respondents: number;
  questions: QuestionResult[];
}

interface GroupAnswerRow {
  group_id: string | null;
  respondents: number;
  question_id: string | null;
  answered: number;
  likert_sum: number;
  likert_1: number;
  likert_2: number;
  likert_3: number;
  likert_4: number;
  likert_5: number;
  dont_know: number;
  fully: number;
  partially: number;
  not_yet: number;
}

/** Answer counts per group and question, for the given groups only (`null` in `groups`: did not say). */
function groupAnswers(
  db: Db,
  survey: Survey,
  group: RawBuilder<unknown>,
  groups: ReadonlySet<string | null>,
) {
  const ids = [...groups].filter((id): id is string => id !== null);
  const scope = sql`r.org_id = ${survey.org_id} and r.survey_id = ${survey.id}`;
  const wanted = groups.has(null)
    ? sql`(${group} = any(${ids}::uuid[]) or ${group} is null)`
    : sql`${group} = any(${ids}::uuid[])`;
  return sql<GroupAnswerRow>`
    with chosen as (
      select r.id, ${group} as group_id from survey_responses r where ${scope} and ${wanted}
    ),
    sizes as (select group_id, count(*)::int as respondents from chosen group by 1)
    select c.group_id, sizes.respondents, a.question_id,
           count(a.likert)::int + count(a.objective)::int as answered,
           coalesce(sum(a.likert), 0)::int as likert_sum,
           count(*) filter (where a.likert = 1)::int as likert_1,
           count(*) filter (where a.likert = 2)::int as likert_2,
           count(*) filter (where a.likert = 3)::int as likert_3,
           count(*) filter (where a.likert = 4)::int as likert_4,
           count(*) filter (where a.likert = 5)::int as likert_5,
           count(*) filter (where a.dont_know)::int as dont_know,
           count(*) filter (where a.objective = 'fully')::int as fully,
           count(*) filter (where a.objective = 'partially')::int as partially,
           count(*) filter (where a.objective = 'not_yet')::int as not_yet
    from chosen c
    join sizes on sizes.group_id is not distinct from c.group_id
    left join survey_answers a on a.response_id = c.id and a.org_id = ${survey.org_id}
    group by c.group_id, sizes.respondents, a.question_id
  `.execute(db);
}

function questionResult(question: SurveyQuestion, row: GroupAnswerRow | undefined): QuestionResult {
  const distribution: LikertDistribution = row
    ? [row.likert_1, row.likert_2, row.likert_3, row.likert_4, row.likert_5]
    : [0, 0, 0, 0, 0];
  const likertAnswers = distribution.reduce((sum, count) => sum + count, 0);
  return {
    questionKey: question.key,
    kind: question.kind,
    answered: row?.answered ?? 0,
    mean: likertAnswers > 0 && row ? row.likert_sum / likertAnswers : null,
    distribution,
    dontKnow: row?.dont_know ?? 0,
    objective: { fully: row?.fully ?? 0, partially: row?.partially ?? 0, notYet: row?.not_yet ?? 0 },
  };
}

/** Rows of one query → one result per visible group, every question listed (zeros where unanswered). */
function groupResults(questions: readonly SurveyQuestion[], rows: readonly GroupAnswerRow[]) {
  const groups = new Map<string | null, { respondents: number; byQuestion: Map<string, GroupAnswerRow> }>();
  for (const row of rows) {
    const group = groups.get(row.group_id) ?? { respondents: row.respondents, byQuestion: new Map() };
    if (row.question_id !== null) group.byQuestion.set(row.question_id, row);
    groups.set(row.group_id, group);
  }
  return new Map(
    [...groups].map(([groupId, group]) => [
      groupId,
      {
        respondents: group.respondents,
        questions: questions.map((question) => questionResult(question, group.byQuestion.get(question.id))),
      } satisfies GroupResult,
    ]),
  );
}

interface SurveyDisclosure {
  /** The wave's minimum group size (waveMinGroupSize). */
  k: number;
  plan: DisclosurePlan;
  /** Stored responses (answers still waiting for their batch are not in any figure yet). */
  respondents: number;
  /** Groups per dimension, shown or not. */
  groupCounts: Record<BreakdownDimension, number>;
}

/** The one disclosure plan every figure of this survey is read through. */
async function surveyDisclosure(db: Db, survey: Survey): Promise<SurveyDisclosure> {
  const [k, cells] = await Promise.all([
    waveMinGroupSize(db, survey),
    respondentCells(db, survey.org_id, [survey.id]).then((bySurvey) => bySurvey.get(survey.id) ?? []),
  ]);
  const distinct = (dimension: BreakdownDimension) => new Set(cells.map((cell) => cell[dimension])).size;
  return {
    k,
    plan: planDisclosure(cells, k),
    respondents: cells.reduce((sum, cell) => sum + cell.respondents, 0),
    groupCounts: { unit: distinct('unit'), department: distinct('department'), role: distinct('role') },
  };
}

async function overallResult(
  db: Db,
  survey: Survey,
  questions: readonly SurveyQuestion[],
  disclosure: SurveyDisclosure,
) {
  if (!disclosure.plan.overall) return null;
  const { rows } = await groupAnswers(db, survey, sql`null::uuid`, new Set([null]));
  return groupResults(questions, rows).get(null) ?? null;
}

export interface BreakdownGroup extends GroupResult {
  /** null: respondents who did not say. */
  group: { key: string; name: string } | null;
}

export interface SurveyResults {
  survey: Survey;
  /** The wave's: the one in force when it opened, or the current setting if larger. */
  minGroupSize: number;
  /** Responses stored; a count alone identifies nobody. */
  respondents: number;
  /** Accepted answers not yet in any figure: they are stored in batches of at least the minimum size. */
  awaitingBatch: number;
  /** All respondents together; null while fewer than the minimum group size have answered. */
  overall: GroupResult | null;
  breakdown?: {
    by: BreakdownDimension;
    groups: BreakdownGroup[];
    /** Groups held back because they, or what could be derived from them and other shown groups, are small. */
    suppressedGroups: number;
  };
}

async function groupLabels(db: Db, orgId: string, by: BreakdownDimension, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, { key: string; name: string }>();
  const table = by === 'unit' ? 'units' : by === 'department' ? 'org_departments' : 'org_staff_roles';
  const rows = await db
    .selectFrom(table)
    .select(['id', 'key', 'name'])
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [row.id, { key: row.key, name: row.name }]));
}

async function awaitingBatch(db: Db, survey: Survey): Promise<number> {
  const row = await db
    .selectFrom('survey_response_buffer')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', survey.org_id)
    .where('survey_id', '=', survey.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A survey's results through its disclosure plan: the overall answers once the wave's minimum group size
 * answered, and optionally a breakdown by unit, department or role showing only the groups the plan allows
 * (the same groups the score evidence may use). Undefined when the survey is not the organisation's.
 */
export async function surveyResults(
  db: Db,
  orgId: string,
  surveyId: string,
  options: { by?: BreakdownDimension } = {},
): Promise<SurveyResults | undefined> {
  const survey = await findSurvey(db, orgId, surveyId);
  if (!survey) return undefined;
  const [disclosure, questions, waiting] = await Promise.all([
    surveyDisclosure(db, survey),
    listSurveyQuestions(db, orgId, surveyId),
    awaitingBatch(db, survey),
  ]);
  const results: SurveyResults = {
    survey,
    minGroupSize: disclosure.k,
    respondents: disclosure.respondents,
    awaitingBatch: waiting,
    overall: await overallResult(db, survey, questions, disclosure),
  };
  if (!options.by) return results;

  const shown = disclosure.plan.shown[options.by];
  const { rows } =
    shown.size > 0 ? await groupAnswers(db, survey, groupColumns[options.by], shown) : { rows: [] };
  const visible = groupResults(questions, rows);
  const ids = [...visible.keys()].filter((id): id is string => id !== null);
  const labels = await groupLabels(db, orgId, options.by, ids);
  const groups: BreakdownGroup[] = [...visible]
    .map(([id, result]) => ({ group: id === null ? null : (labels.get(id) ?? null), ...result }))
    .sort((a, b) => (a.group?.name ?? '\uffff').localeCompare(b.group?.name ?? '\uffff'));
  const suppressedGroups = disclosure.groupCounts[options.by] - groups.length;
  return { ...results, breakdown: { by: options.by, groups, suppressedGroups } };
}

export interface WaveQuestionComparison {
  questionKey: string;
  kind: SurveyQuestionKind;
  section: string;
  text: string;
  current: QuestionResult | null;
  previous: QuestionResult | null;
  /** Change of the 1–5 mean (Likert) or of the objective achievement 0–1 (Fully 1, Partially ½). */
  change: number | null;
}

export interface WaveComparison {
  current: { survey: Survey; respondents: number; shown: boolean };
  previous: { survey: Survey; respondents: number; shown: boolean } | null;
  questions: WaveQuestionComparison[];
}

function achievement(result: QuestionResult): number | null {
  const { fully, partially, notYet } = result.objective;
  const rated = fully + partially + notYet;
  return rated > 0 ? (fully + partially / 2) / rated : null;
}

function changeBetween(current: QuestionResult | null, previous: QuestionResult | null): number | null {
  if (!current || !previous) return null;
  const level = current.kind === 'likert' ? (r: QuestionResult) => r.mean : achievement;
  const now = level(current);
  const before = level(previous);
  return now === null || before === null ? null : now - before;
}

/**
 * A wave beside the previous wave of its series, question by question (matched by key), each wave's
 * answers shown only when it reached its minimum group size.
 */
export async function compareSurveyWaves(
  db: Db,
  orgId: string,
  surveyId: string,
): Promise<WaveComparison | undefined> {
  const survey = await findSurvey(db, orgId, surveyId);
  if (!survey) return undefined;
  const previousSurvey = await db
    .selectFrom('surveys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('series', '=', survey.series)
    .where('wave', '<', survey.wave)
    .orderBy('wave', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Each wave under its own minimum group size.
  const wave = async (of: Survey) => {
    const [questions, disclosure] = await Promise.all([
      listSurveyQuestions(db, orgId, of.id),
      surveyDisclosure(db, of),
    ]);
    const overall = await overallResult(db, of, questions, disclosure);
    const respondents = disclosure.respondents;
    const byKey = new Map((overall?.questions ?? []).map((result) => [result.questionKey, result]));
    return { survey: of, questions, respondents, shown: overall !== null, byKey };
  };
  const current = await wave(survey);
  const previous = previousSurvey ? await wave(previousSurvey) : null;
  return {
    current: { survey, respondents: current.respondents, shown: current.shown },
    previous: previous && {
      survey: previous.survey,
      respondents: previous.respondents,
      shown: previous.shown,
    },
    questions: current.questions.map((question) => {
      const now = current.byKey.get(question.key) ?? null;
      const before = previous?.byKey.get(question.key) ?? null;
      return {
        questionKey: question.key,
        kind: question.kind,
        section: question.section,
        text: question.text,
        current: now,
        previous: before,
        change: changeBetween(now, before),
      };
    }),
  };
}
