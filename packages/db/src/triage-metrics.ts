/**
 * Response-team figures beyond the scoring catalogue's (those come from `caseWindowStats`): the tail of time
 * to first response, time to resolution and first-time resolution, over an organisation's cases opened in
 * the 30 days up to `asOf`, in one SQL statement. A value is null when there is nothing to measure.
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';

export interface TriageMeasurement {
  value: number | null;
  sampleSize: number;
}

const WINDOW_DAYS = 30;

function casesOpenedInWindow(db: Db, orgId: string, asOf: Date) {
  return db
    .selectFrom('cases')
    .where('org_id', '=', orgId)
    .where('opened_at', '>', new Date(asOf.getTime() - WINDOW_DAYS * 24 * 3_600_000))
    .where('opened_at', '<=', asOf);
}

function measurement(row: {
  numerator: string | number | null;
  denominator: string | number;
}): TriageMeasurement {
  const sampleSize = Number(row.denominator);
  return { value: sampleSize === 0 ? null : Number(row.numerator) / sampleSize, sampleSize };
}

export interface TriageResponseTimes {
  p90FirstResponseHours: TriageMeasurement;
  medianResolutionHours: TriageMeasurement;
  /** Resolved cases never reopened ÷ resolved cases. */
  firstTimeResolutionRate: TriageMeasurement;
}

/** The response-time figures a response team watches beyond the catalogue's, over the same window. */
export async function triageResponseTimes30d(
  db: Db,
  orgId: string,
  asOf: Date,
): Promise<TriageResponseTimes> {
  const row = await casesOpenedInWindow(db, orgId, asOf)
    .select([
      sql<
        number | null
      >`percentile_cont(0.9) within group (order by extract(epoch from first_response_at - opened_at) / 3600) filter (where first_response_at <= ${asOf})`.as(
        'p90_first_response',
      ),
      sql<string>`count(*) filter (where first_response_at <= ${asOf})`.as('answered'),
      sql<
        number | null
      >`percentile_cont(0.5) within group (order by extract(epoch from closed_at - opened_at) / 3600) filter (where status = 'resolved' and closed_at <= ${asOf})`.as(
        'median_resolution',
      ),
      sql<string>`count(*) filter (where status = 'resolved' and closed_at <= ${asOf})`.as('resolved'),
      sql<string>`count(*) filter (where status = 'resolved' and closed_at <= ${asOf} and reopen_count = 0)`.as(
        'resolved_first_time',
      ),
    ])
    .executeTakeFirstOrThrow();
  const hours = (value: number | null, n: string) => ({
    value: value === null ? null : Number(value),
    sampleSize: Number(n),
  });
  return {
    p90FirstResponseHours: hours(row.p90_first_response, row.answered),
    medianResolutionHours: hours(row.median_resolution, row.resolved),
    firstTimeResolutionRate: measurement({ numerator: row.resolved_first_time, denominator: row.resolved }),
  };
}
