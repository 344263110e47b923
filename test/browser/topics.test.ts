import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startReanalysisWorker } from '@cxloop/analysis-worker';
import { createAggregateQueue, createLogger, redisOptions } from '@cxloop/runtime';
import type { Worker } from 'bullmq';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAnalysedAirlineHistory } from '../support/airline-history.js';
import {
  buildDashboard,
  chromiumInstalled,
  launchChromium,
  screenshots,
  signInWithKey,
} from '../support/browser.js';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * An admin turns a topic discovered in feedback into a topic of the taxonomy, in a real browser, and watches
 * the history being re-analysed by the analysis worker's re-analysis consumer until the new topic's rollups
 * (its mentions over 90 days) appear in the table.
 */
describe.skipIf(!chromiumInstalled)('topics in a browser', { timeout: 120_000 }, () => {
  let api: TestApi;
  let tenant: TestTenant;
  let baseUrl: string;
  let browser: Browser;
  let reanalysis: Worker;
  const consoleErrors: string[] = [];
  const now = new Date();

  beforeAll(async () => {
    await buildDashboard();
    api = await startTestApi();
    tenant = await createTenant(api.db, api.secretBox, 'Seat Belt Air');
    const aggregateQueue = createAggregateQueue({ connection: redisOptions(redisUrl), prefix: api.prefix });
    await storeAnalysedAirlineHistory(api.db, tenant, aggregateQueue, now);
    await aggregateQueue.close();
    reanalysis = startReanalysisWorker({
      db: api.db,
      scoreQueue: api.scoreQueue,
      reanalysisQueue: api.reanalysisQueue,
      connection: redisOptions(redisUrl),
      prefix: api.prefix,
      logger: createLogger('reanalysis-test', 'silent'),
    });
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await reanalysis?.close();
    await api?.close();
  });

  it('creates a topic from a discovered candidate and shows its rollups once history is re-analysed', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.admin, consoleErrors);
    await page.getByRole('link', { name: 'Topics' }).click();
    const candidate = page.getByRole('listitem', { name: 'Candidate Seat belt' });
    await expect.poll(() => candidate.textContent()).toContain('4 feedback');
    expect(await candidate.textContent()).toContain('Seat belt jammed again, scary take-off.');
    await page.screenshot({ path: join(screenshots, 'topics-candidates.png'), fullPage: true });

    await candidate.getByRole('button', { name: 'Create topic “Seat belt”' }).click();
    const row = page.locator('tr[data-topic="seat_belt"]');
    await row.waitFor();
    // The view polls progress until the run is done; then the topic's mentions include all history.
    await expect
      .poll(() => page.locator('[data-reanalysis]').getAttribute('data-reanalysis'), { timeout: 60_000 })
      .toBe('done');
    await expect.poll(() => row.locator('[data-mentions]').textContent()).toBe('5');
    expect(await page.getByRole('status').textContent()).toContain('5 of 9 feedback changed topics');
    // Promoted, the phrase is no longer a candidate.
    await expect.poll(() => candidate.count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'topics-reanalysed.png'), fullPage: true });
    // The session check before signing in answers 401 and the browser's favicon request 404: both expected.
    const expected = /Failed to load resource: the server responded with a status of (401|404)/;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
