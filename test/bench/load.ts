import { randomUUID } from 'node:crypto';
import { signWebhook } from '@cxloop/runtime';
import autocannon from 'autocannon';
import { ingestBenchEvent } from './ingest-events.js';

/**
 * The load generator, run as its own process so its CPU is not the server's. Posts signed events with
 * distinct external ids (the insert path, not the duplicate path) for a bounded time, then prints one
 * JSON line with throughput and latency.
 *
 * argv: url secret durationSeconds connections eventsPerRequest [requestsPerSecond]
 * Without a rate every connection sends its next request as soon as the last one is answered.
 */
const [url, secret, durationArg, connectionsArg, batchArg, rateArg] = process.argv.slice(2);
if (!url || !secret) {
  throw new Error('usage: load.ts URL SECRET [seconds] [connections] [eventsPerRequest] [requestsPerSecond]');
}
const eventsPerRequest = Number(batchArg ?? 1);

function makeEvent(i: number) {
  return { externalId: randomUUID(), ...ingestBenchEvent(i) };
}

let sequence = 0;
function signedRequest() {
  sequence += 1;
  const body = JSON.stringify(
    eventsPerRequest === 1
      ? makeEvent(sequence)
      : { events: Array.from({ length: eventsPerRequest }, (_, i) => makeEvent(sequence + i)) },
  );
  return {
    method: 'POST' as const,
    body,
    headers: {
      'content-type': 'application/json',
      ...signWebhook(secret!, `msg_${sequence}`, Math.floor(Date.now() / 1000), body),
    },
  };
}

const result = await autocannon({
  url,
  duration: Number(durationArg ?? 10),
  connections: Number(connectionsArg ?? 32),
  ...(rateArg ? { overallRate: Number(rateArg) } : {}),
  requests: [{ setupRequest: (request) => ({ ...request, ...signedRequest() }) }],
});
const accepted = result['2xx'];
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    accepted,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    requestsPerSecond: accepted / result.duration,
    eventsPerSecond: (accepted * eventsPerRequest) / result.duration,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
  })}\n`,
);
