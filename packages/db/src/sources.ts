import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { Source } from './schema.js';
import type { DeliveryOutcome } from './source-deliveries.tables.js';

export interface NewSource {
  orgId: string;
  name: string;
  channel: string;
  adapter: string;
  secretCiphertext: string;
  unitId?: string | null;
  adapterConfig?: Record<string, unknown>;
  fieldMapping?: Record<string, unknown>;
  rateLimitPerMinute?: number;
  vendorTokenCiphertext?: string;
}

export async function createSource(db: Db, source: NewSource): Promise<Source> {
  return db
    .insertInto('sources')
    .values({
      org_id: source.orgId,
      name: source.name,
      channel: source.channel,
      adapter: source.adapter,
      secret_ciphertext: source.secretCiphertext,
      unit_id: source.unitId ?? null,
      ...(source.adapterConfig ? { adapter_config: JSON.stringify(source.adapterConfig) } : {}),
      ...(source.fieldMapping ? { field_mapping: JSON.stringify(source.fieldMapping) } : {}),
      ...(source.rateLimitPerMinute ? { rate_limit_per_minute: source.rateLimitPerMinute } : {}),
      ...(source.vendorTokenCiphertext ? { vendor_token_ciphertext: source.vendorTokenCiphertext } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The one lookup not scoped by a caller's organisation: a webhook delivery names only its source, and the
 * source (after its signature verifies) decides the organisation.
 */
export async function findSourceForDelivery(db: Db, sourceId: string): Promise<Source | undefined> {
  return db.selectFrom('sources').selectAll().where('id', '=', sourceId).executeTakeFirst();
}

export async function findSource(db: Db, orgId: string, sourceId: string): Promise<Source | undefined> {
  return db
    .selectFrom('sources')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', sourceId)
    .executeTakeFirst();
}

export async function listSources(db: Db, orgId: string): Promise<Source[]> {
  return db
    .selectFrom('sources')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export interface SourceChanges {
  name?: string;
  status?: 'active' | 'paused';
  fieldMapping?: Record<string, unknown>;
  adapterConfig?: Record<string, unknown>;
  rateLimitPerMinute?: number;
  vendorTokenCiphertext?: string;
}

/** Applies the given changes; undefined when the source is not the organisation's. */
export async function updateSource(
  db: Db,
  orgId: string,
  sourceId: string,
  changes: SourceChanges,
): Promise<Source | undefined> {
  const set = {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.fieldMapping !== undefined ? { field_mapping: JSON.stringify(changes.fieldMapping) } : {}),
    ...(changes.adapterConfig !== undefined ? { adapter_config: JSON.stringify(changes.adapterConfig) } : {}),
    ...(changes.rateLimitPerMinute !== undefined
      ? { rate_limit_per_minute: changes.rateLimitPerMinute }
      : {}),
    ...(changes.vendorTokenCiphertext !== undefined
      ? { vendor_token_ciphertext: changes.vendorTokenCiphertext }
      : {}),
  };
  // Nothing to change is a read: an UPDATE with an empty SET list is not SQL.
  if (Object.keys(set).length === 0) {
    return db
      .selectFrom('sources')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', sourceId)
      .executeTakeFirst();
  }
  return db
    .updateTable('sources')
    .set(set)
    .where('org_id', '=', orgId)
    .where('id', '=', sourceId)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a source with its feedback and delivery log (cascade); false when it is not the organisation's. */
export async function deleteSource(db: Db, orgId: string, sourceId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sources')
    .where('org_id', '=', orgId)
    .where('id', '=', sourceId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Replaces the signing secret; the current one becomes the previous secret, which keeps verifying until
 * `previousExpiresAt`. A second rotation inside the window drops the oldest secret.
 */
export async function rotateSourceSecret(
  db: Db,
  orgId: string,
  sourceId: string,
  rotation: { secretCiphertext: string; previousExpiresAt: Date; rotatedAt: Date },
): Promise<Source | undefined> {
  return db
    .updateTable('sources')
    .set((eb) => ({
      previous_secret_ciphertext: eb.ref('secret_ciphertext'),
      previous_secret_expires_at: rotation.previousExpiresAt,
      secret_ciphertext: rotation.secretCiphertext,
      secret_rotated_at: rotation.rotatedAt,
    }))
    .where('org_id', '=', orgId)
    .where('id', '=', sourceId)
    .returningAll()
    .executeTakeFirst();
}

/** How many deliveries each source's log keeps: a ring, the newest overwriting the oldest. */
/** Counts feedback an import created in a source, for its stats (deliveries are counted by the log). */
export async function countImportedFeedback(
  db: Db,
  source: { orgId: string; sourceId: string },
  created: number,
): Promise<void> {
  if (created === 0) return;
  await db
    .updateTable('sources')
    .set({ imported_count: sql<string>`imported_count + ${created}` })
    .where('org_id', '=', source.orgId)
    .where('id', '=', source.sourceId)
    .execute();
}

export const DELIVERY_LOG_LENGTH = 200;

export interface DeliveryRecord {
  orgId: string;
  sourceId: string;
  status: number;
  outcome: DeliveryOutcome;
  reason?: string | null;
  sizeBytes: number;
  acceptedEvents?: number;
  redactedBody?: string | null;
  receivedAt: Date;
  /** An accepted delivery the admin must act on (an answer whose question needs a mapping): the source's last error. */
  needsAttention?: boolean;
}

type DeliveryEntry = Omit<DeliveryRecord, 'orgId' | 'sourceId'>;

/**
 * What a run of one source's deliveries adds to its log and stats. Memory stays bounded however many
 * deliveries it counts: the stats are running totals and only the newest DELIVERY_LOG_LENGTH entries are
 * kept, because older ones would be overwritten in the ring by the same write anyway.
 */
export class SourceDeliveryTally {
  deliveries = 0;
  acceptedEvents = 0;
  rejected = 0;
  lastDeliveryAt = new Date(0);
  lastError: DeliveryEntry | undefined;
  readonly newest: DeliveryEntry[] = [];

  constructor(readonly source: { orgId: string; sourceId: string }) {}

  static of(source: { orgId: string; sourceId: string }, deliveries: readonly DeliveryEntry[]) {
    const tally = new SourceDeliveryTally(source);
    for (const delivery of deliveries) tally.add(delivery);
    return tally;
  }

  add(delivery: DeliveryEntry): void {
    this.deliveries += 1;
    if (delivery.outcome === 'rejected') {
      this.rejected += 1;
      this.lastError = delivery;
    } else {
      this.acceptedEvents += delivery.acceptedEvents ?? 0;
      if (delivery.needsAttention) this.lastError = delivery;
    }
    if (delivery.receivedAt > this.lastDeliveryAt) this.lastDeliveryAt = delivery.receivedAt;
    this.newest.push(delivery);
    if (this.newest.length > DELIVERY_LOG_LENGTH) this.newest.shift();
  }
}

/**
 * Appends a tally of one source's deliveries to its log and updates its stats (last delivery,
 * accepted/rejected counts, last error). The log is a ring of DELIVERY_LOG_LENGTH slots per source: each
 * delivery takes the source's next sequence number and overwrites slot `seq % length`, so the log never
 * grows and needs no pruning. Writing many deliveries at once matters: the stats row is one row per
 * source, so writing it once per delivery would serialise every concurrent delivery of a busy source on
 * its row lock.
 */
export async function recordSourceDeliveries(db: Db, tally: SourceDeliveryTally): Promise<void> {
  const { source, newest, lastError } = tally;
  if (tally.deliveries === 0) return;
  const rows = newest.map(
    (delivery, index) =>
      sql`(${index}::int, ${delivery.receivedAt}::timestamptz, ${delivery.status}::int, ${delivery.outcome}::text,
        ${delivery.reason ?? null}::text, ${delivery.sizeBytes}::int, ${delivery.acceptedEvents ?? 0}::int,
        ${delivery.redactedBody ?? null}::text)`,
  );
  // One statement (atomic on its own, one round trip): the stats update hands the new sequence number to the
  // ring insert. A source deleted meanwhile updates no row, so nothing is logged against it.
  await sql`with stats as (
      update sources set
        delivery_seq = delivery_seq + ${tally.deliveries},
        last_delivery_at = greatest(last_delivery_at, ${tally.lastDeliveryAt}),
        accepted_count = accepted_count + ${tally.acceptedEvents},
        rejected_count = rejected_count + ${tally.rejected},
        last_error = ${lastError ? sql`${lastError.reason ?? null}::text` : sql`last_error`},
        last_error_at = ${lastError ? sql`${lastError.receivedAt}::timestamptz` : sql`last_error_at`}
      where org_id = ${source.orgId} and id = ${source.sourceId}
      returning delivery_seq
    ), numbered as (
      select stats.delivery_seq - ${newest.length} + 1 + entry.idx as seq, entry.*
      from stats cross join (values ${sql.join(rows)})
        as entry(idx, received_at, status, outcome, reason, size_bytes, accepted_events, redacted_body)
    )
    insert into source_deliveries (org_id, source_id, seq, slot, received_at, status, outcome, reason, size_bytes,
      accepted_events, redacted_body)
    select ${source.orgId}, ${source.sourceId}, seq, (seq % ${DELIVERY_LOG_LENGTH})::smallint, received_at, status,
      outcome, reason, size_bytes, accepted_events, redacted_body
    from numbered
    on conflict (source_id, slot) do update set
      seq = excluded.seq, received_at = excluded.received_at, status = excluded.status, outcome = excluded.outcome,
      reason = excluded.reason, size_bytes = excluded.size_bytes, accepted_events = excluded.accepted_events,
      redacted_body = excluded.redacted_body`.execute(db);
}

export async function listSourceDeliveries(db: Db, orgId: string, sourceId: string, limit: number) {
  return db
    .selectFrom('source_deliveries')
    .select([
      'seq',
      'received_at',
      'status',
      'outcome',
      'reason',
      'size_bytes',
      'accepted_events',
      'redacted_body',
    ])
    .where('org_id', '=', orgId)
    .where('source_id', '=', sourceId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
}
