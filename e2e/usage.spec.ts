import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { UsageGroupBy, UsageReport, UsageRow } from '@uniroute/shared';
import { e2eEnvironment } from './support/env.js';
import { KEYS } from './support/keys.js';
import { expectNoHorizontalOverflow } from './support/layout.js';
import { loadOpenAI } from './support/openai-sdk.js';
import { snap } from './support/screenshots.js';
import { sessionToken } from './support/session.js';

/**
 * §10 on the settings page: traffic made through the gateway (the official SDK, the stand-ins behind it)
 * shows on /settings/usage — totals, the chart's figures (its table), the breakdowns and the latest
 * requests — with exactly the figures the usage API returned to the page, and on the provider cards.
 */
test.describe.configure({ mode: 'serial' });

/** Anthropic has a server key in this run and the user none: these requests bill the server's key. */
const SERVER_MODEL = 'claude-3-5-haiku-latest';
/** Sent with `x-uniroute-provider-key`: key source `request`. */
const REQUEST_MODEL = 'gpt-4o-mini';

const DAY_MS = 24 * 60 * 60 * 1000;

function authHeaders(): Record<string, string> {
  return { authorization: `Bearer ${sessionToken()}` };
}

async function fetchUsage(request: APIRequestContext, groupBy: UsageGroupBy, days = 7): Promise<UsageReport> {
  const to = new Date();
  const from = new Date(to.getTime() - days * DAY_MS);
  const response = await request.get('/admin/usage', {
    headers: authHeaders(),
    params: { groupBy, from: from.toISOString(), to: to.toISOString() },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as UsageReport;
}

function requestsOf(report: UsageReport, key: string): number {
  return report.rows.find((row) => row.key === key)?.requests ?? 0;
}

/** The `/admin/usage` answer the page gets for `groupBy` (the figures it must show). */
function usageAnswer(page: Page, groupBy: UsageGroupBy, predicate: (url: URL) => boolean = () => true): Promise<UsageReport> {
  return page
    .waitForResponse((response) => {
      const url = new URL(response.url());
      return url.pathname === '/admin/usage' && url.searchParams.get('groupBy') === groupBy && response.ok() && predicate(url);
    })
    .then(async (response) => (await response.json()) as UsageReport);
}

const count = (value: number): string => value.toLocaleString('en');

function cell(row: Locator, column: string): Locator {
  return row.locator(`[data-column="${column}"]`);
}

function rowFor(report: UsageReport, instant: number): UsageRow | undefined {
  return report.rows.find((row) => Date.parse(row.key) === instant);
}

test('the Usage page shows what the usage API recorded for gateway traffic', async ({ page, request }, testInfo) => {
  const { baseUrl } = e2eEnvironment();
  const before = await fetchUsage(request, 'model');

  const created = await request.post('/admin/api-keys', { headers: authHeaders(), data: { name: 'playwright-usage' } });
  expect(created.status()).toBe(201);
  const { key: apiKey } = (await created.json()) as { key: string };
  const OpenAI = await loadOpenAI();
  const client = new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0, timeout: 15_000 });
  for (const content of ['Usage one', 'Usage two']) {
    const { response } = await client.chat.completions
      .create({ model: SERVER_MODEL, max_tokens: 32, messages: [{ role: 'user', content }] })
      .withResponse();
    expect(response.headers.get('x-uniroute-key-source')).toBe('server');
  }
  const { response: perRequest } = await client.chat.completions
    .create({ model: REQUEST_MODEL, messages: [{ role: 'user', content: 'Usage three' }] }, { headers: { 'x-uniroute-provider-key': KEYS.openaiFirst } })
    .withResponse();
  expect(perRequest.headers.get('x-uniroute-key-source')).toBe('request');

  // Recorded off the hot path: wait until the log has them.
  await expect
    .poll(async () => (await fetchUsage(request, 'model')).totals.requests, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(before.totals.requests + 3);
  const after = await fetchUsage(request, 'model');
  expect(requestsOf(after, SERVER_MODEL)).toBeGreaterThanOrEqual(requestsOf(before, SERVER_MODEL) + 2);

  const dayAnswer = usageAnswer(page, 'day', (url) => url.searchParams.get('splitBy') === 'keySource');
  const modelAnswer = usageAnswer(page, 'model');
  const keySourceAnswer = usageAnswer(page, 'keySource');
  await page.goto('/settings/usage');
  await expect(page.getByRole('heading', { name: 'Usage', level: 1 })).toBeVisible();
  const [day, byModel, byKeySource] = await Promise.all([dayAnswer, modelAnswer, keySourceAnswer]);
  expect(day.totals.requests).toBeGreaterThanOrEqual(after.totals.requests);

  // Totals as the API summed them.
  await expect(page.getByTestId('usage-total-requests')).toHaveText(count(day.totals.requests));
  await expect(page.getByTestId('usage-total-tokens')).toHaveText(count(day.totals.promptTokens + day.totals.completionTokens));

  // The chart, and its figures as a table: today's bar is the API's row for today.
  await expect(page.getByTestId('usage-chart-canvas')).toHaveAttribute('role', 'img');
  await page.getByText("Show the chart's figures as a table").click();
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const todayRow = page.locator(`[data-testid="usage-chart-row"][data-bucket="${new Date(today).toISOString()}"]`);
  const todayFigures = rowFor(day, today);
  expect(todayFigures, 'the API has a row for today').toBeDefined();
  await expect(cell(todayRow, 'requests')).toHaveText(count(todayFigures!.requests));
  await expect(page.getByTestId('usage-chart-row')).toHaveCount(8);
  // Stacked by key source: today's server-key and per-request-key parts as the API split them.
  await expect(page.getByTestId('usage-chart-unsplit')).toHaveCount(0);
  for (const source of ['server', 'request']) {
    const part = todayFigures!.split?.find((entry) => entry.key === source);
    expect(part, `the API splits today's ${source} requests`).toBeDefined();
    await expect(todayRow.locator(`[data-source="${source}"]`)).toHaveText(count(part!.requests));
  }

  // By model and by key source: each row and the totals as the API answered.
  const modelTable = page.getByTestId('usage-by-model');
  const serverModelRow = modelTable.locator(`[data-testid="usage-by-model-row"][data-key="${SERVER_MODEL}"]`);
  await expect(cell(serverModelRow, 'requests')).toHaveText(count(requestsOf(byModel, SERVER_MODEL)));
  await expect(cell(page.getByTestId('usage-by-model-totals'), 'requests')).toHaveText(count(byModel.totals.requests));
  for (const source of ['server', 'request']) {
    const row = page.locator(`[data-testid="usage-by-key-source-row"][data-key="${source}"]`);
    expect(requestsOf(byKeySource, source)).toBeGreaterThan(0);
    await expect(cell(row, 'requests')).toHaveText(count(requestsOf(byKeySource, source)));
  }
  await expect(page.getByTestId('usage-by-api-key')).toContainText('playwright-usage');

  // Latest requests, newest first: the per-request call came last.
  const latest = page.getByTestId('usage-request-row');
  await expect(latest.first()).toContainText(REQUEST_MODEL);
  await expect(cell(latest.first(), 'keySource')).toHaveText('Per-request key');
  await expect(cell(latest.nth(1), 'keySource')).toHaveText('Server key');
  await snap(page, testInfo, '22-usage');

  // Another range: the page asks again, by hour, and shows that answer.
  const hourAnswer = usageAnswer(page, 'hour');
  await page.getByTestId('usage-range-24h').click();
  const hour = await hourAnswer;
  await expect(page.getByTestId('usage-total-requests')).toHaveText(count(hour.totals.requests));
  await expect(page.getByRole('heading', { name: 'Last 24 hours' })).toBeVisible();
});

test("each provider card shows its last 24 h and 30 days from the usage API", async ({ page }, testInfo) => {
  const spanDays = (url: URL): number => (Date.parse(url.searchParams.get('to') ?? '') - Date.parse(url.searchParams.get('from') ?? '')) / DAY_MS;
  const dayAnswer = usageAnswer(page, 'provider', (url) => Math.round(spanDays(url)) === 1);
  const monthAnswer = usageAnswer(page, 'provider', (url) => Math.round(spanDays(url)) === 30);
  await page.goto('/settings/provider-keys');
  const [day, month] = await Promise.all([dayAnswer, monthAnswer]);
  expect(requestsOf(day, 'anthropic')).toBeGreaterThanOrEqual(2);

  const anthropic = page.getByTestId('provider-card-anthropic');
  await expect(anthropic.getByTestId('provider-usage-24h-anthropic').locator('[data-figure="requests"]')).toHaveText(
    `${count(requestsOf(day, 'anthropic'))} requests`,
  );
  await expect(anthropic.getByTestId('provider-usage-30d-anthropic').locator('[data-figure="requests"]')).toHaveText(
    `${count(requestsOf(month, 'anthropic'))} requests`,
  );
  await expect(anthropic.getByTestId('provider-usage-30d-anthropic')).toContainText('estimated');
  await snap(page, testInfo, '23-provider-keys-usage');
});

test('the Usage page fits a phone screen', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/settings/usage');
  await expect(page.getByTestId('usage-by-model')).toBeVisible();
  await page.getByText("Show the chart's figures as a table").click();
  await expect(page.getByTestId('usage-chart-row').first()).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '24-phone-usage');
});
