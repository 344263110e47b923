import type { FrameworkScore } from '@cxloop/scoring';
import type { Selectable } from 'kysely';
import type { Db } from './connection.js';
import type { RisingIssueTable, ScoreCurrentTable, ScoreHistoryTable } from './rollups.tables.js';
import { readStoredScore, toStoredScore } from './stored-score.js';

/** A scope's current score, its stored JSON parsed (see stored-score.ts). */
export type CurrentScore = Omit<Selectable<ScoreCurrentTable>, 'score' | 'recorded_score'> & {
  score: FrameworkScore;
  recorded_score: FrameworkScore | null;
};

function parsedScores(row: Selectable<ScoreCurrentTable>): CurrentScore {
  return {
    ...row,
    score: readStoredScore(row.score),
    recorded_score: row.recorded_score === null ? null : readStoredScore(row.recorded_score),
  };
}
export type ScoreHistoryEntry = Selectable<ScoreHistoryTable>;
export type RisingIssue = Selectable<RisingIssueTable>;

/** The scope key of the enterprise score; a unit's scope key is its id. */
export const ENTERPRISE_SCOPE = 'enterprise';

export async function findCurrentScore(
  db: Db,
  orgId: string,
  scope: string,
): Promise<CurrentScore | undefined> {
  const row = await db
    .selectFrom('score_current')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('scope', '=', scope)
    .executeTakeFirst();
  return row && parsedScores(row);
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
  return rows
    .map(parsedScores)
    .sort((a, b) =>
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
  score: FrameworkScore;
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
      score: JSON.stringify(toStoredScore(score.score)),
      metrics: JSON.stringify(score.metrics),
      insights: JSON.stringify(score.insights),
      computed_at: now,
      changed_at: now,
      recorded_score: score.change ? JSON.stringify(toStoredScore(score.score)) : null,
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

/** Where a page of history ends: the last entry's time and id (newest first, so the next page is older). */
export interface HistoryCursor {
  recordedAt: Date;
  id: string;
}

/** A scope's history within [from, to), newest first, from just before `before` when given. */
export async function listScoreHistory(
  db: Db,
  orgId: string,
  scope: string,
  options: { from: Date; to: Date; limit: number; before?: HistoryCursor },
): Promise<ScoreHistoryEntry[]> {
  let query = db
    .selectFrom('score_history')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('scope', '=', scope)
    .where('recorded_at', '>=', options.from)
    .where('recorded_at', '<', options.to);
  const { before } = options;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('recorded_at', '<', before.recordedAt),
        eb.and([eb('recorded_at', '=', before.recordedAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.orderBy('recorded_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

/** The scope's latest history entry recorded at or before `at`: its score as of then. */
export async function scoreHistoryAt(
  db: Db,
  orgId: string,
  scope: string,
  at: Date,
): Promise<ScoreHistoryEntry | undefined> {
  return db
    .selectFrom('score_history')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('scope', '=', scope)
    .where('recorded_at', '<=', at)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The diffs of the scope's entries recorded after `after` and at or before `until`, oldest first, a page of
 * `pageSize` at a time (each entry's diff is against the one before, so folding them gives the whole span).
 */
export async function* scoreDiffsBetween(
  db: Db,
  orgId: string,
  scope: string,
  span: { after: HistoryCursor | undefined; until: Date },
  pageSize = 500,
): AsyncGenerator<Record<string, unknown> | null> {
  let cursor = span.after;
  for (;;) {
    let query = db
      .selectFrom('score_history')
      .select(['id', 'recorded_at', 'diff'])
      .where('org_id', '=', orgId)
      .where('scope', '=', scope)
      .where('recorded_at', '<=', span.until);
    const from = cursor;
    if (from) {
      query = query.where((eb) =>
        eb.or([
          eb('recorded_at', '>', from.recordedAt),
          eb.and([eb('recorded_at', '=', from.recordedAt), eb('id', '>', from.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('recorded_at').orderBy('id').limit(pageSize).execute();
    for (const row of rows) yield row.diff;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    cursor = { recordedAt: last.recorded_at, id: String(last.id) };
  }
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
  return findRisingIssue(db, orgId, issueId);
}

/** A rising issue of the organisation (one of another organisation is as unknown as a missing one). */
export async function findRisingIssue(
  db: Db,
  orgId: string,
  issueId: string,
): Promise<RisingIssue | undefined> {
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
