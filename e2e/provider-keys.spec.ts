import { expect, test, type Locator, type Page } from '@playwright/test';
import { e2eEnvironment } from './support/env.js';
import { KEYS, last4 } from './support/keys.js';
import { loadOpenAI } from './support/openai-sdk.js';
import { snap } from './support/screenshots.js';
import { resetStandIns, standInRequests } from './support/stand-ins.js';

/**
 * The BYOK scenario end to end: a signed-in user (storageState from auth.setup.ts) manages their
 * OpenAI key on /settings/provider-keys, then calls the gateway with the official SDK using an
 * API key made on /settings/api-keys, and the provider stand-in sees the user's own key.
 *
 * The steps share the user's server-side state, so they run in order and stop at the first
 * failure; each starts from a fresh page load.
 */
test.describe.configure({ mode: 'serial' });

type Provider = 'openai' | 'anthropic' | 'google';

const card = (page: Page, provider: Provider): Locator => page.getByTestId(`provider-card-${provider}`);

async function openProviderKeys(page: Page): Promise<void> {
  await page.goto('/settings/provider-keys');
  await expect(page.getByRole('heading', { name: 'Provider keys', level: 1 })).toBeVisible();
  // The cards render once the keys have loaded (a skeleton stands in before).
  await expect(card(page, 'openai')).toBeVisible();
}

/** The key must be nowhere the page keeps text: markup, form fields, local or session storage. */
async function expectPlaintextGone(page: Page, secret: string): Promise<void> {
  const withoutLast4 = secret.slice(0, -4);
  const html = await page.content();
  expect(html, 'the page markup holds the plaintext key').not.toContain(withoutLast4);
  const fieldValues = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea'), (field) => field.value).join('\n'),
  );
  expect(fieldValues, 'a form field still holds the plaintext key').not.toContain(withoutLast4);
  const storage = await page.evaluate(() =>
    [window.localStorage, window.sessionStorage]
      .flatMap((store) => Array.from({ length: store.length }, (_, index) => `${store.key(index)}=${store.getItem(store.key(index) ?? '')}`))
      .join('\n'),
  );
  expect(storage, 'local/session storage holds the plaintext key').not.toContain(withoutLast4);
}

async function testConnection(page: Page, provider: Provider): Promise<Locator> {
  await card(page, provider).getByRole('button', { name: 'Test connection' }).click();
  const result = page.getByTestId(`provider-test-result-${provider}`);
  await expect(result).not.toHaveAttribute('data-state', 'testing');
  return result;
}

async function replaceKey(page: Page, provider: 'openai', apiKey: string): Promise<void> {
  await card(page, provider).getByRole('button', { name: 'Replace key' }).click();
  const form = card(page, provider).getByRole('form', { name: 'Replace OpenAI key' });
  await form.getByLabel('OpenAI API key', { exact: true }).fill(apiKey);
  await form.getByRole('button', { name: 'Replace key' }).click();
  await expect(form).toBeHidden();
  await expect(card(page, provider).getByTestId(`provider-notice-${provider}`)).toHaveText('OpenAI key replaced. The old key is no longer stored.');
  await expect(card(page, provider).getByTestId(`provider-masked-key-${provider}`)).toHaveText(new RegExp(`^[•*]+${last4(apiKey)}$`));
}

test('starts with no OpenAI key; Anthropic falls back to the server key', async ({ page }, testInfo) => {
  await openProviderKeys(page);

  await expect(page.getByTestId('provider-keys-security-note')).toContainText('AES-256-GCM');
  for (const provider of ['openai', 'anthropic', 'google'] as const) {
    await expect(card(page, provider).getByTestId(`provider-not-configured-${provider}`)).toHaveText('Not configured');
  }
  // Only Anthropic has a server-level key in this run.
  await expect(card(page, 'anthropic').getByTestId('provider-fallback-anthropic')).toHaveAttribute('data-coverage', 'server-key');
  await expect(card(page, 'anthropic').getByTestId('provider-fallback-anthropic')).toHaveText("No key: requests use the server's key.");
  await expect(card(page, 'openai').getByTestId('provider-fallback-openai')).toHaveAttribute('data-coverage', 'no-key');
  await expect(card(page, 'openai').getByTestId('provider-fallback-openai')).toHaveText('No key: requests to OpenAI will fail — add one.');
  await snap(page, testInfo, '02-provider-keys-empty');
});

