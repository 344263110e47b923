import type { ColumnType, Generated } from 'kysely';

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected';

/** One webhook delivery to a source, kept so a CX team can see why a vendor's delivery failed. */
export interface SourceDeliveryTable {
  id: ColumnType<string, never, never>;
  org_id: string;
  source_id: string;
  /** The delivery's number within its source; newest first is `seq desc`. */
  seq: ColumnType<string, string, string>;
  /** Its place in the source's ring of the last DELIVERY_LOG_LENGTH deliveries. */
  slot: number;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  status: number;
  outcome: DeliveryOutcome;
  reason: string | null;
  size_bytes: number;
  accepted_events: Generated<number>;
  redacted_body: string | null;
}

export interface SourceDeliveryTables {
  source_deliveries: SourceDeliveryTable;
}
