import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { FeedbackEvent } from '@cxloop/contracts';
import {
  countImportedFeedback,
  type Db,
  type FeedbackToStore,
  findUnitIdsByKey,
  type Source,
  type StoredFeedback,
  storeFeedbackBatch,
} from '@cxloop/db';
import { type AnalyzeQueue, enqueueAnalysis } from '@cxloop/runtime';
import { parse as parseCsv } from 'csv-parse';
import type { FastifyBaseLogger } from 'fastify';
import { isRefusedValue } from '../errors.js';
import { enqueueStored, feedbackRowOf } from '../ingest/store-events.js';
import { fieldProblems, Problem } from '../problems.js';
import { linesOf } from './lines.js';

export const importFormats = ['ndjson', 'csv'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** One refused row: its line in the file, the failing field and why. */
export interface ImportRowError {
  line: number;
  path: string;
  message: string;
}

export interface ImportReport {
  /** Data rows read (blank lines and the CSV header not counted). */
  rows: number;
  created: number;
  /** Rows whose external id was already stored for this source: what a rerun reports. */
  duplicates: number;
  rejected: number;
  /** The first `maxErrors` refused rows; `errorsTruncated` says there were more. */
  errors: ImportRowError[];
  errorsTruncated: boolean;
}

/** An empty report and how a refused row is added to it (at most `maxErrors` errors are kept). */
export function importReport(maxErrors: number) {
  const report: ImportReport = {
    rows: 0,
    created: 0,
    duplicates: 0,
    rejected: 0,
    errors: [],
    errorsTruncated: false,
  };
  const reject = (line: number, problems: readonly { path: string; message: string }[]) => {
    report.rejected += 1;
    for (const problem of problems) {
      if (report.errors.length < maxErrors) report.errors.push({ line, ...problem });
      else report.errorsTruncated = true;
    }
  };
  return { report, reject };
}

export interface ImportDeps {
  db: Db;
  analyzeQueue: AnalyzeQueue;
  log: FastifyBaseLogger;
}

export interface ImportOptions {
  /** Rows per INSERT: storeFeedbackBatch takes rows of one source, one statement each. */
  batchSize?: number;
  maxErrors?: number;
  receivedAt?: Date;
}

export type RawRow = { line: number; value: unknown } | { line: number; error: string };

const RATING_COLUMNS = ['nps', 'csat', 'ces'] as const;
const EVENT_COLUMNS = new Set([
  'externalId',
  'text',
  'customerRef',
  'occurredAt',
  'touchpoint',
  'locale',
  'unit',
]);

/**
 * A CSV record as a FeedbackEvent: named columns map onto its fields, empty cells are absent, and any other
 * column is kept in metadata (historical exports carry extra columns worth keeping).
 */
export function csvRecordToEvent(record: Record<string, string>): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  const ratings: Record<string, unknown> = {};
  const metadata: Record<string, string> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '') continue;
    if ((RATING_COLUMNS as readonly string[]).includes(column)) {
      ratings[column] = /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
    } else if (EVENT_COLUMNS.has(column)) event[column] = cell;
    else metadata[column] = cell;
  }
  return { ...event, ratings, metadata };
}

/**
 * The longest NDJSON line read: a feedback event's 20 000 characters of text and its metadata fit many
 * times over. A longer line is refused on its own (reported by line), without holding it in memory.
 */
export const MAX_IMPORT_LINE_BYTES = 1024 * 1024;

export async function* ndjsonRows(input: Readable): AsyncGenerator<RawRow> {
  let line = 0;
  for await (const read of linesOf(input, MAX_IMPORT_LINE_BYTES)) {
    line += 1;
    if ('tooLong' in read) {
      yield { line, error: `longer than ${MAX_IMPORT_LINE_BYTES} bytes; the line was skipped` };
      continue;
    }
    const text = read.text;
    if (!text.trim()) continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (error) {
      yield { line, error: `not valid JSON: ${error instanceof Error ? error.message : 'unparseable'}` };
    }
  }
}

export async function* csvRows(
  input: Readable,
  recordToValue: (record: Record<string, string>) => unknown = csvRecordToEvent,
): AsyncGenerator<RawRow> {
  // Malformed records (wrong column count, broken quoting) are reported by line and skipped, not fatal.
  const skipped: RawRow[] = [];
  const parser = input.pipe(
    parseCsv({
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) skipped.push({ line: Number(error.lines ?? 0), error: error.message });
        return undefined;
      },
      on_record: (record: Record<string, string>, context) => ({ line: context.lines, record }),
    }),
  );
  for await (const entry of parser as AsyncIterable<{ line: number; record: Record<string, string> }>) {
    yield* skipped.splice(0);
    yield { line: entry.line, value: recordToValue(entry.record) };
  }
  yield* skipped.splice(0);
}

interface ValidRow {
  line: number;
  event: FeedbackEvent;
  externalId: string;
}

/**
 * Rows without an external id get one from their content, so rerunning the same file adds nothing even
 * when the export had no ids.
 */
