import type { Readable } from 'node:stream';
import { OutcomeEvent } from '@cxloop/contracts';
import { CurrencyMismatchError, type Db, recordOutcomes, type Source } from '@cxloop/db';
import { outcomeToStore } from '../ingest/outcome-events.js';
import { fieldProblems } from '../problems.js';
import {
  csvRows,
  type ImportFormat,
  type ImportReport,
  importReport,
  ndjsonRows,
} from './feedback-import.js';

/** A CSV record as an outcome: named columns, empty cells absent, `amount` a number. */
export function csvRecordToOutcome(record: Record<string, string>): Record<string, unknown> {
  const outcome: Record<string, unknown> = { type: 'outcome' };
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '') continue;
    outcome[column] = column === 'amount' && /^\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  }
  return outcome;
}

interface ValidRow {
  line: number;
  event: OutcomeEvent;
}

/**
 * Imports historical outcome events into a source from an NDJSON or CSV stream: read as the stream flows,
 * stored `batchSize` at a time with their customers' summaries (one transaction per batch), idempotent on
 * externalId. A bad row (schema, or a currency other than its customer's) is reported by line and skipped;
 * the good rows are kept.
 *
 * @example
 * const report = await importOutcomes(db, source, createReadStream('orders.csv'), 'csv');
 */
export async function importOutcomes(
  db: Db,
  source: Source,
  input: Readable,
  format: ImportFormat,
  options: { batchSize?: number; maxErrors?: number } = {},
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
  const { report, reject } = importReport(options.maxErrors ?? 1_000);

  const store = async (rows: ValidRow[]): Promise<void> => {
    if (rows.length === 0) return;
    try {
      const stored = await recordOutcomes(
        db,
        source.org_id,
        source.id,
        rows.map((row) => outcomeToStore(row.event)),
      );
      const created = stored.filter((entry) => entry.created).length;
      report.created += created;
      report.duplicates += stored.length - created;
    } catch (error) {
      if (!(error instanceof CurrencyMismatchError)) throw error;
      // The batch rolled back: refuse the rows in another currency and store the rest.
      const refused = new Set(error.mismatches.map((mismatch) => mismatch.index));
      for (const { index, expected } of error.mismatches) {
        reject(rows[index]!.line, [
          { path: '/currency', message: `this customer's outcomes are in ${expected}` },
        ]);
      }
      await store(rows.filter((_, index) => !refused.has(index)));
    }
  };

  let batch: ValidRow[] = [];
  const rows = format === 'csv' ? csvRows(input, csvRecordToOutcome) : ndjsonRows(input);
  for await (const raw of rows) {
    report.rows += 1;
    if ('error' in raw) {
      reject(raw.line, [{ path: '/', message: raw.error }]);
      continue;
    }
    const value =
      format === 'ndjson' && typeof raw.value === 'object' && raw.value !== null && !('type' in raw.value)
        ? { type: 'outcome', ...raw.value }
        : raw.value;
    const parsed = OutcomeEvent.safeParse(value);
    if (!parsed.success) {
      reject(raw.line, fieldProblems(parsed.error));
      continue;
    }
    batch.push({ line: raw.line, event: parsed.data });
    if (batch.length >= batchSize) {
      await store(batch);
      batch = [];
    }
  }
  await store(batch);
  return report;
}
