import { sql } from 'kysely';
import {
  type AnalysedFeedback,
  type CaseFeedbackFacts,
  loadCaseOpeningRules,
  openCasesForAnalyses,
} from './case-opening.js';
import type { Db } from './connection.js';

export interface CaseBackfillWindow {
  /** Feedback that happened (occurred_at) from this instant … */
  from: Date;
  /** … up to, not including, this one. */
  to: Date;
  /** Only this source's feedback; all sources when undefined. */
  sourceId?: string;
}

export interface CaseBackfillReport {
  /** Analysed feedback in the window with no case yet that the case rules escalate. */
  considered: number;
  opened: number;
  /** Linked to an open case of the same customer as a repeat contact. */
  linked: number;
}

/** Feedback handled per transaction: each page's customers are locked only while it is opened. */
const PAGE_SIZE = 500;

/**
 * Opens cases, on purpose, for analysed feedback that happened in a past window and has none: the case
 * horizon kept it out of the inbox when it was imported; an admin now wants those customers answered.
 * The rules of the day apply (flags, minimum severity, repeat contacts), the SLA clocks start now, and
 * feedback already on a case is left alone, so running a window twice opens nothing new.
 */
export async function openCasesForWindow(
  db: Db,
  orgId: string,
  window: CaseBackfillWindow,
  now: Date,
): Promise<CaseBackfillReport> {
  const rules = await loadCaseOpeningRules(db, orgId);
  const report: CaseBackfillReport = { considered: 0, opened: 0, linked: 0 };
  let after: { occurredAt: Date; id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('feedback as f')
      .innerJoin('feedback_analysis as a', (join) =>
        join.onRef('a.feedback_id', '=', 'f.id').onRef('a.feedback_received_at', '=', 'f.received_at'),
      )
      .select([
        'f.id',
        'f.source_id',
        'f.unit_id',
        'f.channel',
        'f.customer_ref',
        'f.occurred_at',
        'f.received_at',
        'a.severity',
        'a.urgency',
        sql<string[]>`coalesce(array(select jsonb_array_elements(a.details -> 'flags') ->> 'code'), '{}')`.as(
          'flag_codes',
        ),
        sql<string[]>`coalesce(array(select jsonb_array_elements(a.details -> 'topics') ->> 'id'), '{}')`.as(
          'topics',
        ),
      ])
      .where('f.org_id', '=', orgId)
      .where('f.occurred_at', '>=', window.from)
      .where('f.occurred_at', '<', window.to)
      .where('a.severity', '!=', 'none')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('case_feedback as cf')
              .select('cf.case_id')
              .whereRef('cf.feedback_id', '=', 'f.id')
              .where('cf.org_id', '=', orgId),
          ),
        ),
      );
    if (window.sourceId) query = query.where('f.source_id', '=', window.sourceId);
    if (after) {
      const { occurredAt, id } = after;
      query = query.where((eb) => eb(eb.refTuple('f.occurred_at', 'f.id'), '>', eb.tuple(occurredAt, id)));
    }
    const rows = await query.orderBy('f.occurred_at').orderBy('f.id').limit(PAGE_SIZE).execute();
    if (rows.length === 0) return report;
    const last = rows[rows.length - 1]!;
    after = { occurredAt: last.occurred_at, id: last.id };
    const analyses: AnalysedFeedback[] = rows.map((row) => ({
      orgId,
      feedbackId: row.id,
      severity: row.severity,
      urgency: row.urgency,
      flagCodes: row.flag_codes,
      topics: row.topics,
    }));
    const facts = new Map<string, CaseFeedbackFacts>(
      rows.map((row) => [
        row.id,
        {
          source_id: row.source_id,
          unit_id: row.unit_id,
          channel: row.channel,
          customer_ref: row.customer_ref,
          occurred_at: row.occurred_at,
          received_at: row.received_at,
        },
      ]),
    );
    const openings = await db
      .transaction()
      .execute((trx) =>
        openCasesForAnalyses(trx, orgId, analyses, now, { rules, feedback: facts, ignoreHorizon: true }),
      );
    for (const opening of openings) {
      if (!opening) continue;
      report.considered += 1;
      if (opening.outcome === 'opened') report.opened += 1;
      if (opening.outcome === 'linked') report.linked += 1;
    }
  }
}
