import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { FeedbackWithAnalysis } from './feedback.js';

/** What a person can narrow the feedback list by; every filter is optional and they combine with AND. */
export interface FeedbackFilter {
  channel?: string;
  sourceId?: string;
  /** A unit id (the route resolves unit keys). */
  unitId?: string;
  /** A topic id as analysis tags it (`delivery`, `billing` …). */
  topic?: string;
  sentiment?: 'positive' | 'neutral' | 'negative';
  /** A flag code (`churn_threat`, `safety` …). */
  flag?: string;
  /** Occurred at or after. */
  from?: Date;
  /** Occurred before. */
  to?: Date;
  /** Case-insensitive substring of the text. */
  text?: string;
  /**
   * Which text `text` is matched against. Callers who may see only the redacted text must search only that:
   * a match on the original would tell them whether a hidden email or phone number is in a feedback.
   */
  textScope?: 'original' | 'redacted';
}

/** Position after the last row of a page: newest first, ties broken by id. */
export interface FeedbackCursor {
  occurredAt: Date;
  id: string;
}

/**
 * One page of an organisation's feedback, newest first, with its analysis. Keyset pagination on
 * (occurred_at, id) walks the `feedback_org_occurred_idx` index, so a deep page costs what the first does.
 * Topic and flag filters match inside the analysis details with jsonb containment.
 */
export async function searchFeedback(
  db: Db,
  orgId: string,
  filter: FeedbackFilter,
  page: { limit: number; after?: FeedbackCursor },
): Promise<FeedbackWithAnalysis[]> {
  let query = db
    .selectFrom('feedback as f')
    .leftJoin('feedback_analysis as a', (join) =>
      join.onRef('a.feedback_id', '=', 'f.id').onRef('a.org_id', '=', 'f.org_id'),
    )
    .selectAll('f')
    .select(
      sql<
        FeedbackWithAnalysis['analysis']
      >`case when a.feedback_id is null then null else to_jsonb(a) end`.as('analysis'),
    )
    .where('f.org_id', '=', orgId);
  if (filter.channel) query = query.where('f.channel', '=', filter.channel);
  if (filter.sourceId) query = query.where('f.source_id', '=', filter.sourceId);
  if (filter.unitId) query = query.where('f.unit_id', '=', filter.unitId);
  if (filter.from) query = query.where('f.occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('f.occurred_at', '<', filter.to);
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    query =
      filter.textScope === 'redacted'
        ? query.where('a.redacted_text', 'ilike', pattern)
        : query.where('f.text', 'ilike', pattern);
  }
  if (filter.sentiment) query = query.where('a.sentiment_label', '=', filter.sentiment);
  if (filter.topic) {
    query = query.where(
      sql<boolean>`a.details -> 'topics' @> ${JSON.stringify([{ id: filter.topic }])}::jsonb`,
    );
  }
  if (filter.flag) {
    query = query.where(
      sql<boolean>`a.details -> 'flags' @> ${JSON.stringify([{ code: filter.flag }])}::jsonb`,
    );
  }
  if (page.after) {
    const { occurredAt, id } = page.after;
    query = query.where(sql<boolean>`(f.occurred_at, f.id) < (${occurredAt}, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('f.occurred_at', 'desc')
    .orderBy('f.id', 'desc')
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({ ...row, analysis: row.analysis && reviveAnalysis(row.analysis) }));
}

/** to_jsonb turns timestamps into strings; the row type promises Dates. */
function reviveAnalysis(analysis: NonNullable<FeedbackWithAnalysis['analysis']>) {
  return { ...analysis, analysed_at: new Date(analysis.analysed_at) };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