function externalIdOf(event: FeedbackEvent, value: unknown): string {
  return event.externalId ?? `import:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
}

/**
 * Imports historical feedback into a source from an NDJSON or CSV stream. Memory stays flat however long the
 * file: rows are read as the stream flows, stored `batchSize` at a time (the stream waits while a batch is
 * written) and enqueued for analysis like webhook feedback. Idempotent on the external id. A bad row is
 * reported with its line number and skipped; the good rows are kept.
 *
 * @example
 * const report = await importFeedback(deps, source, createReadStream('history.csv'), 'csv');
 */
export async function importFeedback(
  deps: ImportDeps,
  source: Source,
  input: Readable,
  format: ImportFormat,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
  const maxErrors = options.maxErrors ?? 1_000;
  const receivedAt = options.receivedAt ?? new Date();
  const { report, reject } = importReport(maxErrors);

  /**
   * The batch's rows in one statement; when PostgreSQL refuses a value of one of them (which the schema
   * should have caught), the statement stores nothing, so the rows are stored one by one and only the
   * refused ones are reported.
   */
  const storeJudgingEachRow = async (
    db: Db,
    rows: readonly ValidRow[],
    toStore: (row: ValidRow) => FeedbackToStore,
  ): Promise<StoredFeedback[]> => {
    try {
      return await storeFeedbackBatch(db, rows.map(toStore));
    } catch (error) {
      if (!isRowRefusal(error)) throw error;
    }
    const stored: StoredFeedback[] = [];
    for (const row of rows) {
      try {
        stored.push(...(await storeFeedbackBatch(db, [toStore(row)])));
      } catch (error) {
        if (!isRowRefusal(error)) throw error;
        reject(row.line, [{ path: '/', message: 'a value of this row cannot be stored' }]);
      }
    }
    return stored;
  };

  let committedThroughLine = 0;
  let batch: ValidRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const unitIds = await findUnitIdsByKey(
      deps.db,
      source.org_id,
      rows.flatMap((row) => (row.event.unit ? [row.event.unit] : [])),
    );
    const storable = rows.filter((row) => {
      if (!row.event.unit || unitIds.has(row.event.unit)) return true;
      reject(row.line, [
        { path: '/unit', message: `unknown unit "${row.event.unit}" for this organisation` },
      ]);
      return false;
    });
    const stored = await storeJudgingEachRow(deps.db, storable, (row) =>
      feedbackRowOf(source, row.event, row.externalId, unitIds, receivedAt),
    );
    committedThroughLine = rows.at(-1)?.line ?? committedThroughLine;
    const created = stored.filter((entry) => entry.created).length;
    await countImportedFeedback(deps.db, { orgId: source.org_id, sourceId: source.id }, created);
    report.created += created;
    report.duplicates += stored.length - created;
    await enqueueStored(
      { enqueueAnalysis: (jobs) => enqueueAnalysis(deps.analyzeQueue, jobs), log: deps.log },
      source.org_id,
      stored,
    );
  };

  try {
    await readAll();
  } catch (error) {
    if (report.created + report.duplicates === 0 || error instanceof Problem) throw error;
    throw interrupted(report, committedThroughLine, error, deps.log);
  }
  return report;

  async function readAll() {
    const seenInBatch = new Set<string>();
    for await (const raw of format === 'csv' ? csvRows(input) : ndjsonRows(input)) {
      report.rows += 1;
      if ('error' in raw) {
        reject(raw.line, [{ path: '/', message: raw.error }]);
        continue;
      }
      const parsed = FeedbackEvent.safeParse(raw.value);
      if (!parsed.success) {
        reject(raw.line, fieldProblems(parsed.error));
        continue;
      }
      const externalId = externalIdOf(parsed.data, raw.value);
      // The same id twice in one batch would be one INSERT touching one row twice: count the repeat as a duplicate.
      if (seenInBatch.has(externalId)) {
        report.duplicates += 1;
        continue;
      }
      seenInBatch.add(externalId);
      batch.push({ line: raw.line, event: parsed.data, externalId });
      if (batch.length >= batchSize) {
        await flush();
        seenInBatch.clear();
      }
    }
    await flush();
  }
}

/** A failure of the database (not a row) ends the import; nothing is half-stored: batches commit whole. */
function isRowRefusal(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  // Class 23: a constraint refused the row (a check, a unit deleted meanwhile); class 22: a value.
  return isRefusedValue(error) || (typeof code === 'string' && code.startsWith('23'));
}

/**
 * An import stopped after some batches were committed: the answer says exactly which lines are stored, so
 * the client knows where it stands, and that sending the file again is safe (rows are keyed by external id).
 */
function interrupted(
  report: ImportReport,
  committedThroughLine: number,
  error: unknown,
  log: FastifyBaseLogger,
): Problem {
  log.warn({ err: error, committedThroughLine }, 'import interrupted after a partial commit');
  return new Problem(
    503,
    'import_interrupted',
    'The import stopped part way',
    `lines 1–${committedThroughLine} are stored (${report.created} new, ${report.duplicates} already stored, ` +
      `${report.rejected} refused); nothing after line ${committedThroughLine} was stored. ` +
      'Rows are keyed by external id, so sending the whole file again is safe.',
    undefined,
    { 'retry-after': '5' },
  );
}
