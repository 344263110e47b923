import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { signWebhook } from '@cxloop/runtime';
import { seededRandom } from './feedback-sample.js';

/**
 * The freshness benchmark's sender, its own process so its CPU is not the API's: signed single-event
 * webhooks at a fixed rate for a bounded time. Each event carries an NPS answer and, for about 40 % of them,
 * a customer reference, so the identified share (and with it a score element) moves with every recompute.
 * Writes one record per event (external id, status, wall-clock ms when sent and when answered).
 *
 * argv: url secret ratePerSecond seconds outFile [idPrefix]
 */
const [url, secret, rateArg, secondsArg, outFile, idPrefix = 'fresh'] = process.argv.slice(2);
if (!url || !secret || !outFile)
  throw new Error('usage: freshness-load.ts URL SECRET RATE SECONDS OUT [PREFIX]');
const rate = Number(rateArg);
const seconds = Number(secondsArg);
/** Requests waiting for an answer beyond this are not sent: the sender falls behind rather than pile up. */
const MAX_IN_FLIGHT = 512;

const texts = [
  'Delivery was two days late and nobody called back.',
  'Lovely staff at the Leeds store, quick and friendly.',
  'The app keeps logging me out when I try to pay.',
  'Refund still not processed after three weeks, very frustrating!',
  'Checkout was quick and the parcel arrived the next morning.',
  'Waited forty minutes on hold before anyone answered.',
];

export interface SentEvent {
  externalId: string;
  status: number | 'error';
  sentAt: number;
  answeredAt: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
const random = seededRandom(7);
const wallClock = () => performance.timeOrigin + performance.now();
const records: SentEvent[] = [];
let inFlight = 0;
let skipped = 0;

function send(sequence: number): Promise<void> {
  const externalId = `${idPrefix}-${sequence}`;
  const body = JSON.stringify({
    externalId,
    text: texts[sequence % texts.length],
    ratings: { nps: Math.floor(random() * 11) },
    ...(random() < 0.4 ? { customerRef: `cust-${Math.floor(random() * 5_000)}` } : {}),
  });
  const headers = signWebhook(secret!, `msg_${externalId}`, Math.floor(Date.now() / 1000), body);
  const sentAt = wallClock();
  inFlight += 1;
  return new Promise((resolve) => {
    const done = (status: number | 'error') => {
      inFlight -= 1;
      records.push({ externalId, status, sentAt, answeredAt: wallClock() });
      resolve();
    };
    const outgoing = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        timeout: 30_000,
      },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', () => done('error'));
    outgoing.on('timeout', () => outgoing.destroy());
    outgoing.end(body);
  });
}

// A fixed schedule: event i is due at start + i / rate; every tick sends whatever has fallen due.
const start = performance.now();
const total = Math.round(rate * seconds);
const pending: Promise<void>[] = [];
let sequence = 0;
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    while (sequence < due) {
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped += due - sequence;
        sequence = due;
        break;
      }
      pending.push(send(sequence));
      sequence += 1;
    }
    if (sequence >= total) {
      clearInterval(tick);
      resolve();
    }
  }, 2);
});
await Promise.all(pending);
const elapsed = (performance.now() - start) / 1000;
agent.destroy();
writeFileSync(outFile, JSON.stringify(records));
process.stdout.write(`${JSON.stringify({ scheduled: total, sent: records.length, skipped, elapsed })}\n`);
