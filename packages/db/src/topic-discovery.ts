import { sql } from 'kysely';
import type { Db } from './connection.js';

/**
 * Recent analysed feedback that got no topic, newest first, as managers may read it (redacted): what topic
 * discovery looks for recurring matters in. Feedback in a language we do not analyse is left out (it has no
 * topics for another reason). Bounded by `limit`, so discovery costs the same at any history length.
 */
export async function recentUncoveredFeedback(db: Db, orgId: string, since: Date, limit = 5_000) {
  const rows = await db
    .selectFrom('feedback_analysis')
    .select(['feedback_id', 'redacted_text', 'feedback_received_at'])
    .where('org_id', '=', orgId)
    .where('feedback_received_at', '>=', since)
    .where('sentiment_score', 'is not', null)
    .where(sql<boolean>`details->'topics' = '[]'::jsonb`)
    .orderBy('feedback_received_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.feedback_id,
    text: row.redacted_text,
    receivedAt: row.feedback_received_at,
  }));
}

/**
 * Each topic's mentions and negative mentions received since `sinceDay` (enterprise-wide), from the topic
 * rollups: what a taxonomy view shows beside each topic, at a cost of days × topics rows.
 */
export async function topicMentionTotals(db: Db, orgId: string, sinceDay: string) {
  const rows = await db
    .selectFrom('rollup_topic_unit_daily')
    .select((eb) => [
      'topic',
      eb.fn.sum<string>('mentions').as('mentions'),
      eb.fn.sum<string>('negative_count').as('negative'),
    ])
    .where('org_id', '=', orgId)
    .where(sql<boolean>`day >= ${sinceDay}::date`)
    .groupBy('topic')
    .execute();
  return new Map(
    rows.map((row) => [row.topic, { mentions: Number(row.mentions), negative: Number(row.negative) }]),
  );
}
