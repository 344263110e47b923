/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createScoreProcessor } from '@cxloop/aggregation-worker';
import type { ScoreJob } from '@cxloop/contracts';
import { createUnit, recordRisingIssue } from '@cxloop/db';
import { redisOptions } from '@cxloop/runtime';
import { seededRandom } from '@cxloop/scoring/testing/nps-days';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  chromiumInstalled,
  launchChromium,
  screenshots,
  seriousAccessibilityViolations,
  signInWithKey,
} from '../support/browser.js';
import { countNpsHistory, improvementHistory } from '../support/counted-feedback.js';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

const DAY_MS = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A manager takes a rising issue to a finished action in a real browser: from the Trends view's "Plan an
 * action", through the plan form and each status move, to the measured effect. The history behind it has a
 * known improvement in the unit from the action's start, counted into the rollups as the pipeline would.
 */
describe.skipIf(!chromiumInstalled)('improvement actions in a browser', { timeout: 120_000 }, () => {
  let api: TestApi;
  let tenant: TestTenant;
  let baseUrl: string;
  let browser: Browser;
  let redis: Redis;
  let north: string;
  const consoleErrors: string[] = [];
  // The after window (28 days from the start) ends today, so the finished action is judged at once.
  const start = dayOf(new Date(Date.now() - 27 * DAY_MS));

  beforeAll(async () => {
    await buildDashboard();
    api = await startTestApi();
    tenant = await createTenant(api.db, api.secretBox, 'Acting Co');
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    redis = new Redis(redisOptions(redisUrl));
    north = (await createUnit(api.db, tenant.orgId, { key: 'north', name: 'North' })).id;
    const south = (await createUnit(api.db, tenant.orgId, { key: 'south', name: 'South' })).id;
    await api.app.inject({
      method: 'POST',
      url: '/v1/teams',
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
      payload: { name: 'Logistics' },
    });
    await countNpsHistory(
      api.db,
      tenant,
      improvementHistory({ anchor: start, improving: north, steady: south, random: seededRandom(7) }),
      new Date(),
    );
    await recordRisingIssue(
      api.db,
      tenant.orgId,
      { unitId: north, topic: 'delivery_delay', windowStart: start, mentions: 25, baselineWeeklyMean: 6 },
      new Date(Date.now() - 28 * DAY_MS),
    );
    await createScoreProcessor({ db: api.db, redis, prefix: api.prefix })({
      data: { orgId: tenant.orgId },
    } as Job<ScoreJob>);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    redis?.disconnect();
    await api?.close();
  });

  it('plans an action from a rising issue, moves it to done and shows its measured effect', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.manager, consoleErrors);
    await page.goto(`${baseUrl}/#/trends?scope=${north}`);
    await page.getByRole('link', { name: 'Plan an action' }).first().click();

    await page.getByLabel('Title').fill('Tracking texts for every parcel');
    await page.getByLabel('Description').fill('Customers asked where their parcel is.');
    // A label wrapping a select is named by its options too, so the form's selects are found by name.
    const field = (name: string) => page.locator(`form [name="${name}"]`);
    expect(await field('unit').inputValue()).toBe(north);
    expect(await field('topic').inputValue()).toBe('delivery_delay');
    expect(await field('priority').inputValue()).toBe('high');
    // The owner measures the unit's NPS, not only the feedback that names the topic.
    await field('topic').selectOption('');
    await field('metric').selectOption('nps');
    await page.getByLabel('Target value').fill('20');
    await field('start').fill(start);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save as proposed' }).click();

    await page.getByRole('heading', { name: 'Tracking texts for every parcel' }).waitFor();
    for (const move of ['Move to planned', 'Move to in progress', 'Move to done']) {
      await page.getByRole('button', { name: move }).click();
      await page.getByRole('button', { name: move }).waitFor({ state: 'detached' });
    }
    const verdict = page.locator('#effect-title + p [data-verdict]');
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('improved');
    const panel = page.getByRole('region', { name: /^Effect/ });
    expect(await panel.textContent()).toContain('(final)');
    expect(await panel.textContent()).toMatch(/Difference in differences\+\d+(\.\d)? \(95 % interval/);
    expect(await page.locator('.audit').textContent()).toContain('status → Done');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'action-effect.png'), fullPage: true });

    const stored = await api.db
      .selectFrom('action_items')
      .select(['status', 'origin', 'origin_rising_issue_id'])
      .where('org_id', '=', tenant.orgId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'done', origin: 'rising_issue' });
    expect(stored.origin_rising_issue_id).not.toBeNull();

    await page.getByRole('link', { name: 'Actions' }).click();
    const done = page.getByRole('region', { name: 'Done' });
    await done.getByRole('link', { name: 'Tracking texts for every parcel' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('logged no console errors on any page', () => {
    // The page asks for its session before signing in: that 401 is expected.
    const expected = /Failed to load resource: the server responded with a status of 401/;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
