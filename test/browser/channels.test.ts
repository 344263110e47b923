/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDashboard,
  chromiumInstalled,
  launchChromium,
  screenshots,
  signInWithKey,
} from '../support/browser.js';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';
import { twilioInboundSms } from '../support/vendor-payloads.js';

/** What the admin types into the Connect form for each vendor, by the form's own labels. */
const CONNECTIONS: readonly { vendor: string; adapter: string; fill: Record<string, string> }[] = [
  { vendor: 'Twilio SMS', adapter: 'twilio', fill: { 'Auth Token': 'twilio-auth-token-0123456789' } },
  {
    vendor: 'Mailgun inbound email',
    adapter: 'mailgun',
    fill: { 'HTTP webhook signing key': 'key-mailgun-0123456789abcdef' },
  },
  { vendor: 'Zendesk', adapter: 'zendesk', fill: { 'Webhook signing secret': 'zendesk-secret-0123456789' } },
  { vendor: 'Intercom', adapter: 'intercom', fill: { 'App client secret': 'intercom-secret-0123456789' } },
  {
    vendor: 'SurveyMonkey',
    adapter: 'surveymonkey',
    fill: {
      'App client secret': 'surveymonkey-secret-0123',
      'App client ID': 'sm-client-id-42',
      'Access token': 'surveymonkey-access-token-0123',
    },
  },
  { vendor: 'Delighted', adapter: 'delighted', fill: { 'API key': 'delighted-api-key-0123456789' } },
  {
    vendor: 'HubSpot feedback surveys',
    adapter: 'hubspot',
    fill: { 'App client secret': 'hubspot-client-secret-0123', 'Access token': 'pat-eu1-hubspot-token-0123' },
  },
  {
    vendor: 'Qualtrics',
    adapter: 'qualtrics',
    fill: { 'Datacenter ID': 'fra1', 'API token': 'qualtrics-api-token-0123' },
  },
  { vendor: 'Typeform', adapter: 'typeform', fill: {} },
  { vendor: 'Our JSON webhook (any system)', adapter: 'generic', fill: {} },
];

/** A vendor's key as its rotation form asks for it ("New <label>"); none where cxloop issues the secret. */
const ROTATED_KEY: Readonly<Record<string, { label: string; value: string } | undefined>> = {
  twilio: { label: 'New Auth Token', value: 'twilio-rotated-token-0123456789' },
  mailgun: { label: 'New HTTP webhook signing key', value: 'key-mailgun-rotated-0123456789' },
  zendesk: { label: 'New Webhook signing secret', value: 'zendesk-rotated-secret-0123' },
  intercom: { label: 'New App client secret', value: 'intercom-rotated-secret-0123' },
  surveymonkey: { label: 'New App client secret', value: 'surveymonkey-rotated-secret-0123' },
  delighted: { label: 'New API key', value: 'delighted-rotated-key-0123456789' },
  hubspot: { label: 'New App client secret', value: 'hubspot-rotated-secret-0123' },
};

