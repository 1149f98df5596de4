import { expect, test as setup } from '@playwright/test';
import { e2eEnvironment } from './support/env.js';
import { AUTH_FILE } from './support/paths.js';
import { snap } from './support/screenshots.js';

/**
 * Registers the run's user through the page, as a person would, and saves the signed-in browser
 * state (the SPA keeps its session in localStorage `uniroute.session`) for the other tests.
 */
setup('register through the page and keep the session', async ({ page }, testInfo) => {
  const { userEmail, userPassword } = e2eEnvironment();

  await page.goto('/register');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  // The database is empty: this first account becomes the admin (§12), and the page says so.
  await expect(page.getByTestId('register-first-account')).toContainText('it will be the administrator');
  await page.getByLabel('Email').fill(userEmail);
  await page.getByLabel('Password').fill(userPassword);
  await snap(page, testInfo, '01-register');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/settings\/provider-keys$/);
  await expect(page.getByRole('heading', { name: 'Provider keys', level: 1 })).toBeVisible();
  await expect(page.getByTestId('user-email')).toHaveText(userEmail);
  await expect(page.getByRole('link', { name: 'Users' }), 'the first account is an admin').toBeVisible();

  const session = await page.evaluate(() => window.localStorage.getItem('uniroute.session'));
  expect(session, 'the SPA keeps its session in localStorage').toBeTruthy();
  expect(session).not.toContain(userPassword);

  await page.context().storageState({ path: AUTH_FILE });
});
