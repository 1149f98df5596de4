import { expect, test } from '@playwright/test';
import { KEYS } from './support/keys.js';
import { expectNoHorizontalOverflow } from './support/layout.js';
import { snap } from './support/screenshots.js';
import { sessionToken } from './support/session.js';

/** A phone in portrait (iPhone 12–15 width). */
test.use({ viewport: { width: 390, height: 844 } });

test('the provider-keys page fits a phone screen', async ({ page, request }, testInfo) => {
  // A configured card (masked key, badge, switch) next to empty ones, arranged through the API.
  const headers = { authorization: `Bearer ${sessionToken()}` };
  const created = await request.post('/admin/provider-keys', { headers, data: { provider: 'google', apiKey: KEYS.google } });
  expect(created.status()).toBe(201);
  try {
    await page.goto('/settings/provider-keys');
    const google = page.getByTestId('provider-card-google');
    await expect(google.getByTestId('provider-masked-key-google')).toHaveText(/gg01$/);
    await expect(page.getByTestId('provider-fallback-anthropic')).toContainText("server's key");
    await expectNoHorizontalOverflow(page);
    await snap(page, testInfo, '15-phone-provider-keys');

    await google.getByRole('button', { name: 'Replace key' }).click();
    await expect(google.getByRole('form', { name: 'Replace Google Gemini key' })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await snap(page, testInfo, '16-phone-provider-keys-replace-form');
  } finally {
    const deleted = await request.delete('/admin/provider-keys/google', { headers });
    expect(deleted.status()).toBe(204);
  }
});

test('the API-keys page fits a phone screen, new-key callout included', async ({ page }, testInfo) => {
  await page.goto('/settings/api-keys');
  await page.getByLabel('New key name').fill('phone');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-api-key-value')).toHaveText(/^ur_/);
  await expect(page.getByTestId('api-key-row').filter({ hasText: 'phone' })).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '17-phone-api-keys');
});

test('the Users and Account pages fit a phone screen', async ({ page }, testInfo) => {
  // The run's user registered first, so it is the admin and sees the Users page.
  await page.goto('/settings/users');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.getByTestId('user-row').first()).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '18-phone-users');

  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '19-phone-account');
});