test('adds an OpenAI key: only its last 4 characters are shown, and the plaintext is gone', async ({ page }, testInfo) => {
  await openProviderKeys(page);
  const openai = card(page, 'openai');

  await openai.getByRole('button', { name: 'Add key' }).click();
  const form = openai.getByRole('form', { name: 'Add OpenAI key' });
  const input = form.getByLabel('OpenAI API key', { exact: true });
  await expect(input).toBeFocused();
  await expect(input).toHaveAttribute('type', 'password');
  await input.fill(KEYS.openaiFirst);

  // Show/hide: the key can be checked before saving, and is masked again afterwards.
  const visibility = form.getByRole('button', { name: 'Show OpenAI API key' });
  await visibility.click();
  await expect(input).toHaveAttribute('type', 'text');
  await expect(visibility).toHaveAttribute('aria-pressed', 'true');
  await visibility.click();
  await expect(input).toHaveAttribute('type', 'password');
  await snap(page, testInfo, '03-add-openai-key-form');

  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(form).toBeHidden();
  await expect(openai.getByTestId('provider-notice-openai')).toHaveText('OpenAI key saved and encrypted.');
  await expect(openai.getByTestId('provider-masked-key-openai')).toHaveText(/^[•*]+oa01$/);
  await expect(openai.getByTestId('provider-encryption-badge-openai')).toHaveText('Encrypted · AES-256-GCM');
  await expect(openai.getByTestId('provider-fallback-openai')).toHaveText('Your key is used for OpenAI requests.');
  await expect(openai.getByTestId('provider-updated-at-openai')).not.toBeEmpty();
  await expect(openai.getByTestId('provider-last-used-openai')).toHaveText('Never');
  await expect(openai).toHaveAttribute('data-configured', 'true');
  await expectPlaintextGone(page, KEYS.openaiFirst);
  await snap(page, testInfo, '04-openai-key-saved');

  // What a reload shows comes from the server: still masked, still no plaintext.
  await page.reload();
  await expect(openai.getByTestId('provider-masked-key-openai')).toHaveText(/^[•*]+oa01$/);
  await expectPlaintextGone(page, KEYS.openaiFirst);
});

test('Test connection succeeds and shows the latency', async ({ page }, testInfo) => {
  await openProviderKeys(page);

  const result = await testConnection(page, 'openai');
  await expect(result).toHaveAttribute('data-state', 'ok');
  await expect(result).toContainText(/Connected in \d+ ms — OpenAI accepted the key\./);
  await expect(card(page, 'openai')).toContainText(/Last tested\s*just now\s*·\s*passed/i);
  await snap(page, testInfo, '05-test-connection-ok');
});

test("a key OpenAI rejects: the test shows OpenAI's reason and the card is flagged", async ({ page }, testInfo) => {
  await openProviderKeys(page);
  const openai = card(page, 'openai');

  await replaceKey(page, 'openai', KEYS.openaiRejected);
  await expect(openai.getByTestId('provider-rejected-flag-openai')).toBeHidden();

  const result = await testConnection(page, 'openai');
  await expect(result).toHaveAttribute('data-state', 'failed');
  await expect(result).toContainText('OpenAI rejected the request (HTTP 401).');
  await expect(result).toContainText('Incorrect API key');
  await expect(result).toContainText(/After \d+ ms/);
  await expect(openai.getByTestId('provider-rejected-flag-openai')).toHaveText('Rejected by OpenAI');
  await expect(openai.getByTestId('provider-fallback-openai')).toHaveAttribute('data-coverage', 'user-key-rejected');
  await expect(openai).toHaveClass(/card--danger/);
  await expectPlaintextGone(page, KEYS.openaiRejected);
  await snap(page, testInfo, '06-test-connection-rejected');

  // The verdict is stored with the key, so the flag survives a reload.
  await page.reload();
  await expect(openai.getByTestId('provider-rejected-flag-openai')).toBeVisible();
  await expect(openai.getByRole('alert').filter({ hasText: 'The provider rejected this key' })).toBeVisible();
});

test('replacing the rejected key with a good one clears the flag', async ({ page }, testInfo) => {
  await openProviderKeys(page);
  const openai = card(page, 'openai');

  await replaceKey(page, 'openai', KEYS.openaiFirst);
  await expect(openai.getByTestId('provider-rejected-flag-openai')).toBeHidden();
  await expect(openai).not.toHaveClass(/card--danger/);
  await expect(openai.getByTestId('provider-fallback-openai')).toHaveAttribute('data-coverage', 'user-key');

  const result = await testConnection(page, 'openai');
  await expect(result).toHaveAttribute('data-state', 'ok');
  await expectPlaintextGone(page, KEYS.openaiFirst);
  await snap(page, testInfo, '07-openai-key-replaced');
});

