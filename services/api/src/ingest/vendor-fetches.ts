import { Adapter } from '@cxloop/contracts';
import type { Db, Source, VendorFetch } from '@cxloop/db';
import type { AnalysisHandOff } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import { Problem } from '../problems.js';
import type { SourceSettings } from './adapter.js';
import { channelAdapters } from './adapters/index.js';
import type { DeliveryLog } from './delivery-log.js';
import type { FeedbackWriter } from './feedback-writer.js';
import type { SourceCache } from './source-cache.js';
import type { StaffSurveyResponse } from './staff-responses.js';
import { storeDelivery } from './store-events.js';
import {
  DEFAULT_VENDOR_FETCH_TIMING,
  type FetchAttempt,
  MAX_FETCH_ATTEMPTS,
  VendorFetcher,
  type VendorFetchTiming,
} from './vendor-fetcher.js';

/** What an attempt says in the source's delivery log (an entry per attempt, so an outage is visible). */
function logEntry(fetch: VendorFetch, attempt: FetchAttempt) {
  const what = `fetch of ${fetch.key} (attempt ${fetch.attempts} of ${MAX_FETCH_ATTEMPTS})`;
  switch (attempt.outcome) {
    case 'fetched':
      return {
        status: 200,
        outcome: 'accepted' as const,
        reason: `${what} stored`,
        acceptedEvents: attempt.storedEvents,
      };
    case 'retrying':
      return {
        status: 502,
        outcome: 'rejected' as const,
        reason: `${what} failed: ${attempt.error}; tried again at ${attempt.retryAt.toISOString()}`,
      };
    case 'given_up':
      return {
        status: 502,
        outcome: 'rejected' as const,
        reason: `${what} given up: ${attempt.error}; retry it from the channel once the cause is fixed`,
      };
  }
}

/**
 * The API process's background fetcher of what webhooks only named: reads the object from the vendor with
 * the source's settings, stores it through the same path as a delivery (idempotent by the vendor's ids, so
 * an attempt repeated after a crash stores nothing twice), and logs every attempt in the source's log.
 */
export function startVendorFetcher(
  app: FastifyInstance,
  deps: {
    db: Db;
    now: () => Date;
    sourceCache: SourceCache;
    deliveryLog: DeliveryLog;
    vendorFetchTiming?: VendorFetchTiming | undefined;
  },
  ingest: {
    feedbackWriter: FeedbackWriter;
    analysis: AnalysisHandOff;
    settingsOf: (source: Source) => SourceSettings;
    recordStaff: (source: Source, response: StaffSurveyResponse) => Promise<unknown>;
  },
): VendorFetcher {
  const sourceOf = async (fetch: VendorFetch) => {
    const source = await deps.sourceCache.get(fetch.source_id);
    if (!source) throw new Problem(404, 'not_found', 'The source no longer exists');
    return source;
  };
  const fetcher = new VendorFetcher({
    db: deps.db,
    log: app.log,
    now: deps.now,
    timing: deps.vendorFetchTiming ?? DEFAULT_VENDOR_FETCH_TIMING,
    async run(fetch) {
      const source = await sourceOf(fetch);
      const adapter = channelAdapters[Adapter.parse(source.adapter)];
      if (!adapter.fetch) throw new Problem(422, 'not_fetchable', `${adapter.name} fetches nothing`);
      const output = await adapter.fetch(fetch.payload, ingest.settingsOf(source));
      const rows =
        output.events.length > 0
          ? await storeDelivery(
              { db: deps.db, feedbackWriter: ingest.feedbackWriter, analysis: ingest.analysis },
              {
                source,
                webhookId: fetch.key,
                events: output.events,
                batch: false,
                receivedAt: fetch.created_at,
              },
            )
          : [];
      if (output.staffResponse) await ingest.recordStaff(source, output.staffResponse);
      return rows.filter((row) => row.created).length;
    },
    report(fetch, attempt) {
      void deps.sourceCache.get(fetch.source_id).then((source) => {
        if (source) deps.deliveryLog.record(source, 0, deps.now(), logEntry(fetch, attempt));
      });
    },
  });
  fetcher.start();
  return fetcher;
}
