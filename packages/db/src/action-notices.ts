import { randomUUID } from 'node:crypto';
import { type SqlBool, sql } from 'kysely';
import { effectAnchorDay } from './action-effects.js';
import type { ActionItem } from './actions.tables.js';
import type { Db } from './connection.js';

const DAY_MS = 86_400_000;

export interface ActionNoticeOutcome {
  /** Outbound messages created, one per customer newly told (the caller enqueues their delivery). */
  messageIds: string[];
}

/**
 * "You said, we did": creates one outbound `action_update` message per customer whose feedback fell in the
 * action's scope during its before window, through that feedback's source (which must have a reply target),
 * skipping customers who opted out of contact and those this action told already. Runs under the action's
 * row lock, so two requests cannot tell a customer twice. Reads the before window's feedback rows (bounded
 * by the window and the receipt-time partitions), once per notice, never for scoring.
 */
export async function noticeActionCustomers(
  db: Db,
  action: ActionItem,
  words: string,
  now: Date,
): Promise<ActionNoticeOutcome> {
  const anchor = effectAnchorDay(action);
  if (anchor === null) return { messageIds: [] };
  const to = new Date(`${anchor}T00:00:00Z`);
  const from = new Date(to.getTime() - action.effect_window_days * DAY_MS);
  return db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('action_items')
      .select('id')
      .where('org_id', '=', action.org_id)
      .where('id', '=', action.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const touchpointValues =
      action.scope_touchpoint === null
        ? []
        : await trx
            .selectFrom('touchpoints')
            .select(['key', 'event_values'])
            .where('org_id', '=', action.org_id)
            .where('key', '=', action.scope_touchpoint)
            .execute()
            .then((rows) =>
              [action.scope_touchpoint!, ...(rows[0]?.event_values ?? [])].map((v) => v.trim().toLowerCase()),
            );
    const { rows } = await sql<{
      customer_ref: string;
      feedback_id: string;
      external_id: string;
      source_id: string;
    }>`
      select distinct on (f.customer_ref) f.customer_ref, f.id as feedback_id, f.external_id, f.source_id
      from feedback f
      join sources s on s.id = f.source_id and s.org_id = f.org_id
      where f.org_id = ${action.org_id}::uuid and f.received_at >= ${from} and f.received_at < ${to}
        and coalesce(f.customer_ref, '') <> ''
        and s.reply_url is not null and s.reply_secret_ciphertext is not null
        and ${action.scope_unit_id === null ? sql`true` : sql`f.unit_id = ${action.scope_unit_id}::uuid`}
        and ${action.scope_channel === null ? sql`true` : sql`f.channel = ${action.scope_channel}`}
        and ${
          touchpointValues.length === 0
            ? sql`true`
            : sql`lower(btrim(f.touchpoint)) in (${sql.join(touchpointValues.map((v) => sql`${v}`))})`
        }
        and ${
          action.scope_topic === null
            ? sql`true`
            : sql<SqlBool>`exists (select 1 from feedback_analysis a where a.feedback_id = f.id
                and a.org_id = f.org_id
                and a.details->'topics' @> jsonb_build_array(jsonb_build_object('id', ${action.scope_topic}::text)))`
        }
        and not exists (select 1 from contact_opt_outs o
          where o.org_id = f.org_id and o.customer_ref = f.customer_ref)
        and not exists (select 1 from action_notices n
          where n.action_id = ${action.id}::uuid and n.customer_ref = f.customer_ref)
      order by f.customer_ref, f.received_at desc
      limit 10000`.execute(trx);
    if (rows.length === 0) return { messageIds: [] };
    const notices = rows.map((row) => ({ ...row, messageId: randomUUID() }));
    await trx
      .insertInto('outbound_messages')
      .values(
        notices.map((notice) => ({
          id: notice.messageId,
          org_id: action.org_id,
          case_id: null,
          action_id: action.id,
          source_id: notice.source_id,
          kind: 'action_update' as const,
          payload: JSON.stringify({
            actionId: action.id,
            title: action.title,
            message: words,
            customerRef: notice.customer_ref,
            inResponseTo: { feedbackId: notice.feedback_id, externalId: notice.external_id },
          }),
          author_member_id: null,
        })),
      )
      .execute();
    await trx
      .insertInto('action_notices')
      .values(
        notices.map((notice) => ({
          org_id: action.org_id,
          action_id: action.id,
          customer_ref: notice.customer_ref,
          feedback_id: notice.feedback_id,
          outbound_message_id: notice.messageId,
          notified_at: now,
        })),
      )
      .execute();
    return { messageIds: notices.map((notice) => notice.messageId) };
  });
}

/** Records that a customer asked not to be contacted; recording it again keeps the first time. */
export async function recordContactOptOut(db: Db, orgId: string, customerRef: string, now: Date) {
  await db
    .insertInto('contact_opt_outs')
    .values({ org_id: orgId, customer_ref: customerRef, opted_out_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'customer_ref']).doNothing())
    .execute();
  return db
    .selectFrom('contact_opt_outs')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('customer_ref', '=', customerRef)
    .executeTakeFirstOrThrow();
}

/** Of the given actions, those with at least one "you said, we did" notice delivered. */
export async function actionsWithDeliveredNotices(db: Db, orgId: string, actionIds: readonly string[]) {
  if (actionIds.length === 0) return new Set<string>();
  const rows = await db
    .selectFrom('action_notices as n')
    .innerJoin('outbound_messages as m', 'm.id', 'n.outbound_message_id')
    .select('n.action_id')
    .distinct()
    .where('n.org_id', '=', orgId)
    .where('n.action_id', 'in', actionIds)
    .where('m.status', '=', 'delivered')
    .execute();
  return new Set(rows.map((row) => row.action_id));
}
