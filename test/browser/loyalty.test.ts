import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyseOrganisationOutcomes } from '@cxloop/aggregation-worker';
import { purchasePlan, SeededRandom } from '@cxloop/api/demo';
import { recordOutcomes, saveFeedbackAnalysis, storeFeedbackBatch } from '@cxloop/db';
import { holdoutPeriodFor } from '@cxloop/outcomes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  chromiumInstalled,
  launchChromium,
  screenshots,
  signInWithKey,
} from '../support/browser.js';
import {
  createTenant,
  plainAnalysis,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';

/**
 * The "Loyalty & value" view in a real browser, on the demo's year of orders and post-purchase surveys
 * (late-delivery complainers stop buying about twice as often): the figures on the page are checked against
 * what the stored data implies, not only that the page renders.
 */
describe.skipIf(!chromiumInstalled)('loyalty & value in a browser', { timeout: 120_000 }, () => {
  let api: TestApi;
  let tenant: TestTenant;
  let baseUrl: string;
  let browser: Browser;
  const consoleErrors: string[] = [];
  const plan = purchasePlan({ seed: 11, now: new Date() }, new SeededRandom(11));
  const purchases = plan.outcomes.filter((event) => event.kind === 'purchase');
  const analysedAt = new Date();

  beforeAll(async () => {
    await buildDashboard();
    api = await startTestApi();
    tenant = await createTenant(api.db, api.secretBox, 'Loyal Living');
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    for (let i = 0; i < plan.outcomes.length; i += 500) {
      const batch = plan.outcomes
        .slice(i, i + 500)
        .map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) }));
      await recordOutcomes(api.db, tenant.orgId, tenant.sourceId, batch);
    }
    const stored = await storeFeedbackBatch(
      api.db,
      plan.surveys.map((survey) => ({
        org_id: tenant.orgId,
        source_id: tenant.sourceId,
        channel: 'web',
        external_id: survey.id,
        customer_ref: survey.customer.ref,
        text: survey.text,
        nps: survey.nps ?? null,
        metadata: JSON.stringify({}),
        occurred_at: survey.occurredAt,
      })),
    );
    // The analyser's topic for a late-delivery text, as the analysis worker would store it.
    const scenarioOf = new Map(plan.surveys.map((survey) => [survey.id, survey.scenario.key]));
    for (const row of stored) {
      const late = scenarioOf.get(row.externalId) === 'delivery_late';
      await saveFeedbackAnalysis(
        api.db,
        plainAnalysis(row.id, tenant.orgId, late ? [{ id: 'delivery_delay' }] : []),
      );
    }
    await analyseOrganisationOutcomes(api.db, tenant.orgId, analysedAt);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const openLoyalty = async (page: Page) => {
    await page.getByRole('link', { name: 'Loyalty & value' }).click();
    await page.getByRole('heading', { name: 'Loyalty & value' }).waitFor();
    await page.locator('[data-figure="buyers"]').waitFor();
  };

  it('shows retention, value segments, the fitted model and the late-delivery driver', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.manager, consoleErrors, 1440);
    await page.setViewportSize({ width: 1440, height: 900 });
    await openLoyalty(page);

    const orders = new Map<string, number>();
    for (const event of purchases) orders.set(event.customerRef, (orders.get(event.customerRef) ?? 0) + 1);
    expect(await page.locator('[data-figure="buyers"]').textContent()).toBe(String(orders.size));
    const repeaters = [...orders.values()].filter((count) => count > 1).length;
    expect(await page.locator('[data-figure="repeat-rate"]').textContent()).toMatch(
      new RegExp(`^${Math.round((repeaters / orders.size) * 100)} % \\(`),
    );

    // One cohort row per first-order month, each with as many buyers as started that month.
    const firstOrder = new Map<string, string>();
    for (const event of purchases) {
      const month = event.occurredAt.slice(0, 7);
      const seen = firstOrder.get(event.customerRef);
      if (!seen || month < seen) firstOrder.set(event.customerRef, month);
    }
    const oldest = [...firstOrder.values()].sort()[0]!;
    const oldestRow = page
      .getByRole('table', { name: 'Cohort retention' })
      .locator(`tr[data-cohort="${oldest}"]`);
    expect(await oldestRow.locator('td').first().textContent()).toBe(
      String([...firstOrder.values()].filter((month) => month === oldest).length),
    );

    // Segments carry their buyer counts; the model's parameters and check are shown.
    const segmentOf = new Map(purchases.map((event) => [event.customerRef, event.segment]));
    const trade = [...segmentOf.values()].filter((segment) => segment === 'trade').length;
    const tradeRow = page
      .getByRole('table', { name: 'Spend per segment' })
      .locator('tr[data-segment="trade"]');
    expect(await tradeRow.locator('td').nth(2).textContent()).toBe(String(trade));
    const parameters = page.getByRole('table', { name: 'Fitted parameters' });
    for (const name of ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma']) {
      const cell = await parameters.locator(`tr[data-parameter="${name}"] td`).nth(1).textContent();
      const estimate = Number(cell!.replaceAll(',', ''));
      expect(estimate).toBeGreaterThan(0);
    }
    expect(await page.locator('[data-figure="model-check"]').textContent()).toMatch(/^(Passed|Not passed): /);
    // Calibration vs hold-out: the purchases after the split, by buyers who first bought before it.
    const firstAt = new Map<string, number>();
    for (const event of purchases) {
      const at = Date.parse(event.occurredAt);
      firstAt.set(event.customerRef, Math.min(at, firstAt.get(event.customerRef) ?? at));
    }
    const split = holdoutPeriodFor(
      [...firstAt.values()].map((at) => new Date(at)),
      analysedAt,
    )!.calibrationEnd.getTime();
    const afterSplit = purchases.filter((event) => {
      const at = Date.parse(event.occurredAt);
      return firstAt.get(event.customerRef)! < split && at >= split && at < analysedAt.getTime();
    }).length;
    expect(await page.locator('[data-figure="holdout"]').textContent()).toContain(
      `they made ${afterSplit.toLocaleString('en-GB')} (`,
    );
    // Bigger spenders lean to the app in the demo: more of the top fifth use it than of the others.
    const app = page
      .getByRole('table', { name: 'Channels used by the top 20 % and the others' })
      .locator('tr[data-channel="app"] td');
    const share = async (cell: number) => Number((await app.nth(cell).textContent())!.replace(' %', ''));
    expect(await share(1)).toBeGreaterThan(await share(2));

    // The built-in effect: late-delivery complainers stop buying more often, with an interval above 1.
    const late = page
      .getByRole('table', { name: 'Drivers of loyalty' })
      .locator('tr[data-factor="topic:delivery_delay"]');
    expect(await late.locator('th').textContent()).toBe('Topic: delivery delay');
    const interval = (await late.locator('td').nth(1).textContent())!.match(/\(([\d.]+)–([\d.]+)\)/);
    expect(Number(interval![1])).toBeGreaterThan(1);
    expect(await late.locator('td').nth(4).textContent()).toMatch(/^Yes \(q [<=] /);
    const advocacy = page.getByRole('table', { name: 'Retention by NPS group' });
    expect(
      await advocacy.locator('tr[data-group="detractor"][data-window="90"] td').nth(3).textContent(),
    ).not.toBe('0');
    expect(await page.getByRole('list', { name: 'Limits of the analysis' }).textContent()).toContain(
      'not proof',
    );
    await page.screenshot({ path: join(screenshots, 'loyalty-desktop.png'), fullPage: true });
    await page.context().close();
  });

  it('fits a phone screen without the page scrolling sideways', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.assessor, consoleErrors, 390);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await openLoyalty(page);
    await page.screenshot({ path: join(screenshots, 'loyalty-phone.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it('is not offered to responders', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.responder, consoleErrors);
    await page.getByRole('link', { name: 'Inbox' }).waitFor();
    expect(await page.getByRole('link', { name: 'Loyalty & value' }).count()).toBe(0);
    await page.context().close();
  });

  it('logged no console errors on any page', () => {
    // The session check before sign-in answers 401; the first view's score before any scoring answers 404.
    const expected = /Failed to load resource: the server responded with a status of (401|404)/;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
