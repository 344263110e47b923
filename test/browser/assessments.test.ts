import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createScoreProcessor } from '@cxloop/aggregation-worker';
import type { ScoreJob } from '@cxloop/contracts';
import { redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  chromiumInstalled,
  launchChromium,
  screenshots,
  signInWithKey,
} from '../support/browser.js';
import { storeCountedFeedback } from '../support/counted-feedback.js';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * An assessor's work in a real browser: rating an objective with a reason (and seeing its audit entry), then
 * freezing two official assessments, comparing them and exporting one. Scores are recomputed by calling the
 * score worker's processor, as the worker would on the recompute request the API queues.
 */
describe.skipIf(!chromiumInstalled)('assessment in a browser', { timeout: 90_000 }, () => {
  let api: TestApi;
  let tenant: TestTenant;
  let baseUrl: string;
  let browser: Browser;
  let redis: Redis;
  const consoleErrors: string[] = [];

  const rescore = () =>
    createScoreProcessor({ db: api.db, redis, prefix: api.prefix })({
      data: { orgId: tenant.orgId },
    } as Job<ScoreJob>);

  beforeAll(async () => {
    await buildDashboard();
    api = await startTestApi();
    tenant = await createTenant(api.db, api.secretBox, 'Assessed Co');
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    redis = new Redis(redisOptions(redisUrl));
    await storeCountedFeedback(api.db, tenant, [9, 4, 10, 8]);
    await rescore();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    redis?.disconnect();
    await api?.close();
  });

  const signedInPage = (key: string) => signInWithKey(browser, baseUrl, key, consoleErrors);

  async function rate(page: Page, elementId: string, level: string, reason: string) {
    const card = page.locator(`li[data-element="${elementId}"]`);
    const toggle = card.getByRole('button', { name: `Rate ${elementId}` });
    // The form stays open after a rating, with its history under it.
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await card.getByRole('radio', { name: level }).check();
    await card.getByLabel('Reason').fill(reason);
    await card.getByRole('button', { name: 'Save rating' }).click();
    return card;
  }

  it('rates an objective with a reason and shows the audit entry', async () => {
    const page = await signedInPage(tenant.apiKeys.assessor);
    await page.getByRole('link', { name: 'Assessment' }).click();
    const card = await rate(page, 'D5.2', 'Fully', 'Five channels live, answered within a day');
    await expect.poll(() => card.locator('.badge').textContent()).toBe('Fully');
    const trail = card.getByRole('list', { name: 'Changes to D5.2' });
    await expect.poll(() => trail.textContent()).toContain('none → Fully');
    expect(await trail.textContent()).toContain('Five channels live, answered within a day');
    const stored = await api.db
      .selectFrom('objective_ratings')
      .select(['level', 'rated_by'])
      .where('org_id', '=', tenant.orgId)
      .where('element_id', '=', 'D5.2')
      .executeTakeFirst();
    expect(stored).toEqual({ level: 'fully', rated_by: 'assessor' });
    await page.screenshot({ path: join(screenshots, 'assessment-rating.png'), fullPage: true });

    // A manager sees the rating and its history but cannot rate.
    const manager = await signedInPage(tenant.apiKeys.manager);
    await manager.getByRole('link', { name: 'Assessment' }).click();
    const seen = manager.locator('li[data-element="D5.2"]');
    await expect.poll(() => seen.locator('.badge').textContent()).toBe('Fully');
    expect(await seen.getByRole('button', { name: 'Rate D5.2' }).count()).toBe(0);
    await Promise.all([page.context().close(), manager.context().close()]);
  });

  it('freezes two assessments, compares them and exports one', async () => {
    const page = await signedInPage(tenant.apiKeys.assessor);
    await page.getByRole('link', { name: 'Assessment' }).click();
    await rate(page, 'D5.3', 'Fully', 'NPS asked after every order');
    await rescore();
    await page.getByLabel('Title').fill('H1 2026');
    await page.getByRole('button', { name: 'Freeze and sign off' }).click();
    await page.locator('li[data-assessment="H1 2026"]').waitFor();

    await rate(page, 'D5.3', 'Not yet', 'NPS survey paused since March');
    await rescore();
    await page.getByLabel('Title').fill('H2 2026');
    await page.getByRole('button', { name: 'Freeze and sign off' }).click();
    await page.locator('li[data-assessment="H2 2026"]').waitFor();

    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const row = page
      .getByRole('table', { name: 'Comparison per element' })
      .locator('tr[data-element="D5.3"]');
    await expect.poll(() => row.textContent()).toContain('−15');
    expect(await row.textContent()).toContain('NPS survey paused since March');
    await page.screenshot({ path: join(screenshots, 'assessment-compare.png'), fullPage: true });

    const first = page.locator('li[data-assessment="H1 2026"]');
    const csv = await page.request.get(
      new URL((await first.getByRole('link', { name: 'CSV' }).getAttribute('href'))!, baseUrl).href,
    );
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^dimension,element,name,points,max,stage/);
    expect(await csv.text()).toContain('D5,D5.3,');

    const [report] = await Promise.all([
      page.context().waitForEvent('page'),
      first.getByRole('link', { name: 'Printable report' }).click(),
    ]);
    await report.waitForLoadState();
    expect(await report.title()).toContain('H1 2026');
    expect(await report.locator('body').textContent()).toContain('NPS asked after every order');
    await report.screenshot({ path: join(screenshots, 'assessment-report.png'), fullPage: true });
    await page.context().close();
  });

  it('logged no console errors on any page', () => {
    const expected = /Failed to load resource: the server responded with a status of (401|404)/;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