test('deleting asks first: Cancel keeps the key, "Delete key" removes it', async ({ page }, testInfo) => {
  await openProviderKeys(page);
  const openai = card(page, 'openai');

  await openai.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete your OpenAI key?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('oa01');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await snap(page, testInfo, '08-delete-confirmation', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(openai.getByTestId('provider-masked-key-openai')).toHaveText(/oa01$/);

  await openai.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete key' }).click();
  await expect(dialog).toBeHidden();
  await expect(openai.getByTestId('provider-notice-openai')).toHaveText('OpenAI key deleted.');
  await expect(openai.getByTestId('provider-not-configured-openai')).toBeVisible();
  await expect(openai.getByTestId('provider-fallback-openai')).toHaveAttribute('data-coverage', 'no-key');
  await snap(page, testInfo, '09-openai-key-deleted');

  await page.reload();
  await expect(openai.getByTestId('provider-not-configured-openai')).toBeVisible();
});

test("an API key made on the page works with the OpenAI SDK, which reaches OpenAI with the user's own key", async ({ page }, testInfo) => {
  const { baseUrl } = e2eEnvironment();
  await openProviderKeys(page);
  const openai = card(page, 'openai');

  // "Test before saving" refuses a key OpenAI rejects, with OpenAI's reason…
  await openai.getByRole('button', { name: 'Add key' }).click();
  const form = openai.getByRole('form', { name: 'Add OpenAI key' });
  await form.getByLabel('OpenAI API key', { exact: true }).fill(KEYS.openaiRejected);
  await form.getByLabel('Test before saving').check();
  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(form.getByTestId('provider-key-error-openai')).toContainText('Incorrect API key');
  await expect(openai.getByTestId('provider-not-configured-openai')).toBeVisible();
  await expectPlaintextGone(page, KEYS.openaiRejected);

  // …and saves one it accepts.
  await form.getByLabel('OpenAI API key', { exact: true }).fill(KEYS.openaiSecond);
  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(form).toBeHidden();
  await expect(openai.getByTestId('provider-masked-key-openai')).toHaveText(/^[•*]+oa02$/);
  await expect(openai.getByTestId('provider-fallback-openai')).toHaveAttribute('data-coverage', 'user-key');
  // It was tested before it was saved, and the card says so.
  await expect(openai).toContainText(/Last tested\s*just now\s*·\s*passed/i);

  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByTestId('api-base-url')).toHaveText(`${baseUrl}/v1`);
  await page.getByLabel('New key name').fill('playwright-sdk');
  await page.getByRole('button', { name: 'Create key' }).click();
  const callout = page.getByTestId('new-api-key-callout');
  await expect(callout).toContainText('Copy it now — you won\'t see it again.');
  const apiKey = (await callout.getByTestId('new-api-key-value').textContent())?.trim() ?? '';
  expect(apiKey).toMatch(/^ur_[A-Za-z0-9_-]{20,}$/);
  await expect(page.getByTestId('api-key-row').filter({ hasText: 'playwright-sdk' })).toContainText('Never');
  await snap(page, testInfo, '10-api-key-created');

  await resetStandIns();
  const OpenAI = await loadOpenAI();
  const client = new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0, timeout: 15_000 });

  const { data: completion, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from Playwright' }] })
    .withResponse();
  expect(completion.choices[0]?.message.content).toBe('Echo: Hello from Playwright');
  expect(response.headers.get('x-uniroute-provider')).toBe('openai');
  expect(response.headers.get('x-uniroute-key-source')).toBe('user');
  const openaiCalls = (await standInRequests('openai')).filter((request) => request.path.endsWith('/chat/completions'));
  expect(openaiCalls.map((request) => request.apiKeyLast4), "the OpenAI stand-in saw the user's key").toEqual([last4(KEYS.openaiSecond)]);

  // Anthropic: the user has no key, so the server's key is used, and the headers say so.
  const { data: claude, response: claudeResponse } = await client.chat.completions
    .create({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'Hello Claude' }] })
    .withResponse();
  expect(claude.choices[0]?.message.content).toBe('Echo: Hello Claude');
  expect(claudeResponse.headers.get('x-uniroute-key-source')).toBe('server');
  const anthropicCalls = (await standInRequests('anthropic')).filter((request) => request.path.endsWith('/messages'));
  expect(anthropicCalls.map((request) => request.apiKeyLast4)).toEqual([last4(KEYS.anthropicServer)]);

  // Shown once: after a reload only the prefix is left, and "Last used" has caught up.
  const row = page.getByTestId('api-key-row').filter({ hasText: 'playwright-sdk' });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 2_000 });
    await expect(row).not.toContainText('Never', { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await expect(page.getByTestId('new-api-key-callout')).toBeHidden();
  expect(await page.content()).not.toContain(apiKey);
  const prefix = (await row.getByTestId('api-key-prefix').innerText()).replace(/…$/, '');
  expect(apiKey.startsWith(prefix), 'the list shows the key\'s prefix').toBe(true);
  expect(prefix.length, 'the prefix is far shorter than the key').toBeLessThan(apiKey.length - 16);
  await snap(page, testInfo, '11-api-keys-after-use');

  // The provider key's "Last used" is marked when the key is chosen, a moment after the API key's at
  // sign-in, and the marks are written every 2 s: one flush can hold the API key's and not yet this one.
  await expect(async () => {
    await openProviderKeys(page);
    await expect(openai.getByTestId('provider-last-used-openai')).not.toHaveText('Never', { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await expect(card(page, 'anthropic').getByTestId('provider-fallback-anthropic')).toHaveText("No key: requests use the server's key.");
  await snap(page, testInfo, '12-provider-keys-in-use');
});
