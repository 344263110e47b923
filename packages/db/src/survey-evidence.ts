import type { LikertDistribution, StaffObjectiveView, SurveyResult } from '@cxloop/scoring';
import { sql } from 'kysely';
import type { Db } from './connection.js';
import { planDisclosure, respondentCells } from './survey-disclosure.js';
import { minGroupSizeOf } from './survey-group-size.js';

// Staff-survey evidence for scoring. Privacy rule: a survey's answers count for a scope only when that
// scope's group is one its disclosure plan shows (survey-disclosure.ts), the same plan the results use,
// so the score trail (evidence, SSE events, history) can never be subtracted from results or from another
// scope's trail to recover a group smaller than the wave's minimum.

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

/**
 * The surveys whose answers may count for a scope: the organisation's own (organisation-wide) surveys whose
 * plan shows their overall figures, or for a unit, its own surveys likewise and the organisation-wide ones
 * whose plan shows that unit's group. Each wave under its own minimum group size.
 */
async function disclosableSurveys(
  db: Db,
  orgId: string,
  unitId: string | undefined,
): Promise<Map<string, number>> {
  let query = db
    .selectFrom('surveys')
    .select(['id', 'unit_id', 'min_group_size'])
    .where('org_id', '=', orgId)
    .where('status', 'in', ['open', 'closed']);
  query =
    unitId === undefined
      ? query.where('unit_id', 'is', null)
      : query.where((eb) => eb.or([eb('unit_id', 'is', null), eb('unit_id', '=', unitId)]));
  const [surveys, current] = await Promise.all([query.execute(), minGroupSizeOf(db, orgId)]);
  const cells = await respondentCells(
    db,
    orgId,
    surveys.map((survey) => survey.id),
  );
  const disclosable = new Map<string, number>();
  for (const survey of surveys) {
    const minimum = Math.max(current, survey.min_group_size ?? current);
    const plan = planDisclosure(cells.get(survey.id) ?? [], minimum);
    if (unitId === undefined || survey.unit_id !== null ? plan.overall : plan.shown.unit.has(unitId)) {
      disclosable.set(survey.id, minimum);
    }
  }
  return disclosable;
}

/** Responses that count for a scope: those of the disclosable surveys, and for a unit only its staff's. */
function scopedResponses(orgId: string, unitId: string | undefined, surveyIds: readonly string[]) {
  const unitScope = unitId === undefined ? sql`true` : sql`r.unit_id = ${unitId}`;
  return sql`
    eligible as (
      select r.id, r.survey_id, s.opened_at, s.wave
      from survey_responses r
      join surveys s on s.id = r.survey_id and s.org_id = r.org_id
      where r.org_id = ${orgId} and r.survey_id = any(${surveyIds}::uuid[]) and ${unitScope}
    )`;
}

/**
 * The staff-survey evidence scoring reads for an organisation (or one of its units): per indicator the
 * answers of the latest open or closed wave that asked about it (mean, respondents, distribution, "don't
 * know" share, the wave's minimum group as `minRespondents`), and per element staff's answers to the
 * objective question (their view, never the assessor's rating). A wave counts for the scope only when
 * its disclosure plan shows the scope's group, so the score trail cannot expose a small group, alone or by
 * difference with results or another scope.
 * Indicators nobody rated 1–5 (only "don't know") are left out: missing evidence, not a low score.
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
  const minimums = await disclosableSurveys(db, orgId, scope.unitId);
  const responses = scopedResponses(orgId, scope.unitId, [...minimums.keys()]);
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
        dontKnow: row.dont_know,
        dontKnowShare: row.dont_know / (respondents + row.dont_know),
        // An item fewer staff rated 1–5 than the wave's minimum group contributes nothing (scoring).
        minRespondents: minimums.get(row.survey_id) ?? 0,
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
