import { sql } from 'kysely';
import type { Db } from './connection.js';

/** One channel's experience on one day (the customers', UTC): the sums the daily rates are made of. */
export interface ChannelDay {
  /** `YYYY-MM-DD`. */
  day: string;
  channel: string;
  feedback: number;
  npsCount: number;
  npsPromoters: number;
  npsDetractors: number;
  csatCount: number;
  csatSatisfied: number;
  cesCount: number;
  cesSum: number;
  sentimentCount: number;
  sentimentSum: number;
}

/**
 * An organisation's daily experience per channel over `[from, to]` (inclusive days the customers gave their
 * feedback, as the feedback list filters on occurred_at), for the whole organisation or one unit. Read from
 * the occurrence-day rollups, so the cost follows days × channels, never the number of feedback rows.
 *
 * @example await dailyExperienceByChannel(db, orgId, { from: '2026-08-26', to: '2026-11-23' })
 */
export async function dailyExperienceByChannel(
  db: Db,
  orgId: string,
  window: { from: string; to: string; unitId?: string },
): Promise<ChannelDay[]> {
  let query = db
    .selectFrom('rollup_occurred_channel_daily')
    .select((eb) => [
      sql<string>`day::text`.as('day'),
      'channel',
      eb.fn.sum<string>('feedback_count').as('feedback'),
      eb.fn.sum<string>('nps_count').as('nps_count'),
      eb.fn.sum<string>('nps_promoters').as('nps_promoters'),
      eb.fn.sum<string>('nps_detractors').as('nps_detractors'),
      eb.fn.sum<string>('csat_count').as('csat_count'),
      eb.fn.sum<string>('csat_satisfied').as('csat_satisfied'),
      eb.fn.sum<string>('ces_count').as('ces_count'),
      eb.fn.sum<string>('ces_sum').as('ces_sum'),
      eb.fn.sum<string>('sentiment_count').as('sentiment_count'),
      eb.fn.sum<string>('sentiment_sum').as('sentiment_sum'),
    ])
    .where('org_id', '=', orgId)
    .where(sql.ref('day'), '>=', window.from)
    .where(sql.ref('day'), '<=', window.to);
  if (window.unitId) query = query.where('unit_id', '=', window.unitId);
  const rows = await query.groupBy(['day', 'channel']).orderBy('day').orderBy('channel').execute();
  return rows.map((row) => ({
    day: row.day,
    channel: row.channel,
    feedback: Number(row.feedback),
    npsCount: Number(row.nps_count),
    npsPromoters: Number(row.nps_promoters),
    npsDetractors: Number(row.nps_detractors),
    csatCount: Number(row.csat_count),
    csatSatisfied: Number(row.csat_satisfied),
    cesCount: Number(row.ces_count),
    cesSum: Number(row.ces_sum),
    sentimentCount: Number(row.sentiment_count),
    sentimentSum: Number(row.sentiment_sum),
  }));
}
