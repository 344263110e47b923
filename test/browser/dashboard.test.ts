/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startAggregationWorkers, startOutboundWorker } from '@cxloop/aggregation-worker';
import { startAnalysisWorker } from '@cxloop/analysis-worker';
import { issueApiKey } from '@cxloop/api';
import {
  createApiKey,
  createMember,
  createSource,
  createTeam,
  ENTERPRISE_SCOPE,
  findCurrentScore,
} from '@cxloop/db';
import {
  type AggregateQueue,
  createAggregateQueue,
  createLogger,
  generateSigningSecret,
  redisOptions,
  signWebhook,
} from '@cxloop/runtime';
import type { Worker } from 'bullmq';
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
import {
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
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core) against a real API on
 * PostgreSQL and Redis (test/support/browser.ts: skipped without chromium and named in the test summary,
 * except in CI, where a missing browser fails).
 */

/** A common phone's CSS width. */
const PHONE_WIDTH = 390;

// A browser, the API and the pipeline share this process and the machine's two cores with the other test
// files, so each test gets 90 s.
describe.skipIf(!chromiumInstalled)('dashboard in a browser', { timeout: 90_000 }, () => {
  let api: TestApi;
  let tenant: TestTenant;
  let baseUrl: string;
  let browser: Browser;
  const consoleErrors: string[] = [];
  // The real pipeline behind the page: analysis, rollups and scores, and replies to customers.
  let aggregateQueue: AggregateQueue;
  let analysis: Worker;
  let aggregation: ReturnType<typeof startAggregationWorkers>;
  let outbound: Worker;
  let publisher: Redis;

  beforeAll(async () => {
    // Build the page from source, so the test sees what this commit ships.
    await buildDashboard();
    api = await startTestApi();
    tenant = await createTenant(api.db, api.secretBox, 'Browser Co');
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    const connection = redisOptions(redisUrl);
    const logger = createLogger('browser-test', 'silent');
    aggregateQueue = createAggregateQueue({ connection, prefix: api.prefix });
    publisher = new Redis(connection);
    analysis = startAnalysisWorker({
      db: api.db,
      aggregateQueue,
      connection,
      prefix: api.prefix,
      concurrency: 2,
      logger,
    });
    aggregation = startAggregationWorkers({
      db: api.db,
      scoreQueue: api.scoreQueue,
      redis: publisher,
      connection,
      prefix: api.prefix,
      aggregateConcurrency: 2,
      scoreConcurrency: 1,
      scoreCooldownMs: 400,
      logger,
    });
    outbound = startOutboundWorker({
      db: api.db,
      secretBox: api.secretBox,
      scoreQueue: api.scoreQueue,
      timeoutMs: 5_000,
      allowlist: testOutboundAllowlist,
      connection,
      prefix: api.prefix,
      concurrency: 1,
      logger,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([analysis?.close(), aggregation?.close(), outbound?.close()]);
    for (const queue of [aggregateQueue, api?.analyzeQueue, api?.scoreQueue, api?.outboundQueue]) {
      await queue?.obliterate({ force: true });
    }
    await aggregateQueue?.close();
    publisher?.disconnect();
    await api?.close();
  });

  /** Posts feedback to a source's webhook over HTTP, signed as the channel would sign it. */
  async function deliver(source: { id: string; secret: string }, event: Record<string, unknown>) {
    const body = JSON.stringify(event);
    const response = await fetch(`${baseUrl}/v1/sources/${source.id}/events`, {
      method: 'POST',
      headers: {
        ...signWebhook(source.secret, `msg_${randomUUID()}`, Math.floor(Date.now() / 1000), body),
        'content-type': 'application/json',
      },
      body,
    });
    expect(response.status, await response.clone().text()).toBe(202);
    return (await response.json()) as { id: string };
  }

  /** How far the page is wider than the window: a phone user would have to scroll sideways. */
  function horizontalOverflow(page: Page) {
    return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  }

  /** Counts the page's navigations, so a test can tell a live update from a reload. */
  function watchNavigations(page: Page) {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    return navigations;
  }

  const signedInPage = (key: string, width = 1280) =>
    signInWithKey(browser, baseUrl, key, consoleErrors, width);

  it('signs in with an API key into an httpOnly session, never keeping the key in the page', async () => {
    const page = await signedInPage(tenant.apiKeys.admin);
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'cxloop_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(session?.value).not.toContain(tenant.apiKeys.admin);
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie,
    );
    expect(stored).not.toContain('cxk_');
    await page.screenshot({ path: join(screenshots, 'scores-empty.png'), fullPage: true });
    await page.context().close();
  });

  it('works from the keyboard: sign in, skip to the content, move between views', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/#/channels`);
    const focused = () =>
      page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    await page.getByLabel('API key').waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('api-key');

    await page.keyboard.type('cxk_0000000000000000_wrongwrongwrongwrongwrongwrongwr');
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .getByText(/unknown or revoked/)
      .waitFor();
    await page.getByLabel('API key').focus();
    await page.keyboard.type(tenant.apiKeys.admin);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Channels' }).waitFor();

    // The first Tab reaches "Skip to content", which moves focus into the view without leaving it.
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    await page.screenshot({ path: join(screenshots, 'keyboard-skip-link.png') });
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('main');
    expect(new URL(page.url()).hash).toBe('#/channels');

    // Tab on (past the view's controls and round to the navigation) to the staff surveys; Enter opens them.
    for (let step = 0; step < 20 && (await focused()) !== 'Staff surveys'; step++) {
      await page.keyboard.press('Tab');
    }
    expect(await focused()).toBe('Staff surveys');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Staff surveys' }).waitFor();
    await context.close();
  });

  it('keeps a view opened right after sign-in instead of sending it to the default view', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(baseUrl);
    // Open the staff surveys the moment the signed-in frame appears: a person clicking fast, or a test
    // navigating as soon as it sees the header. The default-view redirect runs later (an effect, after
    // paint) and must see this view, not the empty fragment it rendered with.
    await page.evaluate(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('header.topbar')) return;
        observer.disconnect();
        window.location.hash = '#/surveys';
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByLabel('API key').fill(tenant.apiKeys.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Staff surveys' }).waitFor();
    // A stale redirect would come from an effect of the first signed-in render, and Preact runs effects
    // after the next paint: once two more frames have been painted, any such effect has run.
    await page.evaluate(async () => {
      for (let frame = 0; frame < 2; frame++) {
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      }
    });
    expect(new URL(page.url()).hash).toBe('#/surveys');
    expect(await page.getByRole('heading', { name: 'Staff surveys' }).isVisible()).toBe(true);
    await context.close();
  });

  it('shows a responder only the inbox', async () => {
    const page = await signedInPage(tenant.apiKeys.responder);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    const nav = await page.getByRole('navigation', { name: 'Views', exact: true }).innerText();
    expect(nav).toContain('Inbox');
    expect(nav).not.toContain('Scores');
    expect(nav).not.toContain('Channels');
    await page.screenshot({ path: join(screenshots, 'inbox.png'), fullPage: true });
    await page.context().close();
  });

  it('connects a channel, shows the secret once and logs a delivery signed with it', async () => {
    const page = await signedInPage(tenant.apiKeys.admin);
    await page.goto(`${baseUrl}/#/channels`);
    await page.getByLabel('Name').fill('Checkout survey');
    await page.getByRole('button', { name: 'Connect' }).click();
    const url = await page.getByTestId('webhook-url').innerText();
    const secret = await page.getByTestId('signing-secret').innerText();
    await page.screenshot({ path: join(screenshots, 'channel-connected.png'), fullPage: true });

    const body = JSON.stringify({
      externalId: 'browser-1',
      text: 'The checkout kept failing.',
      ratings: { nps: 2 },
    });
    // The printed URL carries PUBLIC_BASE_URL; this test reaches the same route on its own listener.
    const delivered = await fetch(new URL(new URL(url).pathname, baseUrl), {
      method: 'POST',
      headers: {
        ...signWebhook(secret, 'msg_browser_1', Math.floor(Date.now() / 1000), body),
        'content-type': 'application/json',
      },
      body,
    });
    expect(delivered.status).toBe(202);

    await page.getByRole('link', { name: /delivery log/ }).click();
    const log = page.getByTestId('delivery-log');
    await log.waitFor();
    expect(await log.innerText()).toContain('accepted');
    await page.screenshot({ path: join(screenshots, 'channel-delivery-log.png'), fullPage: true });

    // The server signs a test event with the secret only it keeps now, through the same webhook.
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => page.getByTestId('test-delivery').innerText()).toContain('Test event delivered');
    await log.getByText(/test event/).waitFor();
    const rows = await log.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('ignored');
    await page.screenshot({ path: join(screenshots, 'channel-test-event.png'), fullPage: true });
    await page.context().close();
  });

  it('creates a staff survey from the framework, opens it and hands out invitation links', async () => {
    const page = await signedInPage(tenant.apiKeys.admin);
    await page.goto(`${baseUrl}/#/surveys`);
    await page.getByLabel('Name').fill('Q4 CX pulse');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('link', { name: 'Q4 CX pulse' }).click();
    await page.getByRole('button', { name: 'Open survey' }).click();
    await page.getByRole('button', { name: 'Create links' }).click();
    const links = page.getByRole('textbox', { name: 'Invitation links' });
    await links.waitFor();
    expect((await links.inputValue()).split('\n')).toHaveLength(10);
    await page.screenshot({ path: join(screenshots, 'survey-detail.png'), fullPage: true });
    await page.getByRole('link', { name: '← Staff surveys' }).click();
    await page.getByText('0 of 10 invited answered').waitFor();
    await page.screenshot({ path: join(screenshots, 'surveys.png'), fullPage: true });
    await page.context().close();
  });

  it('fits a phone-width screen behind a menu', async () => {
    const page = await signedInPage(tenant.apiKeys.admin, PHONE_WIDTH);
    await page.goto(`${baseUrl}/#/channels`);
    await page.screenshot({ path: join(screenshots, 'channels-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Staff surveys' }).click();
    await page.getByRole('heading', { name: 'Staff surveys' }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(screenshots, 'surveys-phone.png'), fullPage: true });
    await page.context().close();
  });

  it("updates the affected element's score on the open page, without a reload, when a signed webhook lands", async () => {
    const org = await createTenant(api.db, api.secretBox, 'Live scores Co');
    const web = { id: org.sourceId, secret: org.secret };
    const smsSecret = generateSigningSecret();
    const sms = await createSource(api.db, {
      orgId: org.orgId,
      name: 'Text messages',
      channel: 'sms',
      adapter: 'generic',
      secretCiphertext: api.secretBox.seal(smsSecret),
    });

    // The first feedback gives the organisation its first score: one active channel.
    await deliver(web, {
      externalId: 'live-1',
      text: 'Quick delivery, friendly staff.',
      ratings: { nps: 9 },
    });
    await eventually(() => findCurrentScore(api.db, org.orgId, ENTERPRISE_SCOPE), 30_000);

    const page = await signedInPage(org.apiKeys.manager);
    await page.goto(`${baseUrl}/#/scores`);
    const tile = page.locator('[data-element="D5.2"]');
    const points = tile.getByTestId('element-points');
    await points.waitFor();
    await page.getByText('Live: changes appear').waitFor();
    const before = await points.innerText();
    const navigations = watchNavigations(page);
    // A value that only survives if the document is never reloaded.
    await page.evaluate(() => {
      (window as unknown as { stillThisDocument: boolean }).stillThisDocument = true;
    });
    await page.screenshot({ path: join(screenshots, 'scores-live-before.png'), fullPage: true });

    // A second channel starts sending: active feedback channels 1 → 2 moves D5.2 (channel coverage).
    await deliver({ id: sms.id, secret: smsSecret }, { externalId: 'live-2', text: 'Parcel arrived today.' });

    await page.waitForFunction(
      (previous) =>
        document.querySelector('[data-element="D5.2"] [data-testid="element-points"]')?.textContent !==
        previous,
      before,
      { timeout: 30_000 },
    );
    const after = await points.innerText();
    expect(after).not.toBe(before);
    expect(Number.parseFloat(after)).toBeGreaterThan(Number.parseFloat(before));
    expect(await tile.getAttribute('class')).toContain('changed');
    const feed = page.locator('.feed-list');
    await feed.getByText(/D5\.2/).first().waitFor();
    expect(navigations).toEqual([]);
    expect(
      await page.evaluate(() => (window as unknown as { stillThisDocument?: boolean }).stillThisDocument),
    ).toBe(true);
    await page.screenshot({ path: join(screenshots, 'scores-live-after.png'), fullPage: true });
    await page.locator('.feed').screenshot({ path: join(screenshots, 'scores-live-feed.png') });
    await page.setViewportSize({ width: PHONE_WIDTH, height: 900 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(screenshots, 'scores-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // The same data behind the other manager views.
    await tile.click();
    await page.getByTestId('element-detail-points').waitFor();
    await page.screenshot({ path: join(screenshots, 'element-detail.png'), fullPage: true });
    await page.goto(`${baseUrl}/#/trends`);
    await page.getByRole('heading', { name: 'Trends' }).waitFor();
    // One line per channel: only the web feedback carried an NPS; both were read for sentiment.
    const experience = page.locator('.card', {
      has: page.getByRole('heading', { name: 'Customer experience by channel' }),
    });
    const legend = experience.locator('.u-legend .u-label');
    await expect.poll(() => legend.allInnerTexts()).toEqual(['Time', 'web']);
    await experience.getByLabel('Show').selectOption('sentiment');
    await expect.poll(() => legend.allInnerTexts()).toEqual(['Time', 'sms', 'web']);
    await page.screenshot({ path: join(screenshots, 'trends.png'), fullPage: true });
    await page.goto(`${baseUrl}/#/feedback`);
    await page.locator('.feedback-list li').first().waitFor();
    // From today to today means all of today.
    const today = await page.evaluate(() => {
      const now = new Date();
      return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    });
    await page.getByLabel('From', { exact: true }).fill(today);
    await page.getByLabel('To', { exact: true }).fill(today);
    await page.getByLabel('Channel').selectOption('sms');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/channel=sms/);
    await expect
      .poll(() => page.locator('.feedback-list > li').allInnerTexts())
      .toEqual([expect.stringContaining('Parcel arrived today.')]);
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe(today);
    await page.screenshot({ path: join(screenshots, 'feedback-search.png'), fullPage: true });
    await page.context().close();
  });

  it('lets a responder claim the next case, reply to the customer and resolve it', async () => {
    const org = await createTenant(api.db, api.secretBox, 'Case Co');
    const team = await createTeam(api.db, org.orgId, { name: 'Care' });
    const member = await createMember(api.db, org.orgId, {
      name: 'Robin Responder',
      email: 'robin@example.com',
      teamIds: [team.id],
    });
    const key = issueApiKey();
    await createApiKey(api.db, {
      orgId: org.orgId,
      role: 'responder',
      name: 'Robin',
      lookup: key.lookup,
      secretHash: key.secretHash,
      memberId: member.id,
    });

    // Replies go back through the source: a stand-in for the channel's reply endpoint.
    const receiver = await startReplyReceiver();
    const { replies } = receiver;
    try {
      const target = await api.app.inject({
        method: 'PUT',
        url: `/v1/sources/${org.sourceId}/reply-target`,
        headers: { authorization: `Bearer ${org.apiKeys.admin}` },
        payload: { url: receiver.url },
      });
      expect(target.statusCode).toBe(200);

      // A customer threatens to leave and to sue: analysis flags it and opens a case.
      const { id: feedbackId } = await deliver(
        { id: org.sourceId, secret: org.secret },
        {
          externalId: 'case-1',
          customerRef: 'cust-42',
          text: 'Third wrong invoice this year. I am cancelling my account and my lawyer will hear about this.',
          ratings: { nps: 0 },
        },
      );
      const opened = await eventually(
        () =>
          api.db
            .selectFrom('cases')
            .select(['id', 'status'])
            .where('org_id', '=', org.orgId)
            .where('feedback_id', '=', feedbackId)
            .executeTakeFirst(),
        30_000,
      );
      expect(opened.status).toBe('new');

      const page = await signedInPage(key.plaintext);
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      await page.locator(`[data-case="${opened.id}"]`).waitFor();
      await page.screenshot({ path: join(screenshots, 'inbox-with-case.png'), fullPage: true });

      await page.getByRole('button', { name: 'Claim next' }).click();
      await page.waitForURL(`**/#/inbox/${opened.id}`);
      const status = page.getByTestId('case-status');
      await expect.poll(() => status.innerText()).toBe('acknowledged');
      await page.getByText('lawyer will hear about this').waitFor();
      await page.screenshot({ path: join(screenshots, 'case-claimed.png'), fullPage: true });

      await page.getByLabel('Your reply').fill('We are sorry. The invoice is corrected and refunded.');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.locator('.audit').getByText('reply queued').waitFor();
      await eventually(async () => (replies.length > 0 ? true : undefined), 15_000);
      expect(replies[0]).toContain('The invoice is corrected and refunded.');
      // The page follows the delivery, so the next action carries the case's current version.
      await page.locator('.messages').getByText('reply · delivered').waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(screenshots, 'case-replied.png'), fullPage: true });

      await page.getByRole('button', { name: 'Start work' }).click();
      await expect.poll(() => status.innerText()).toBe('in progress');
      await page.getByRole('button', { name: 'Resolve', exact: true }).click();
      await expect.poll(() => status.innerText()).toBe('resolved');
      await page.screenshot({ path: join(screenshots, 'case-resolved.png'), fullPage: true });
      await page.setViewportSize({ width: PHONE_WIDTH, height: 900 });
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(screenshots, 'case-phone.png'), fullPage: true });

      const closed = await api.db
        .selectFrom('cases')
        .select(['status', 'assignee_id', 'first_response_at', 'closed_at'])
        .where('org_id', '=', org.orgId)
        .where('id', '=', opened.id)
        .executeTakeFirstOrThrow();
      expect(closed).toMatchObject({ status: 'resolved', assignee_id: member.id });
      expect(closed.first_response_at).not.toBeNull();
      expect(closed.closed_at).not.toBeNull();
      await page.context().close();
    } finally {
      await receiver.close();
    }
  });

  it('logged no console errors on any page', () => {
    // Chromium logs every non-2xx response; the session check before sign-in (401) and "no score yet" (404)
    // are answers the page shows as sign-in and empty states, not errors.
    const expected = /Failed to load resource: the server responded with a status of (401|404)/;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
