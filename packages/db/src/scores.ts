import type { Selectable } from 'kysely';
import type { Db } from './connection.js';
import type { RisingIssueTable, ScoreCurrentTable, ScoreHistoryTable } from './rollups.tables.js';

export type CurrentScore = Selectable<ScoreCurrentTable>;
export type ScoreHistoryEntry = Selectable<ScoreHistoryTable>;
export type RisingIssue = Selectable<RisingIssueTable>;

/** The scope key of the enterprise score; a unit's scope key is its id. */
export const ENTERPRISE_SCOPE = 'enterprise';

export async function findCurrentScore(
  db: Db,
  orgId: string,
  scope: string,
): Promise<CurrentScore | undefined> {
  return db
    .selectFrom('score_current')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('scope', '=', scope)
    .executeTakeFirst();
}

/**
 * Organisations whose enterprise score was last computed before `computedBefore`, or which have evidence
 * (feedback counted into the rollups, staff survey responses) and no score yet, least recently scored first.
 */
export async function listOrganisationsScoredBefore(
  db: Db,
  computedBefore: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('organisations')
    .leftJoin('score_current', (join) =>
      join
        .onRef('score_current.org_id', '=', 'organisations.id')
        .on('score_current.scope', '=', ENTERPRISE_SCOPE),
    )
    .where((eb) => {
      const counted = eb.exists(
        eb
          .selectFrom('rollup_daily')
          .select(eb.lit(1).as('one'))
          .whereRef('rollup_daily.org_id', '=', 'organisations.id'),
      );
      // Through the organisation's surveys: responses are indexed by survey, not organisation.
      const surveyed = eb.exists(
        eb
          .selectFrom('surveys')
          .innerJoin('survey_responses', 'survey_responses.survey_id', 'surveys.id')
          .select(eb.lit(1).as('one'))
          .whereRef('surveys.org_id', '=', 'organisations.id'),
      );
      const neverScored = eb('score_current.computed_at', 'is', null);
      return eb.or([
        eb('score_current.computed_at', '<', computedBefore),
        eb.and([neverScored, eb.or([counted, surveyed])]),
      ]);
    })
    .select('organisations.id')
    .orderBy('score_current.computed_at', (order) => order.asc().nullsFirst())
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Every current score of an organisation: the enterprise first, then its units. */
export async function listCurrentScores(db: Db, orgId: string): Promise<CurrentScore[]> {
  const rows = await db.selectFrom('score_current').selectAll().where('org_id', '=', orgId).execute();
  return rows.sort((a, b) =>
    a.scope === ENTERPRISE_SCOPE ? -1 : b.scope === ENTERPRISE_SCOPE ? 1 : a.scope.localeCompare(b.scope),
  );
}

export interface ElementPoints {
  elementId: string;
  points: number;
  max: number;
  stage: string;
  confidence: number;
  missing: number;
}

export interface ScoreToSave {
  scope: string;
  unitId: string | null;
  total: number;
  stage: string;
  confidence: number;
  score: Record<string, unknown>;
  metrics: unknown[];
  insights: Record<string, unknown>;
  elements: readonly ElementPoints[];
  /**
   * Set when the score moved visibly: appended to the history with its explanation (the diff against the last
   * recorded score), and `score` becomes the recorded score the next change is taken against.
   */
  change: { diff: Record<string, unknown> | null } | null;
}

/**
 * Writes a scope's current score and element scores, and appends a history entry when the score moved, in
 * one transaction: a reader never sees a current score whose change is missing from the history.
 * Returns the history entry id when one was appended.
 */
export async function saveScore(
  db: Db,
  orgId: string,
  score: ScoreToSave,
  now: Date,
): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = {
      org_id: orgId,
      scope: score.scope,
      unit_id: score.unitId,
      total: score.total,
      stage: score.stage,
      confidence: score.confidence,
      score: JSON.stringify(score.score),
      metrics: JSON.stringify(score.metrics),
      insights: JSON.stringify(score.insights),
      computed_at: now,
      changed_at: now,
      recorded_score: score.change ? JSON.stringify(score.score) : null,
    };
    await trx
      .insertInto('score_current')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['org_id', 'scope']).doUpdateSet({
          total: row.total,
          stage: row.stage,
          confidence: row.confidence,
          score: row.score,
          metrics: row.metrics,
          insights: row.insights,
          computed_at: now,
          ...(score.change ? { changed_at: now, recorded_score: row.score } : {}),
        }),
      )
      .execute();
    if (score.elements.length > 0) {
      await trx
        .insertInto('element_scores')
        .values(
          score.elements.map((element) => ({
            org_id: orgId,
            scope: score.scope,
            element_id: element.elementId,
            points: element.points,
            max: element.max,
            stage: element.stage,
            confidence: element.confidence,
            missing: element.missing,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['org_id', 'scope', 'element_id']).doUpdateSet((eb) => ({
            points: eb.ref('excluded.points'),
            max: eb.ref('excluded.max'),
            stage: eb.ref('excluded.stage'),
            confidence: eb.ref('excluded.confidence'),
            missing: eb.ref('excluded.missing'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    if (!score.change) return undefined;
    const entry = await trx
      .insertInto('score_history')
      .values({
        org_id: orgId,
        scope: score.scope,
        recorded_at: now,
        total: score.total,
        stage: score.stage,
        elements: JSON.stringify(Object.fromEntries(score.elements.map((e) => [e.elementId, e.points]))),
        diff: score.change.diff === null ? null : JSON.stringify(score.change.diff),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(entry.id);
  });
}

/** A scope's history, oldest first, within [from, to). */
export async function listScoreHistory(
  db: Db,
  orgId: string,
  scope: string,
  options: { from: Date; to: Date; limit: number },
): Promise<ScoreHistoryEntry[]> {
  return db
    .selectFrom('score_history')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('scope', '=', scope)
    .where('recorded_at', '>=', options.from)
    .where('recorded_at', '<', options.to)
    .orderBy('recorded_at')
    .orderBy('id')
    .limit(options.limit)
    .execute();
}

/** Records a rising issue once per topic and window; returns whether it is new. */
export async function recordRisingIssue(
  db: Db,
  orgId: string,
  issue: {
    unitId: string | null;
    topic: string;
    windowStart: string;
    mentions: number;
    baselineWeeklyMean: number;
  },
  now: Date,
): Promise<boolean> {
  const inserted = await db
    .insertInto('rising_issues')
    .values({
      org_id: orgId,
      unit_id: issue.unitId,
      topic: issue.topic,
      window_start: issue.windowStart,
      mentions: issue.mentions,
      baseline_weekly_mean: issue.baselineWeeklyMean,
      detected_at: now,
    })
    .onConflict((oc) => oc.constraint('rising_issues_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Rising issues of a scope detected since `since`, newest first. */
export async function listRisingIssues(
  db: Db,
  orgId: string,
  unitId: string | null,
  since: Date,
): Promise<RisingIssue[]> {
  let query = db
    .selectFrom('rising_issues')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('detected_at', '>=', since)
    .orderBy('detected_at', 'desc');
  query = unitId === null ? query.where('unit_id', 'is', null) : query.where('unit_id', '=', unitId);
  return query.execute();
}

/** A manager has seen a rising issue and acts on it; the first acknowledgement counts. */
export async function acknowledgeRisingIssue(
  db: Db,
  orgId: string,
  issueId: string,
  now: Date,
): Promise<RisingIssue | undefined> {
  await db
    .updateTable('rising_issues')
    .set({ acknowledged_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', issueId)
    .where('acknowledged_at', 'is', null)
    .execute();
  return db
    .selectFrom('rising_issues')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', issueId)
    .executeTakeFirst();
}

/** The units of an organisation, each scored on its own beside the enterprise. */
export async function listUnitScopes(
  db: Db,
  orgId: string,
): Promise<{ id: string; key: string; name: string }[]> {
  return db
    .selectFrom('units')
    .select(['id', 'key', 'name'])
    .where('org_id', '=', orgId)
    .orderBy('key')
    .execute();
}