describe.skipIf(!chromiumInstalled)('connecting channels from the dashboard', { timeout: 90_000 }, () => {
  let api: TestApi;
  let tenant: TestTenant;
  let baseUrl: string;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboard();
    api = await startTestApi();
    tenant = await createTenant(api.db, api.secretBox, 'Channels Co');
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  async function connect(page: Page, connection: (typeof CONNECTIONS)[number]) {
    await page.goto(`${baseUrl}/#/channels`);
    await page.getByLabel('Vendor').selectOption({ label: connection.vendor });
    await page.getByLabel('Name').fill(`${connection.vendor} channel`);
    for (const [label, value] of Object.entries(connection.fill)) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(`${connection.vendor} channel is ready`).waitFor();
  }

  it('connects every vendor with the fields its adapter declares', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.admin, consoleErrors);
    for (const connection of CONNECTIONS) await connect(page, connection);
    await page.screenshot({ path: join(screenshots, 'channels-connected-all.png'), fullPage: true });
    const listed = await api.app.inject({
      method: 'GET',
      url: '/v1/sources',
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    const connected = listed
      .json()
      .sources.filter((source: { name: string }) => source.name.endsWith(' channel'));
    const adapters = connected.map((source: { adapter: string }) => source.adapter);
    expect(adapters.sort()).toEqual(CONNECTIONS.map((connection) => connection.adapter).sort());
    const surveyMonkey = connected.find((source: { adapter: string }) => source.adapter === 'surveymonkey');
    expect(surveyMonkey.adapterConfig).toEqual({ clientId: 'sm-client-id-42', region: 'us' });
    await page.context().close();
  });

  it('verifies Twilio with the key pasted into the form, and with the key a rotation pasted', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.admin, consoleErrors);
    const token = 'twilio-first-token-0123456789';
    await connect(page, { vendor: 'Twilio SMS', adapter: 'twilio', fill: { 'Auth Token': token } });
    const webhookUrl = (await page.getByTestId('webhook-url').textContent()) ?? '';
    const deliver = async (key: string, sid: string) => {
      const params = twilioInboundSms({ MessageSid: sid, SmsSid: sid });
      return fetch(new URL(new URL(webhookUrl).pathname, baseUrl), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(key, webhookUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
    };
    expect((await deliver(token, `SM${'1'.repeat(32)}`)).status).toBe(200);

    await page.getByRole('link', { name: /delivery log/ }).click();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = 'twilio-second-token-0123456789';
    await page.getByLabel('New Auth Token').fill(rotated);
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByText('The new key verifies now').waitFor();
    expect((await deliver(rotated, `SM${'2'.repeat(32)}`)).status).toBe(200);
    expect((await deliver('not-a-key-of-this-source', `SM${'3'.repeat(32)}`)).status).toBe(401);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByTestId('delivery-log').locator('tbody tr').count()).toBe(3);
    await page.screenshot({ path: join(screenshots, 'channel-rotated.png'), fullPage: true });
    await page.context().close();
  });

  it('sends a test event for every vendor, rotates its secret, and the next test signs with the new one', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.admin, consoleErrors);
    /** Sends a test and waits until the delivery log holds `count` tests: the notice is then this test's. */
    const sendTest = async (count: number) => {
      await page.getByRole('button', { name: 'Send test event' }).click();
      await expect
        .poll(async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return page.getByTestId('delivery-log').locator('tbody tr', { hasText: 'test event' }).count();
        })
        .toBe(count);
      return (await page.getByTestId('test-delivery').textContent()) ?? '';
    };
    for (const connection of CONNECTIONS) {
      await connect(page, connection);
      await page.getByRole('link', { name: /delivery log/ }).click();
      expect(await sendTest(1), connection.adapter).toMatch(/^Test event delivered/);

      await page.getByRole('button', { name: 'Rotate secret' }).click();
      const key = ROTATED_KEY[connection.adapter];
      if (key) await page.getByLabel(key.label).fill(key.value);
      await page.getByRole('button', { name: 'Rotate', exact: true }).click();
      await (key ? page.getByText('The new key verifies now') : page.getByTestId('signing-secret')).waitFor();
      expect(await sendTest(2), `${connection.adapter} after rotation`).toMatch(/^Test event delivered/);
    }
    await page.screenshot({ path: join(screenshots, 'channel-test-event-rotated.png'), fullPage: true });
    // The rotation stored each vendor's new key: the source now signs tests with it and records the change.
    const listed = await api.app.inject({
      method: 'GET',
      url: '/v1/sources',
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
    });
    const rotated = listed
      .json()
      .sources.filter((source: { secretRotatedAt: string | null }) => source.secretRotatedAt !== null);
    expect(rotated.length).toBeGreaterThanOrEqual(CONNECTIONS.length);
    await page.context().close();
  });

  it('sets where replies to a channel’s customers go, showing their signing secret once', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.admin, consoleErrors);
    await connect(page, {
      vendor: 'Intercom',
      adapter: 'intercom',
      fill: { 'App client secret': 'i'.repeat(16) },
    });
    await page.getByRole('link', { name: /delivery log/ }).click();
    await page.getByText('No reply target').waitFor();
    await page.getByLabel('Reply URL').fill('https://replies.example.com/cxloop');
    await page.getByRole('button', { name: 'Save reply target' }).click();
    const secret = (await page.getByTestId('reply-signing-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByText("Responders' replies are sent to https://replies.example.com/cxloop").waitFor();
    await page.screenshot({ path: join(screenshots, 'channel-reply-target.png'), fullPage: true });
    await page.context().close();
  });

  it('refuses a vendor source without the vendor’s key, saying which field', async () => {
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.admin, consoleErrors);
    await page.goto(`${baseUrl}/#/channels`);
    await page.getByLabel('Vendor').selectOption({ label: 'Zendesk' });
    await page.getByLabel('Name').fill('No key');
    // The browser's own required check stops the form before the API is asked.
    await page.getByRole('button', { name: 'Connect' }).click();
    expect(
      await page
        .getByLabel('Webhook signing secret')
        .evaluate((input) => (input as HTMLInputElement).validity.valid),
    ).toBe(false);
    await page.context().close();
  });

  it('logged no console errors on any page', () => {
    // The sign-in page's session probe (401) and empty lists (404) are answers the page shows, not errors.
    const expected = /Failed to load resource: the server responded with a status of 40[14]/;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
