/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startOutboundWorker } from '@cxloop/aggregation-worker';
import { openCasesForAnalyses, storeFeedbackBatch } from '@cxloop/db';
import { createLogger, redisOptions } from '@cxloop/runtime';
import type { Worker } from 'bullmq';
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
  createResponder,
  createTenant,
  eventually,
  startTestApi,
  type TestApi,
  type TestTenant,
  testOutboundAllowlist,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';
import { startReplyReceiver } from '../support/reply-receiver.js';

/**
 * A responder's working day in a real browser: paging a long queue, a case arriving while the inbox is open,
 * replying and resolving from the keyboard, a failed send that keeps the text, and axe-core's accessibility
 * rules on the inbox and the case page.
 */
// Evaluated through the DevTools protocol, which the page's CSP (no inline scripts) does not govern.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.help}): ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

describe.skipIf(!chromiumInstalled)('inbox in a browser', { timeout: 120_000 }, () => {
  let api: TestApi;
  let baseUrl: string;
  let browser: Browser;
  let outbound: Worker;
  let receiver: Awaited<ReturnType<typeof startReplyReceiver>>;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboard();
    api = await startTestApi();
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    receiver = await startReplyReceiver();
    outbound = startOutboundWorker({
      db: api.db,
      secretBox: api.secretBox,
      scoreQueue: api.scoreQueue,
      timeoutMs: 5_000,
      allowlist: testOutboundAllowlist,
      connection: redisOptions(redisUrl),
      prefix: api.prefix,
      concurrency: 1,
      logger: createLogger('inbox-browser', 'silent'),
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await outbound?.close();
    await api?.outboundQueue.obliterate({ force: true });
    await receiver?.close();
    await api?.close();
  });

  /** Cases as analysis opens them, one per customer, `texts[i]` the words of the i-th (opened in order). */
  async function openCases(tenant: TestTenant, texts: readonly string[], severity = 'high') {
    const stored = await storeFeedbackBatch(
      api.db,
      texts.map((text) => ({
        org_id: tenant.orgId,
        source_id: tenant.sourceId,
        channel: 'web',
        external_id: `browser-${randomUUID()}`,
        customer_ref: `customer-${randomUUID()}`,
        text,
        metadata: JSON.stringify({}),
        occurred_at: new Date(),
      })),
    );
    const ids: string[] = [];
    // One transaction per case, a millisecond apart, so "oldest first" is the order of `texts`.
    for (const [index, row] of stored.entries()) {
      const [opening] = await api.db.transaction().execute((trx) =>
        openCasesForAnalyses(
          trx,
          tenant.orgId,
          [
            {
              orgId: tenant.orgId,
              feedbackId: row!.id,
              severity,
              urgency: 0.7,
              flagCodes: ['churn_threat'],
              topics: [],
            },
          ],
          new Date(Date.now() - (texts.length - index) * 1_000),
        ),
      );
      ids.push(opening!.caseId);
    }
    return ids;
  }

  async function setReplyTarget(tenant: TestTenant) {
    const target = await api.app.inject({
      method: 'PUT',
      url: `/v1/sources/${tenant.sourceId}/reply-target`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
      payload: { url: receiver.url },
    });
    expect(target.statusCode).toBe(200);
  }

  it('pages to case 200 of a long queue, and shows a new case live in the open inbox', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Long queue co');
    const agent = await createResponder(api.db, tenant, [], 'Priya Responder');
    const texts = Array.from(
      { length: 210 },
      (_, index) => `Complaint number ${index + 1}: the order never came`,
    );
    await openCases(tenant, texts);
    const page = await signInWithKey(browser, baseUrl, agent.apiKey, consoleErrors, 1440);
    await page.goto(`${baseUrl}/#/inbox?sort=oldest`);
    await page.getByTestId('case-range').getByText('Showing 1–50 of 210').waitFor();
    for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByTestId('case-range').getByText('Showing 151–200 of 210').waitFor();
    await page.getByRole('link', { name: 'Complaint number 200: the order never came' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'inbox-page-4.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // A customer writes while the inbox is open: the row appears without a reload.
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && !frame.url().includes('#/inbox')) navigations.push(frame.url());
    });
    await page.goto(`${baseUrl}/#/inbox?sort=newest`);
    await page.getByTestId('case-range').getByText('of 210').waitFor();
    const [fresh] = await openCases(tenant, ['I was charged twice and nobody answers the phone'], 'critical');
    await page.locator(`[data-case="${fresh}"]`).waitFor({ timeout: 20_000 });
    await page.getByTestId('case-range').getByText('of 211').waitFor();
    expect(navigations).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'inbox-live-case.png'), fullPage: true });
    await page.context().close();
  });

  it('replies and resolves in one step from the keyboard; the case closes once the reply arrived', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'Keyboard co');
    await setReplyTarget(tenant);
    const agent = await createResponder(api.db, tenant, [], 'Tom Responder');
    const [caseId] = await openCases(tenant, ['My bookcase arrived broken and I want my money back']);
    const page = await signInWithKey(browser, baseUrl, agent.apiKey, consoleErrors, 1440);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.locator(`[data-case="${caseId}"]`).waitFor();
    // j moves to the first row, Enter opens it; the case page's heading takes focus.
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/#/inbox/${caseId}`);
    await page.getByRole('heading', { name: /Case ·/ }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press('c');
    await page.getByTestId('case-holder').getByText('Held by Tom Responder').waitFor();
    await page.keyboard.press('r');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reply-body');
    await page.keyboard.type('So sorry. A new bookcase leaves tomorrow and your refund is on its way.');
    await page.keyboard.press('Escape');
    await page.keyboard.press('e');
    await expect
      .poll(() => page.getByTestId('case-status').innerText(), { timeout: 20_000 })
      .toBe('resolved');
    await page.getByText('Resolved after a reply reached the customer.').waitFor();
    expect(receiver.replies.some((reply) => reply.includes('A new bookcase leaves tomorrow'))).toBe(true);
    await page.screenshot({ path: join(screenshots, 'case-replied-and-resolved.png'), fullPage: true });
    await page.context().close();
  });

  it('keeps the reply text after a failed send, and across views, until it is sent', async () => {
    const tenant = await createTenant(api.db, api.secretBox, 'No target co');
    const agent = await createResponder(api.db, tenant, [], 'Mei Responder');
    const [caseId] = await openCases(tenant, ['Third time asking: where is my refund?']);
    const page = await signInWithKey(browser, baseUrl, agent.apiKey, consoleErrors, 390);
    await page.goto(`${baseUrl}/#/inbox/${caseId}`);
    const box = page.getByLabel('Your reply');
    const text = 'Your refund was sent today; it shows within three working days.';
    await box.fill(text);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page
      .getByRole('alert')
      .getByText(/Not sent: this channel has no way to reach the customer yet/)
      .waitFor();
    expect(await box.inputValue()).toBe(text);
    await page.screenshot({ path: join(screenshots, 'reply-failed-kept.png'), fullPage: true });

    // To the inbox and back: the draft is still there; once a reply target exists it goes out.
    await page.goto(`${baseUrl}/#/inbox`);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.goto(`${baseUrl}/#/inbox/${caseId}`);
    await expect.poll(() => page.getByLabel('Your reply').inputValue()).toBe(text);
    await setReplyTarget(tenant);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Reply sent; its delivery shows under Messages.').waitFor();
    expect(await page.getByLabel('Your reply').inputValue()).toBe('');
    await eventually(async () =>
      receiver.replies.some((reply) => reply.includes('three working days')) ? true : undefined,
    );
    await page.context().close();
  });

  it('logged no console errors beyond the expected refusals', () => {
    // The failed send (409) is an answer the page shows; Chromium logs it as a failed resource.
    const expected = /Failed to load resource: the server responded with a status of (401|404|409)/;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
