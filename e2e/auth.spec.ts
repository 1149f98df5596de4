import { expect, test } from '@playwright/test';
import { e2eEnvironment } from './support/env.js';
import { snap } from './support/screenshots.js';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a wrong password shows the server's message; the right one signs in", async ({ page, request }, testInfo) => {
    const { userEmail, userPassword } = e2eEnvironment();
    const wrong = await request.post('/auth/login', { data: { email: userEmail, password: 'not-the-password' } });
    expect(wrong.status()).toBe(401);
    const serverMessage = ((await wrong.json()) as { error: { message: string } }).error.message;

    await page.goto('/login');
    await page.getByLabel('Email').fill(userEmail);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toHaveText(serverMessage);
    await expect(page.getByTestId('login-error')).toHaveRole('alert');
    await expect(page.getByLabel('Password'), 'the rejected password is cleared').toHaveValue('');
    await expect(page).toHaveURL(/\/login$/);
    await snap(page, testInfo, '13-login-wrong-password');

    await page.getByLabel('Password').fill(userPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/settings\/provider-keys$/);
    await expect(page.getByTestId('user-email')).toHaveText(userEmail);
  });
});

test.describe('a session of its own', () => {
  // Logging out revokes the session on the server (§12): the shared signed-in state of the other
  // specs must not be the one that ends, so this test logs in for itself.
  test.use({ storageState: { cookies: [], origins: [] } });

  test('logging out revokes the session, returns to /login, and a protected page then asks to log in first', async ({ page, request }, testInfo) => {
    const { userEmail, userPassword } = e2eEnvironment();
    await page.goto('/login?redirect=/settings/api-keys');
    await page.getByLabel('Email').fill(userEmail);
    await page.getByLabel('Password').fill(userPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
    const token = await page.evaluate(() => (JSON.parse(window.localStorage.getItem('uniroute.session') ?? '{}') as { accessToken?: string }).accessToken);
    expect(token).toBeTruthy();

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    expect(await page.evaluate(() => window.localStorage.getItem('uniroute.session'))).toBeNull();
    const afterLogout = await request.get('/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(afterLogout.status(), 'the logged-out token no longer works').toBe(401);

    await page.goto('/settings/provider-keys');
    await expect(page).toHaveURL(/\/login\?/);
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/settings/provider-keys');
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
    await expect(page.getByTestId('app-nav')).toBeHidden();
    await snap(page, testInfo, '14-logged-out-redirected-to-login');

    // Logging in from there goes back to the page that was asked for.
    await page.getByLabel('Email').fill(userEmail);
    await page.getByLabel('Password').fill(userPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/settings\/provider-keys$/);
  });
});
