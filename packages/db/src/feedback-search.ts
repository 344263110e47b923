import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from './connection.js';
import type { FeedbackWithAnalysis } from './feedback.js';
import type { Database } from './schema.js';

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
  /**
   * Words to find (web-search syntax: words anywhere in the text, "a phrase", -excluded, or). English
   * stemming, so "refunds" finds "refund".
   */
  text?: string;
  /**
   * Which text `text` is matched against. Callers who may see only the redacted text must search only that:
   * a match on the original would tell them whether a hidden email or phone number is in a feedback.
   */
  textScope?: 'original' | 'redacted';
}

export type FeedbackOrder = 'newest' | 'oldest' | 'relevance';

/**
 * Position after the last row of a page in its order: occurred_at and id, and the rank when ordered by
 * relevance.
 */
export interface FeedbackCursor {
  occurredAt: Date;
  id: string;
  rank?: number;
}

export interface FeedbackPage {
  rows: (FeedbackWithAnalysis & { rank: number | null })[];
}

type FeedbackQuery = SelectQueryBuilder<
  Database & { f: Database['feedback']; a: Database['feedback_analysis'] },
  'f' | 'a',
  object
>;

/** The text search's vector: the stored redacted one, or the original text's (both GIN-indexed). */
function searchVector(scope: FeedbackFilter['textScope']) {
  return scope === 'original' ? sql`to_tsvector('english', f.text)` : sql`a.redacted_search`;
}

function searchQuery(text: string) {
  return sql`websearch_to_tsquery('english', ${text})`;
}

/** Feedback of the organisation joined to its analysis, narrowed by every filter given. */
function filteredFeedback(db: Db, orgId: string, filter: FeedbackFilter): FeedbackQuery {
  let query = db
    .selectFrom('feedback as f')
    .leftJoin('feedback_analysis as a', (join) =>
      join.onRef('a.feedback_id', '=', 'f.id').onRef('a.org_id', '=', 'f.org_id'),
    )
    .where('f.org_id', '=', orgId) as unknown as FeedbackQuery;
  if (filter.channel) query = query.where('f.channel', '=', filter.channel);
  if (filter.sourceId) query = query.where('f.source_id', '=', filter.sourceId);
  if (filter.unitId) query = query.where('f.unit_id', '=', filter.unitId);
  if (filter.from) query = query.where('f.occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('f.occurred_at', '<', filter.to);
  if (filter.text) {
    query = query.where(sql<boolean>`${searchVector(filter.textScope)} @@ ${searchQuery(filter.text)}`);
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
  return query;
}

/**
 * One page of an organisation's feedback with its analysis: newest first, oldest first, or by relevance to
 * the searched words (ts_rank; ties newest first). Keyset pagination on (occurred_at, id) walks the
 * `feedback_org_occurred_idx` index, so a deep page costs what the first does. Topic and flag filters match
 * inside the analysis details with jsonb containment.
 */
export async function searchFeedback(
  db: Db,
  orgId: string,
  filter: FeedbackFilter,
  page: { limit: number; after?: FeedbackCursor; order?: FeedbackOrder },
): Promise<FeedbackPage> {
  const order = page.order === 'relevance' && !filter.text ? 'newest' : (page.order ?? 'newest');
  const rank: RawBuilder<number | null> = filter.text
    ? sql`ts_rank(${searchVector(filter.textScope)}, ${searchQuery(filter.text)})`
    : sql`null::real`;
  let query = filteredFeedback(db, orgId, filter);
  if (page.after) {
    const { occurredAt, id } = page.after;
    if (order === 'oldest') {
      query = query.where(sql<boolean>`(f.occurred_at, f.id) > (${occurredAt}, ${id}::uuid)`);
    } else if (order === 'relevance') {
      query = query.where(
        sql<boolean>`(${rank}, f.occurred_at, f.id) < (${page.after.rank ?? 0}::real, ${occurredAt}, ${id}::uuid)`,
      );
    } else {
      query = query.where(sql<boolean>`(f.occurred_at, f.id) < (${occurredAt}, ${id}::uuid)`);
    }
  }
  const direction = order === 'oldest' ? 'asc' : 'desc';
  let ordered = query.selectAll('f').select([
    // The stored search vector is an index's business, not the reader's.
    sql<
      FeedbackWithAnalysis['analysis']
    >`case when a.feedback_id is null then null else to_jsonb(a) - 'redacted_search' end`.as('analysis'),
    rank.as('rank'),
  ]);
  if (order === 'relevance') ordered = ordered.orderBy(sql`${rank}`, 'desc');
  const rows = await ordered
    .orderBy('f.occurred_at', direction)
    .orderBy('f.id', direction)
    .limit(page.limit)
    .execute();
  return {
    rows: rows.map((row) => ({
      ...(row as unknown as FeedbackWithAnalysis),
      analysis: row.analysis && reviveAnalysis(row.analysis),
      rank: row.rank === null ? null : Number(row.rank),
    })),
  };
}

/** How many feedback match the filters: the list's total, counted with the same conditions. */
export async function countFeedback(db: Db, orgId: string, filter: FeedbackFilter): Promise<number> {
  const row = await filteredFeedback(db, orgId, filter)
    .select(sql<string>`count(*)`.as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** to_jsonb turns timestamps into strings; the row type promises Dates. */
function reviveAnalysis(analysis: NonNullable<FeedbackWithAnalysis['analysis']>) {
  return { ...analysis, analysed_at: new Date(analysis.analysed_at) };
}
