import { randomUUID } from 'node:crypto';
import { FeedbackWriter } from '@cxloop/api/feedback-writer';
import { feedbackRowOf } from '@cxloop/api/store-events';
import { FeedbackEvent } from '@cxloop/contracts';
import { createDb, findSourceForDelivery } from '@cxloop/db';
import { ingestBenchEvent } from './ingest-events.js';
import { percentile } from './machine.js';

/**
 * The durable-commit ceiling: the API's own commit path (canonical events → feedback rows → FeedbackWriter's
 * group commit into PostgreSQL) driven directly by `connections` concurrent senders of `eventsPerRequest`
 * events each, with no HTTP, signature, validation or enqueue. Whatever the API reaches, it reaches below
 * this; run as its own process, on the same machine as the HTTP scenarios, and printed as one JSON line.
 *
 * argv: databaseUrl sourceId durationSeconds connections eventsPerRequest
 */
const [databaseUrl, sourceId, durationArg, connectionsArg, batchArg] = process.argv.slice(2);
if (!databaseUrl || !sourceId) {
  throw new Error('usage: commit-ceiling.ts DATABASE_URL SOURCE_ID seconds connections eventsPerRequest');
}
const seconds = Number(durationArg ?? 10);
const connections = Number(connectionsArg ?? 32);
const eventsPerRequest = Number(batchArg ?? 1);

// The API's pool size (createDb's default), so the writer has the connections it has there.
const db = createDb(databaseUrl, { applicationName: 'cxloop-bench-commit' });
const source = await findSourceForDelivery(db, sourceId);
if (!source) throw new Error(`source ${sourceId} not found`);
const writer = new FeedbackWriter(db);
const noUnits = new Map<string, string>();

let sequence = 0;
function delivery() {
  const receivedAt = new Date();
  return Array.from({ length: eventsPerRequest }, () => {
    sequence += 1;
    const event = FeedbackEvent.parse(ingestBenchEvent(sequence));
    return feedbackRowOf(source!, event, randomUUID(), noUnits, receivedAt);
  });
}

async function sender(until: number, latencies: number[]) {
  let committed = 0;
  while (Date.now() < until) {
    const started = performance.now();
    const stored = await writer.store(delivery());
    latencies.push(performance.now() - started);
    committed += stored.length;
  }
  return committed;
}

async function window(durationSeconds: number) {
  const latencies: number[] = [];
  const started = performance.now();
  const until = Date.now() + durationSeconds * 1000;
  const counts = await Promise.all(Array.from({ length: connections }, () => sender(until, latencies)));
  const elapsed = (performance.now() - started) / 1000;
  const committed = counts.reduce((sum, count) => sum + count, 0);
  const latencyMs = {
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
  };
  return { committed, eventsPerSecond: committed / elapsed, latencyMs };
}

try {
  await window(2); // warm-up: JIT, pool connections, the prepared statement
  process.stdout.write(`${JSON.stringify(await window(seconds))}\n`);
} finally {
  await db.destroy();
}
