import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { FeedbackEvent } from '@cxloop/contracts';
import { type Db, findUnitIdsByKey, type Source, storeFeedbackBatch } from '@cxloop/db';
import { type AnalyzeQueue, enqueueAnalysis } from '@cxloop/runtime';
import { parse as parseCsv } from 'csv-parse';
import type { FastifyBaseLogger } from 'fastify';
import { enqueueStored, feedbackRowOf } from '../ingest/store-events.js';
import { fieldProblems } from '../problems.js';

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
 * Lines of a stream, read chunk by chunk. Not `readline`: its async iterator keeps reading while the consumer
 * awaits a database write, so a fast stream would pile up in memory; a stream's own iterator waits.
 */
async function* linesOf(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  pending += decoder.end();
  if (pending) yield pending;
}

export async function* ndjsonRows(input: Readable): AsyncGenerator<RawRow> {
  let line = 0;
  for await (const text of linesOf(input)) {
    line += 1;
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
    const stored = await storeFeedbackBatch(
      deps.db,
      storable.map((row) => feedbackRowOf(source, row.event, row.externalId, unitIds, receivedAt)),
    );
    const created = stored.filter((entry) => entry.created).length;
    report.created += created;
    report.duplicates += stored.length - created;
    await enqueueStored(
      { enqueueAnalysis: (jobs) => enqueueAnalysis(deps.analyzeQueue, jobs), log: deps.log },
      source.org_id,
      stored,
    );
  };

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
  return report;
}
