import { expect, test, type Locator, type Page } from '@playwright/test';
import { KEYS } from './support/keys.js';
import { snap } from './support/screenshots.js';
import { failNextRequestWithKey } from './support/stand-ins.js';

/**
 * §8 on the settings page: a key Anthropic rejects shows its health (state and why) on the card and in
 * Activity, survives a reload, and clears after a successful connection test. Leaves the account as it
 * found it (no Anthropic key, default policy): provider-keys.spec expects Anthropic unconfigured.
 */
test.describe.configure({ mode: 'serial' });

/** A key the stand-ins accept that no other spec stores. */
const ANTHROPIC_KEY = 'sk-ant-api03-stand-in-demo-key-an02';

const card = (page: Page): Locator => page.getByTestId('provider-card-anthropic');

async function openProviderKeys(page: Page): Promise<void> {
  await page.goto('/settings/provider-keys');
  await expect(card(page)).toBeVisible();
}

async function testConnection(page: Page): Promise<Locator> {
  await card(page).getByRole('button', { name: 'Test connection' }).click();
  const result = page.getByTestId('provider-test-result-anthropic');
  await expect(result).not.toHaveAttribute('data-state', 'testing');
  return result;
}

test('a rejected key shows its state and why, and clears after a successful test', async ({ page }, testInfo) => {
  expect(ANTHROPIC_KEY).not.toBe(KEYS.anthropicServer);
  await openProviderKeys(page);
  const anthropic = card(page);

  // The policy can be chosen before any key is stored.
  const policy = anthropic.getByTestId('provider-policy-select-anthropic');
  await policy.selectOption('byok_only');
  await expect(anthropic.getByTestId('provider-fallback-anthropic')).toContainText("never uses the server's key");
  await page.reload();
  await expect(card(page).getByTestId('provider-policy-select-anthropic')).toHaveValue('byok_only');

  await anthropic.getByRole('button', { name: 'Add key' }).click();
  const form = anthropic.getByRole('form', { name: 'Add Anthropic key' });
  await form.getByLabel('Anthropic API key', { exact: true }).fill(ANTHROPIC_KEY);
  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(form).toBeHidden();
  await expect(anthropic.getByTestId('provider-health-anthropic')).toHaveAttribute('data-health', 'unverified');

  // Anthropic refuses the key once: the card says so, why, and that requests fail under byok_only.
  await failNextRequestWithKey('anthropic', ANTHROPIC_KEY, 401);
  await expect(await testConnection(page)).toHaveAttribute('data-state', 'failed');
  await expect(anthropic.getByTestId('provider-rejected-flag-anthropic')).toHaveText('Rejected by Anthropic');
  await expect(anthropic.getByTestId('provider-health-reason-anthropic')).toHaveText('Anthropic rejected this key (HTTP 401) on a connection test.');
  await expect(anthropic.getByTestId('provider-fallback-anthropic')).toHaveAttribute('data-coverage', 'user-key-rejected');
  await expect(anthropic).toHaveClass(/card--danger/);
  await snap(page, testInfo, '20-key-health-rejected');

  // Kept on the server: a reload shows the same state, and Activity lists the change.
  await page.reload();
  await expect(card(page).getByTestId('provider-rejected-flag-anthropic')).toBeVisible();
  const activity = page.getByTestId('audit-activity');
  await expect(activity.locator('[data-action="provider_key.health_changed"]').first()).toContainText('Anthropic: unverified → rejected');

  // The next test succeeds: the state clears.
  await expect(await testConnection(page)).toHaveAttribute('data-state', 'ok');
  await expect(card(page).getByTestId('provider-health-anthropic')).toHaveAttribute('data-health', 'ok');
  await expect(card(page).getByTestId('provider-rejected-flag-anthropic')).toBeHidden();
  await expect(card(page)).not.toHaveClass(/card--danger/);
  await expect(card(page).getByTestId('provider-fallback-anthropic')).toHaveAttribute('data-coverage', 'user-key');
  await snap(page, testInfo, '21-key-health-cleared');

  // Back as provider-keys.spec expects it.
  await card(page).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete your Anthropic key?' }).getByRole('button', { name: 'Delete key' }).click();
  await expect(card(page).getByTestId('provider-not-configured-anthropic')).toBeVisible();
  await card(page).getByTestId('provider-policy-select-anthropic').selectOption('byok_then_server');
  await expect(card(page).getByTestId('provider-fallback-anthropic')).toHaveAttribute('data-coverage', 'server-key');
});
