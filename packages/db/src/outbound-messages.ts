import { sql } from 'kysely';
import { recordCaseEvent, systemActor } from './cases.js';
import type { Db } from './connection.js';
import type { CaseStatus, OutboundMessage } from './triage.tables.js';
import { isClosed } from './triage-rules.js';

export interface OutboundDelivery {
  message: OutboundMessage;
  /** Where it goes and the sealed secret it is signed with; undefined when nothing is configured (any more). */
  target: { url: string; secretCiphertext: string } | undefined;
}

/**
 * A message with its current target: a reply goes to its case's source reply URL, an escalation to the
 * organisation's escalation URL. The target is read at delivery time, so fixing a URL fixes the retries.
 */
export async function findOutboundDelivery(
  db: Db,
  orgId: string,
  messageId: string,
): Promise<OutboundDelivery | undefined> {
  const message = await db
    .selectFrom('outbound_messages')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!message) return undefined;
  const target =
    message.kind === 'action_update'
      ? await db
          .selectFrom('sources')
          .select(['reply_url as url', 'reply_secret_ciphertext as secretCiphertext'])
          .where('org_id', '=', orgId)
          .where('id', '=', message.source_id!)
          .executeTakeFirst()
      : message.kind === 'reply'
        ? await db
            .selectFrom('cases')
            .innerJoin('sources', 'sources.id', 'cases.source_id')
            .select(['sources.reply_url as url', 'sources.reply_secret_ciphertext as secretCiphertext'])
            .where('cases.org_id', '=', orgId)
            .where('cases.id', '=', message.case_id!)
            .executeTakeFirst()
        : await db
            .selectFrom('triage_settings')
            .select(['escalation_url as url', 'escalation_secret_ciphertext as secretCiphertext'])
            .where('org_id', '=', orgId)
            .executeTakeFirst();
  return {
    message,
    target:
      target?.url && target.secretCiphertext
        ? { url: target.url, secretCiphertext: target.secretCiphertext }
        : undefined,
  };
}

/**
 * Marks a message delivered, once. A delivered reply is the case's response to the customer: the first one
 * sets the first-response time (and acknowledges a case nobody had), and every one is counted on the case.
 * A reply sent with "resolve" resolves its case now that it reached the customer (if nobody closed it first).
 */
export async function markOutboundDelivered(
  db: Db,
  orgId: string,
  messageId: string,
  now: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const message = await trx
      .updateTable('outbound_messages')
      .set({ status: 'delivered', delivered_at: now, attempts: sql`attempts + 1`, last_error: null })
      .where('org_id', '=', orgId)
      .where('id', '=', messageId)
      .where('status', '=', 'pending')
      .returning(['case_id', 'kind', 'resolves_case', 'author_member_id'])
      .executeTakeFirst();
    if (!message) return false;
    let resolvedFrom: string | undefined;
    if (message.kind === 'reply') {
      const before = await trx
        .selectFrom('cases')
        .select('status')
        .where('org_id', '=', orgId)
        .where('id', '=', message.case_id!)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const resolves = message.resolves_case && !isClosed(before.status);
      await trx
        .updateTable('cases')
        .set({
          first_response_at: sql`coalesce(first_response_at, ${now})`,
          acknowledged_at: sql`coalesce(acknowledged_at, ${now})`,
          replies_delivered: sql`replies_delivered + 1`,
          ...(resolves ? { status: 'resolved' as const, closed_at: now } : {}),
          version: sql`version + 1`,
          updated_at: now,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', message.case_id!)
        .execute();
      if (resolves) resolvedFrom = before.status;
    }
    // An action update belongs to no case; its action's notice row names the message.
    if (message.case_id !== null) {
      await recordCaseEvent(trx, {
        caseId: message.case_id,
        orgId,
        action: `${message.kind}_delivered`,
        actor: systemActor,
        details: { messageId },
        at: now,
      });
    }
    if (resolvedFrom) {
      // The person who sent "reply and resolve" resolved it; the delivery only decided when.
      await recordCaseEvent(trx, {
        caseId: message.case_id!,
        orgId,
        action: 'resolved',
        actor: { memberId: message.author_member_id, apiKeyId: null },
        fromStatus: resolvedFrom as CaseStatus,
        toStatus: 'resolved',
        details: { messageId, byReply: true },
        at: now,
      });
    }
    return true;
  });
}

/**
 * Records a failed attempt. The last allowed attempt turns the message dead (the dead-letter state shown on
 * the case) and appends that to the case's audit trail.
 */
export async function recordOutboundFailure(
  db: Db,
  orgId: string,
  messageId: string,
  failure: { error: string; final: boolean; now: Date },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const message = await trx
      .updateTable('outbound_messages')
      .set({
        attempts: sql`attempts + 1`,
        last_error: failure.error.slice(0, 1_000),
        ...(failure.final ? { status: 'dead' as const, dead_at: failure.now } : {}),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', messageId)
      .where('status', '=', 'pending')
      .returning(['case_id', 'kind', 'attempts'])
      .executeTakeFirst();
    if (message?.case_id && failure.final) {
      await recordCaseEvent(trx, {
        caseId: message.case_id,
        orgId,
        action: `${message.kind}_dead`,
        actor: systemActor,
        details: { messageId, attempts: message.attempts, error: failure.error.slice(0, 1_000) },
        at: failure.now,
      });
    }
  });
}

/**
 * Messages still pending after `graceSeconds`, across organisations, oldest first from `after`: what the
 * SLA sweep hands back to the queue after a Redis flush (the job id is the message id, so messages whose
 * jobs still exist are left alone by BullMQ).
 */
export async function listStalledOutboundMessages(
  db: Db,
  page: { graceSeconds: number; now: Date; limit: number; after?: { createdAt: Date; id: string } },
) {
  let query = db
    .selectFrom('outbound_messages')
    .select(['id', 'org_id', 'created_at'])
    .where('status', '=', 'pending')
    .where('created_at', '<', new Date(page.now.getTime() - page.graceSeconds * 1000));
  if (page.after) {
    const { createdAt, id } = page.after;
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(createdAt, id)));
  }
  return query.orderBy('created_at').orderBy('id').limit(page.limit).execute();
}
