import type { LikertDistribution, StaffObjectiveView, SurveyResult } from '@cxloop/scoring';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from './connection.js';
import { findSurvey, listSurveyQuestions, minGroupSizeOf } from './surveys.js';
import type { Survey, SurveyQuestion, SurveyQuestionKind } from './surveys.tables.js';

// Privacy rule of this module: answers leave the database only for groups of at least the organisation's
// minimum size (k). The SQL drops smaller groups itself, so no caller can show what it never receives.

/** What results can be broken down by: the respondent attributes a response carries. */
export type BreakdownDimension = 'unit' | 'department' | 'role';

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

/**
 * Answer counts per group and question, for groups of at least `k` respondents only. When the groups held
 * back add up to fewer than `k` (but more than none), the smallest shown group is held back too: otherwise
 * the total minus the shown groups would give away the small group's answers.
 */
function visibleGroupAnswers(db: Db, survey: Survey, group: RawBuilder<unknown>, k: number) {
  const scope = sql`r.org_id = ${survey.org_id} and r.survey_id = ${survey.id}`;
  return sql<GroupAnswerRow>`
    with sizes as (
      select ${group} as group_id, count(*)::int as respondents
      from survey_responses r where ${scope} group by 1
    ),
    ranked as (
      select group_id, respondents, respondents < ${k} as small,
             row_number() over (
               partition by respondents < ${k} order by respondents, group_id::text nulls first
             ) as size_rank
      from sizes
    ),
    held_back as (select coalesce(sum(respondents) filter (where small), 0) as n from ranked),
    visible as (
      select ranked.group_id, ranked.respondents from ranked cross join held_back
      where not ranked.small and not (held_back.n > 0 and held_back.n < ${k} and ranked.size_rank = 1)
    )
    select v.group_id, v.respondents, a.question_id,
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
    from visible v
    join survey_responses r on ${scope} and ${group} is not distinct from v.group_id
    left join survey_answers a on a.response_id = r.id and a.org_id = ${survey.org_id}
    group by v.group_id, v.respondents, a.question_id
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

async function overallResult(db: Db, survey: Survey, questions: readonly SurveyQuestion[], k: number) {
  const { rows } = await visibleGroupAnswers(db, survey, sql`null::uuid`, k);
  return groupResults(questions, rows).get(null) ?? null;
}

export interface BreakdownGroup extends GroupResult {
  /** null: respondents who did not say. */
  group: { key: string; name: string } | null;
}

export interface SurveyResults {
  survey: Survey;
  minGroupSize: number;
  /** Everyone who answered; a count alone identifies nobody. */
  respondents: number;
  /** All respondents together; null while fewer than the minimum group size have answered. */
  overall: GroupResult | null;
  breakdown?: {
    by: BreakdownDimension;
    groups: BreakdownGroup[];
    /** Groups held back because they (or what could be derived from them) are under the minimum size. */
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

/**
 * A survey's results with the organisation's minimum group size applied: the overall answers once enough
 * people answered, and optionally a breakdown by unit, department or role that holds back every group too
 * small to be anonymous. Undefined when the survey is not the organisation's.
 */
export async function surveyResults(
  db: Db,
  orgId: string,
  surveyId: string,
  options: { by?: BreakdownDimension } = {},
): Promise<SurveyResults | undefined> {
  const survey = await findSurvey(db, orgId, surveyId);
  if (!survey) return undefined;
  const [k, questions, totals] = await Promise.all([
    minGroupSizeOf(db, orgId),
    listSurveyQuestions(db, orgId, surveyId),
    options.by
      ? sql<{ respondents: number; groups: number }>`
          select count(*)::int as respondents, count(distinct ${groupColumns[options.by]})::int
                 + (count(*) filter (where ${groupColumns[options.by]} is null) > 0)::int as groups
          from survey_responses r where r.org_id = ${orgId} and r.survey_id = ${surveyId}`.execute(db)
      : sql<{ respondents: number; groups: number }>`
          select count(*)::int as respondents, 1 as groups
          from survey_responses r where r.org_id = ${orgId} and r.survey_id = ${surveyId}`.execute(db),
  ]);
  const { respondents, groups: groupCount } = totals.rows[0] ?? { respondents: 0, groups: 0 };
  const overall = await overallResult(db, survey, questions, k);
  const results: SurveyResults = { survey, minGroupSize: k, respondents, overall };
  if (!options.by) return results;

  const { rows } = await visibleGroupAnswers(db, survey, groupColumns[options.by], k);
  const visible = groupResults(questions, rows);
  const ids = [...visible.keys()].filter((id): id is string => id !== null);
  const labels = await groupLabels(db, orgId, options.by, ids);
  const groups: BreakdownGroup[] = [...visible]
    .map(([id, result]) => ({ group: id === null ? null : (labels.get(id) ?? null), ...result }))
    .sort((a, b) => (a.group?.name ?? '\uffff').localeCompare(b.group?.name ?? '\uffff'));
  return { ...results, breakdown: { by: options.by, groups, suppressedGroups: groupCount - groups.length } };
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

async function respondentCount(db: Db, survey: Survey): Promise<number> {
  const row = await db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', survey.org_id)
    .where('survey_id', '=', survey.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A wave beside the previous wave of its series, question by question (matched by key), each wave's
 * answers shown only when it reached the minimum group size.
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
  const k = await minGroupSizeOf(db, orgId);
  const wave = async (of: Survey) => {
    const questions = await listSurveyQuestions(db, orgId, of.id);
    const [overall, respondents] = await Promise.all([
      overallResult(db, of, questions, k),
      respondentCount(db, of),
    ]);
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

// ───────────────────────── evidence for scoring ─────────────────────────

/** scoring's SurveyResult with what the score trail also shows: "don't know" answers and the wave used. */
export interface StaffSurveyResult extends SurveyResult {
  readonly distribution: LikertDistribution;
  readonly minRespondents: number;
  readonly dontKnow: number;
  /** dontKnow ÷ (respondents + dontKnow). */
  readonly dontKnowShare: number;
  readonly surveyId: string;
  readonly wave: number;
}

/** Staff's answers to an element's objective question: their view, shown beside the assessor's rating. */
export interface StaffObjectiveAnswers extends StaffObjectiveView {
  readonly surveyId: string;
  readonly wave: number;
}

export interface StaffSurveyEvidence {
  readonly survey: StaffSurveyResult[];
  readonly staffObjectiveViews: StaffObjectiveAnswers[];
}

interface IndicatorEvidenceRow {
  indicator_id: string;
  survey_id: string;
  wave: number;
  likert_sum: number;
  likert_1: number;
  likert_2: number;
  likert_3: number;
  likert_4: number;
  likert_5: number;
  dont_know: number;
}

interface ObjectiveEvidenceRow {
  element_id: string;
  survey_id: string;
  wave: number;
  fully: number;
  partially: number;
  not_yet: number;
}

/** Responses that count for a scope, restricted to open or closed surveys with at least k of them. */
function scopedResponses(orgId: string, unitId: string | undefined, k: number) {
  // The organisation as a whole is assessed by its organisation-wide surveys; a unit by its own surveys and
  // by what its staff answered in organisation-wide ones.
  const unitScope =
    unitId === undefined
      ? sql`s.unit_id is null`
      : sql`(s.unit_id is null or s.unit_id = ${unitId}) and r.unit_id = ${unitId}`;
  return sql`
    scoped as (
      select r.id, r.survey_id, s.opened_at, s.wave
      from survey_responses r
      join surveys s on s.id = r.survey_id and s.org_id = r.org_id
      where r.org_id = ${orgId} and s.status in ('open', 'closed') and ${unitScope}
    ),
    eligible as (
      select scoped.* from scoped
      where scoped.survey_id in (select survey_id from scoped group by survey_id having count(*) >= ${k})
    )`;
}

/**
 * The staff-survey evidence scoring reads for an organisation (or one of its units): per indicator the
 * answers of the latest open or closed wave that asked about it (mean, respondents, distribution, "don't
 * know" share), and per element the latest wave's answers to the objective question (staff's view, which
 * scoring shows but never scores). A wave counts only once at least the organisation's minimum group size
 * answered in the scope, so the score trail cannot expose a small group; each item also carries that
 * minimum as `minRespondents`, so an item fewer staff rated 1–5 contributes nothing and its answers stay out
 * of the trail. Indicators nobody rated 1–5 (only "don't know") are left out: missing evidence, not a low
 * score.
 *
 * @example
 * const staff = await loadSurveyEvidence(db, orgId);
 * scoreFramework({ metrics, survey: staff.survey, staffObjectiveViews: staff.staffObjectiveViews });
 */
export async function loadSurveyEvidence(
  db: Db,
  orgId: string,
  scope: { unitId?: string } = {},
): Promise<StaffSurveyEvidence> {
  const k = await minGroupSizeOf(db, orgId);
  const responses = scopedResponses(orgId, scope.unitId, k);
  const [indicators, objectives] = await Promise.all([
    sql<IndicatorEvidenceRow>`
      with ${responses},
      per_wave as (
        select informed.indicator_id, e.survey_id, e.wave, e.opened_at,
               coalesce(sum(a.likert), 0)::int as likert_sum,
               count(*) filter (where a.likert = 1)::int as likert_1,
               count(*) filter (where a.likert = 2)::int as likert_2,
               count(*) filter (where a.likert = 3)::int as likert_3,
               count(*) filter (where a.likert = 4)::int as likert_4,
               count(*) filter (where a.likert = 5)::int as likert_5,
               count(*) filter (where a.dont_know)::int as dont_know
        from eligible e
        join survey_answers a on a.response_id = e.id and a.org_id = ${orgId}
        join survey_questions q on q.id = a.question_id and q.kind = 'likert'
        cross join lateral unnest(q.informs) as informed(indicator_id)
        group by informed.indicator_id, e.survey_id, e.wave, e.opened_at
        having count(a.likert) > 0
      )
      select distinct on (indicator_id) * from per_wave
      order by indicator_id, opened_at desc, survey_id`.execute(db),
    sql<ObjectiveEvidenceRow>`
      with ${responses},
      per_wave as (
        select q.element_id, e.survey_id, e.wave, e.opened_at,
               count(*) filter (where a.objective = 'fully')::int as fully,
               count(*) filter (where a.objective = 'partially')::int as partially,
               count(*) filter (where a.objective = 'not_yet')::int as not_yet
        from eligible e
        join survey_answers a on a.response_id = e.id and a.org_id = ${orgId}
        join survey_questions q on q.id = a.question_id and q.kind = 'objective'
        group by q.element_id, e.survey_id, e.wave, e.opened_at
      )
      select distinct on (element_id) * from per_wave
      order by element_id, opened_at desc, survey_id`.execute(db),
  ]);
  return {
    survey: indicators.rows.map((row) => {
      const distribution: LikertDistribution = [
        row.likert_1,
        row.likert_2,
        row.likert_3,
        row.likert_4,
        row.likert_5,
      ];
      const respondents = distribution.reduce((sum, count) => sum + count, 0);
      return {
        indicatorId: row.indicator_id,
        mean: row.likert_sum / respondents,
        respondents,
        distribution,
        minRespondents: k,
        dontKnow: row.dont_know,
        dontKnowShare: row.dont_know / (respondents + row.dont_know),
        surveyId: row.survey_id,
        wave: row.wave,
      };
    }),
    staffObjectiveViews: objectives.rows.map((row) => ({
      elementId: row.element_id,
      fully: row.fully,
      partially: row.partially,
      notYet: row.not_yet,
      surveyId: row.survey_id,
      wave: row.wave,
    })),
  };
}
