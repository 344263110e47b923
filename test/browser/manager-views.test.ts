/// <reference lib="dom" />

import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAggregateProcessor, createScoreProcessor } from '@cxloop/aggregation-worker';
import { createAnalyzeProcessor } from '@cxloop/analysis-worker';
import type { FeedbackBatchJob } from '@cxloop/contracts';
import { createUnit, ENTERPRISE_SCOPE, findCurrentScore } from '@cxloop/db';
import { createAggregateQueue, redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/accessibility.js';
import {
  buildDashboard,
  chromiumInstalled,
  launchChromium,
  screenshots,
  signInWithKey,
} from '../support/browser.js';
import {
  createTenant,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * A manager's working day in a real browser: switching unit, comparing periods, following an indicator to
 * its feedback, searching words, exporting a list, reading survey waves; axe-core on every view.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DAY_MS = 86_400_000;

const FEEDBACK = [
  {
    unit: 'north',
    text: 'I asked for a refund three weeks ago and the broken bookcase is still in my hall.',
    nps: 2,
  },
  { unit: 'north', text: 'The refund came quickly, thank you.', nps: 9 },
  { unit: 'south', text: 'The new bookcase is lovely and the fitter was friendly.', nps: 10 },
  { unit: 'south', text: 'Delivery was late twice and nobody called me back.', nps: 4 },
  { unit: 'south', text: 'Great staff in the store, easy parking.', nps: 9 },
];

describe.skipIf(!chromiumInstalled)('manager views in a browser', { timeout: 90_000 }, () => {
  let api: TestApi;
  let tenant: TestTenant;
  let baseUrl: string;
  let browser: Browser;
  let surveyWave2: string;
  /** "+4.8 points": the enterprise's change since the score recorded three weeks ago, as the page says it. */
  let expectedChange: RegExp;
  const consoleErrors: string[] = [];

  /** Runs the pipeline's steps in order, as the workers would: analyse, count into rollups, score. */
  async function scoreFeedback(ids: string[]) {
    const aggregateQueue = createAggregateQueue({ connection: redisOptions(redisUrl), prefix: api.prefix });
    const redis = new Redis(redisOptions(redisUrl));
    try {
      const job = { data: { feedbackIds: ids, orgId: tenant.orgId } } as Job<FeedbackBatchJob>;
      await createAnalyzeProcessor({ db: api.db, aggregateQueue })(job);
      await createAggregateProcessor({ db: api.db, scoreQueue: api.scoreQueue })(job);
      await createScoreProcessor({ db: api.db, redis, prefix: api.prefix })({
        data: { orgId: tenant.orgId },
      } as Job);
    } finally {
      await aggregateQueue.obliterate({ force: true });
      await aggregateQueue.close();
      redis.disconnect();
    }
  }

  const call = (method: 'GET' | 'POST', url: string, payload?: object, key = tenant.apiKeys.admin) =>
    api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload ? { payload } : {}),
    });

  /** One wave of a survey series, answered by `people` staff (each answer `answer`), then closed. */
  async function surveyWave(answer: number, people: number): Promise<string> {
    const created = await call('POST', '/v1/surveys', {
      name: 'Customer insight survey',
      template: { kind: 'framework', dimensions: [], elements: ['D5.1', 'D6.1'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const survey = created.json() as { id: string; questions: { key: string; kind: string }[] };
    await call('POST', `/v1/surveys/${survey.id}/open`);
    const links = (await call('POST', `/v1/surveys/${survey.id}/invitations`, { count: people })).json() as {
      invitations: { token: string }[];
    };
    for (const { token } of links.invitations) {
      const answered = await api.app.inject({
        method: 'POST',
        url: `/v1/survey-invitations/${token}/response`,
        payload: {
          answers: survey.questions.map((question) => ({
            question: question.key,
            answer: question.kind === 'objective' ? 'partially' : answer,
          })),
        },
      });
      expect(answered.statusCode, answered.body).toBeLessThan(300);
    }
    await call('POST', `/v1/surveys/${survey.id}/close`);
    return survey.id;
  }

  beforeAll(async () => {
    await buildDashboard();
    api = await startTestApi();
    tenant = await createTenant(api.db, api.secretBox, 'Furniture Co');
    await createUnit(api.db, tenant.orgId, { key: 'north', name: 'Northern stores' });
    await createUnit(api.db, tenant.orgId, { key: 'south', name: 'Southern stores' });
    const ids: string[] = [];
    for (const [index, feedback] of FEEDBACK.entries()) {
      const accepted = await postSigned(api.app, tenant, {
        externalId: `furniture-${index}`,
        text: feedback.text,
        unit: feedback.unit,
        ratings: { nps: feedback.nps },
      });
      expect(accepted.statusCode, accepted.body).toBe(202);
      ids.push(accepted.json().id);
    }
    await scoreFeedback(ids);
    const current = await findCurrentScore(api.db, tenant.orgId, ENTERPRISE_SCOPE);
    if (!current) throw new Error('the pipeline scored nothing');
    // Three weeks ago the organisation stood at half its score: the history a comparison reads.
    const earlier = Math.round(current.total * 5) / 10;
    const change = (current.total - earlier).toFixed(1).replace(/\.0$/, '');
    expectedChange = new RegExp(`^\\+${change.replace('.', '\\.')} points`);
    await api.db
      .insertInto('score_history')
      .values({
        org_id: tenant.orgId,
        scope: ENTERPRISE_SCOPE,
        recorded_at: new Date(Date.now() - 21 * DAY_MS),
        total: earlier,
        stage: 'ignore',
        elements: JSON.stringify({}),
        diff: null,
      })
      .execute();
    await surveyWave(2, 5);
    surveyWave2 = await surveyWave(4, 5);

    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(screenshots, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const managerPage = () => signInWithKey(browser, baseUrl, tenant.apiKeys.manager, consoleErrors);

  async function expectAccessible(page: Page) {
    expect(await seriousViolations(page)).toEqual([]);
  }

  it('switches unit on Scores and compares two periods, every stage named', async () => {
    const page = await managerPage();
    await page.goto(`${baseUrl}/#/scores`);
    await page.getByTestId('total').waitFor();
    // Since last week (the default): the lower score in force then, three weeks ago, against now.
    await expect.poll(() => page.getByTestId('comparison-total').innerText()).toMatch(expectedChange);
    // A month ago there was no score yet: nothing to compare with, said as such.
    await page.getByTestId('compare-period').selectOption('month');
    await page.getByText(/nothing to compare with/).waitFor();
    // Two chosen dates.
    await page.getByTestId('compare-period').selectOption('custom');
    const day = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(day(20 * DAY_MS));
    await page.getByLabel('To', { exact: true }).fill(day(0));
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/compareFrom=/);
    await expect.poll(() => page.getByTestId('comparison-total').innerText()).toMatch(expectedChange);
    // The stage ladder is the colours' legend; the confidence says what it means.
    await page.getByText('Stages: what the colours mean').click();
    await page.getByTestId('stage-ladder').getByText('Embed').waitFor();
    expect(await page.getByTestId('confidence').first().innerText()).toMatch(/how much evidence/);
    await page.screenshot({ path: join(screenshots, 'manager-scores-compare.png'), fullPage: true });
    await expectAccessible(page);

    await page.getByTestId('unit-picker').selectOption({ label: 'Northern stores' });
    await page.waitForURL(/scope=/);
    await page.getByTestId('total').waitFor();
    expect(await page.getByTestId('unit-picker').locator('option:checked').innerText()).toBe(
      'Northern stores',
    );
    expect(await page.locator('main').innerText()).not.toMatch(UUID);
    await page.screenshot({ path: join(screenshots, 'manager-scores-unit.png'), fullPage: true });
    await page.context().close();
  });

  it('follows an indicator to the feedback behind it', async () => {
    const page = await managerPage();
    await page.goto(`${baseUrl}/#/scores/D5.2`);
    const evidence = page.getByTestId('evidence-feedback').first();
    await evidence.waitFor();
    await page.screenshot({ path: join(screenshots, 'manager-element-detail.png'), fullPage: true });
    await expectAccessible(page);
    await evidence.click();
    await page.waitForURL(/#\/feedback\?from=/);
    await expect.poll(() => page.getByTestId('feedback-total').innerText()).toMatch(/^5 feedback/);
    await page.screenshot({ path: join(screenshots, 'manager-evidence-feedback.png'), fullPage: true });
    await page.context().close();
  });

  it('searches two words apart, picks filters by name and exports the list as CSV', async () => {
    const page = await managerPage();
    await page.goto(`${baseUrl}/#/feedback`);
    await page.getByTestId('feedback-total').waitFor();
    await page.getByLabel('Search words').fill('refund bookcase');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(() => page.locator('.feedback-list > li').allInnerTexts())
      .toEqual([expect.stringContaining('the broken bookcase is still in my hall')]);
    expect(await page.getByTestId('feedback-total').innerText()).toMatch(/^1 feedback/);
    // Units by the name people know them by; the list agrees with the count.
    await page.getByLabel('Search words').fill('');
    await page.getByLabel('Unit').selectOption({ label: 'Southern stores' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/unit=south/);
    await expect.poll(() => page.locator('.feedback-list > li').count()).toBe(3);
    expect(await page.getByTestId('feedback-total').innerText()).toMatch(/^3 feedback/);
    // Nothing in these texts was personal: no "redacted" note on any of them.
    expect(await page.locator('.feedback-list').innerText()).not.toContain('personal data redacted');
    await page.screenshot({ path: join(screenshots, 'manager-feedback-search.png'), fullPage: true });
    await expectAccessible(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('feedback-export').click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^occurred_at,/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((line) => line.includes(',Southern stores,'))).toBe(true);
    await page.context().close();
  });

  it('shows Trends by name, never by id', async () => {
    const page = await managerPage();
    await page.goto(`${baseUrl}/#/trends`);
    await page.getByRole('heading', { name: 'Units against the enterprise' }).waitFor();
    await page.getByRole('link', { name: 'Northern stores' }).waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(UUID);
    await page.screenshot({ path: join(screenshots, 'manager-trends.png'), fullPage: true });
    await expectAccessible(page);
    await page.context().close();
  });

  it('groups survey results by dimension and element and compares the wave with the previous one', async () => {
    const page = await managerPage();
    await page.goto(`${baseUrl}/#/surveys/${surveyWave2}`);
    const results = page.getByTestId('survey-results');
    await results.getByRole('heading', { name: 'D5 Discover' }).waitFor();
    await results.getByRole('heading', { name: 'D6 Devise' }).waitFor();
    await results.getByTestId('results-legend').getByText('Strongly agree').waitFor();
    await page.screenshot({ path: join(screenshots, 'manager-survey-grouped.png'), fullPage: true });
    await expectAccessible(page);

    await results.getByTestId('results-view').selectOption('waves');
    const comparison = results.getByTestId('wave-comparison').first();
    await comparison.waitFor();
    expect(await comparison.locator('thead').innerText()).toMatch(/Wave 1\s+Wave 2/);
    // Every statement went from 2 to 4.
    expect(await comparison.locator('tbody tr').first().innerText()).toMatch(/\+2 \(up\)/);
    await page.screenshot({ path: join(screenshots, 'manager-survey-waves.png'), fullPage: true });
    await expectAccessible(page);
    await page.context().close();
  });

  it('asks before closing a survey, and keeps it open when told to', async () => {
    const created = await call('POST', '/v1/surveys', {
      name: 'Quarterly pulse',
      template: { kind: 'framework', dimensions: [], elements: ['D5.1'] },
    });
    const surveyId = created.json().id as string;
    await call('POST', `/v1/surveys/${surveyId}/open`);
    const page = await signInWithKey(browser, baseUrl, tenant.apiKeys.admin, consoleErrors);
    await page.goto(`${baseUrl}/#/surveys/${surveyId}`);
    await page.getByRole('button', { name: 'Close survey…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('cannot be undone').waitFor();
    // Focus rests on the safe choice, so Enter does not close the survey by accident.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it open');
    await expectAccessible(page);
    await page.screenshot({ path: join(screenshots, 'survey-close-confirmation.png'), fullPage: true });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect((await call('GET', `/v1/surveys/${surveyId}`)).json().status).toBe('open');
    await page.getByRole('button', { name: 'Close survey…' }).click();
    await page.getByRole('button', { name: 'Close the survey' }).click();
    await page.getByText(/wave 1 · closed/).waitFor();
    expect((await call('GET', `/v1/surveys/${surveyId}`)).json().status).toBe('closed');
    await page.context().close();
  });

  it('logged no console errors on any page', () => {
    // Chromium logs every non-2xx response: the session check before sign-in (401) is the sign-in page.
    const signInProbe = /Failed to load resource: the server responded with a status of 401/;
    expect(consoleErrors.filter((text) => !signInProbe.test(text))).toEqual([]);
  });
});
