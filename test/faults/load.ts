import { randomUUID } from 'node:crypto';
import { signWebhook } from '@cxloop/runtime';

export type Outcome = number | 'network-error';

/** The external ids the sender got a 202 for so far. */
export function acceptedIds(outcomes: ReadonlyMap<string, Outcome>): string[] {
  return [...outcomes].filter(([, outcome]) => outcome === 202).map(([externalId]) => externalId);
}

/**
 * Keeps `concurrency` signed single-event deliveries in flight until stopped, recording for each external id
 * the status the sender saw. Bounded: stops by itself after `maxSeconds`.
 */
export function startSignedLoad(options: {
  url: () => string;
  secret: string;
  concurrency: number;
  maxSeconds: number;
}) {
  const outcomes = new Map<string, Outcome>();
  let running = true;
  const deadline = Date.now() + options.maxSeconds * 1000;

  async function sender(lane: number) {
    let sequence = 0;
    while (running && Date.now() < deadline) {
      sequence += 1;
      const externalId = `fault-${lane}-${sequence}-${randomUUID()}`;
      const body = JSON.stringify({
        externalId,
        text: 'Waited an hour on hold and nobody called back.',
        ratings: { nps: 2 },
      });
      const headers = signWebhook(options.secret, `msg_${externalId}`, Math.floor(Date.now() / 1000), body);
      try {
        const response = await fetch(options.url(), {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        outcomes.set(externalId, response.status);
        await response.arrayBuffer();
      } catch {
        outcomes.set(externalId, 'network-error');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  const lanes = Array.from({ length: options.concurrency }, (_, lane) => sender(lane));
  const answered = (outcome: Outcome) => [...outcomes.values()].filter((seen) => seen === outcome).length;
  return {
    outcomes,
    /**
     * Lets the load run on until `count` more deliveries have been answered with `outcome` (202: accepted):
     * a phase of a fault test measured in traffic that crossed it, not in seconds.
     */
    async untilMore(count: number, outcome: Outcome, timeoutMs = 120_000) {
      const target = answered(outcome) + count;
      const deadline = Date.now() + timeoutMs;
      while (answered(outcome) < target) {
        if (!running || Date.now() > deadline) {
          throw new Error(
            `the load got ${count} more ${outcome} answers in neither its time nor ${timeoutMs} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      running = false;
      await Promise.all(lanes);
      return outcomes;
    },
  };
}
