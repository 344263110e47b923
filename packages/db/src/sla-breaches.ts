import { sql } from 'kysely';
import { recordCaseEvent, systemActor } from './cases.js';
import type { Db } from './connection.js';
import { MAX_PRIORITY, openStatuses } from './triage-rules.js';

export type SlaBreachKind = 'first_response' | 'resolution';

export interface SlaEscalation {
  caseId: string;
  orgId: string;
  breaches: SlaBreachKind[];
  priority: number;
  /** The escalation notice queued for the organisation's webhook; null when it has none configured. */
  messageId: string | null;
}

/**
 * Marks one batch of open cases whose deadline has passed at `now` and were not marked yet, and escalates
 * each: priority up one, the escalation level counted, an audit event and, when the organisation has an
 * escalation webhook, a notice queued for it. Each deadline escalates once: the breach timestamp is the
 * marker, written in the same transaction. Rows another sweeper holds are skipped. Returns fewer than
 * `limit` escalations when no more are due.
 */
export async function escalateSlaBreaches(db: Db, now: Date, limit: number): Promise<SlaEscalation[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('cases')
      .select([
        'id',
        'org_id',
        'severity',
        'priority',
        'status',
        'first_response_due_at',
        'resolution_due_at',
        sql<boolean>`first_response_at is null and first_response_breached_at is null and first_response_due_at <= ${now}`.as(
          'first_response_breached',
        ),
        sql<boolean>`resolution_breached_at is null and resolution_due_at <= ${now}`.as(
          'resolution_breached',
        ),
      ])
      .where('status', 'in', openStatuses)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('first_response_at', 'is', null),
            eb('first_response_breached_at', 'is', null),
            eb('first_response_due_at', '<=', now),
          ]),
          eb.and([eb('resolution_breached_at', 'is', null), eb('resolution_due_at', '<=', now)]),
        ]),
      )
      .orderBy('first_response_due_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();

    const targets = new Map<string, boolean>();
    const escalations: SlaEscalation[] = [];
    for (const row of due) {
      const breaches: SlaBreachKind[] = [];
      if (row.first_response_breached) breaches.push('first_response');
      if (row.resolution_breached) breaches.push('resolution');
      const priority = Math.min(MAX_PRIORITY, row.priority + 1);
      await trx
        .updateTable('cases')
        .set({
          ...(row.first_response_breached ? { first_response_breached_at: now } : {}),
          ...(row.resolution_breached ? { resolution_breached_at: now } : {}),
          priority,
          escalation_level: sql`escalation_level + 1`,
          version: sql`version + 1`,
          updated_at: now,
        })
        .where('org_id', '=', row.org_id)
        .where('id', '=', row.id)
        .execute();
      if (!targets.has(row.org_id)) {
        const target = await trx
          .selectFrom('triage_settings')
          .select('org_id')
          .where('org_id', '=', row.org_id)
          .where('escalation_url', 'is not', null)
          .where('escalation_secret_ciphertext', 'is not', null)
          .executeTakeFirst();
        targets.set(row.org_id, target !== undefined);
      }
      const notice = targets.get(row.org_id)
        ? await trx
            .insertInto('outbound_messages')
            .values({
              org_id: row.org_id,
              case_id: row.id,
              kind: 'escalation',
              author_member_id: null,
              last_error: null,
              payload: JSON.stringify({
                caseId: row.id,
                severity: row.severity,
                status: row.status,
                priority,
                breaches,
                firstResponseDueAt: row.first_response_due_at.toISOString(),
                resolutionDueAt: row.resolution_due_at.toISOString(),
              }),
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        : undefined;
      await recordCaseEvent(trx, {
        caseId: row.id,
        orgId: row.org_id,
        action: 'sla_breached',
        actor: systemActor,
        details: { breaches, priority, ...(notice ? { messageId: notice.id } : {}) },
        at: now,
      });
      escalations.push({
        caseId: row.id,
        orgId: row.org_id,
        breaches,
        priority,
        messageId: notice?.id ?? null,
      });
    }
    return escalations;
  });
}
