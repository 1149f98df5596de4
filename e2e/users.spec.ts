import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { e2eEnvironment } from './support/env.js';
import { GATEWAY_START_TIMEOUT_MS, startGateway, type StartedGateway } from './support/gateway.js';
import { snap } from './support/screenshots.js';
import { standInBaseUrls } from './support/stand-ins.js';

/**
 * Operator control (§12) through the settings page, on a gateway of this spec's own started with
 * `REGISTRATION=invite` and an empty database (the run's shared gateway registers freely):
 * the first account becomes the admin; the admin invites someone, who registers from the link
 * in a browser of their own; then the admin disables them and their next click lands on the
 * login page.
 *
 * The steps share the two browsers and the server's state, so they run in order and stop at the
 * first failure.
 */
// Each test walks through several pages in two browsers: more than the default 30 s on two busy cores.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

// The passwords contain the run's password, which the log audit looks for in the gateway log
// (both gateways append to it): theirs are audited too.
const { userPassword } = e2eEnvironment();
const admin = { email: 'operator@example.com', password: `${userPassword}-operator` };
const invitee = { email: 'invited.colleague@example.com', password: `${userPassword}-invitee` };

const AFTER_REGISTERING_MS = 20_000;

let gateway: StartedGateway;
let dataDirectory: string;
let adminContext: BrowserContext;
let inviteeContext: BrowserContext;
let adminPage: Page;
let inviteePage: Page;
let invitationUrl: string;

async function newBrowser(browser: Browser, options: { clipboard?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: gateway.url,
    permissions: options.clipboard ? ['clipboard-read', 'clipboard-write'] : [],
  });
}

test.beforeAll(async ({ browser }, testInfo) => {
  testInfo.setTimeout(GATEWAY_START_TIMEOUT_MS + 30_000);
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'uniroute-e2e-invite-'));
  gateway = await startGateway({
    standInBaseUrls: await standInBaseUrls(),
    dataDirectory,
    environment: { REGISTRATION: 'invite' },
  });
  adminContext = await newBrowser(browser, { clipboard: true });
  inviteeContext = await newBrowser(browser);
  adminPage = await adminContext.newPage();
  inviteePage = await inviteeContext.newPage();
});

test.afterAll(async () => {
  await adminContext?.close();
  await inviteeContext?.close();
  await gateway?.stop();
  if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
});

test('an admin invites a user, who registers from the link in their own browser', async ({}, testInfo) => {
  // Nobody has an account yet: the first one may register without an invitation and becomes the admin.
  await adminPage.goto('/register');
  await expect(adminPage.getByTestId('register-first-account')).toContainText('it will be the administrator');
  await adminPage.getByLabel('Email').fill(admin.email);
  await adminPage.getByLabel('Password').fill(admin.password);
  await snap(adminPage, testInfo, '20-register-first-account-admin');
  await adminPage.getByRole('button', { name: 'Create account' }).click();
  // Registering hashes a password and loads the next page's code: slow on a busy machine.
  await expect(adminPage).toHaveURL(/\/settings\/provider-keys$/, { timeout: AFTER_REGISTERING_MS });

  await adminPage.getByRole('link', { name: 'Users' }).click();
  await expect(adminPage.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  const adminRow = adminPage.getByTestId('user-row').filter({ hasText: admin.email });
  await expect(adminRow).toContainText('You');
  await expect(adminRow.getByRole('combobox', { name: `Role of ${admin.email}` })).toHaveValue('admin');

  // Anyone else finds the door closed without a link.
  await inviteePage.goto('/register');
  await expect(inviteePage.getByTestId('register-invitation-needed')).toContainText('Ask your administrator for a link');
  await expect(inviteePage.getByRole('button', { name: 'Create account' })).toBeHidden();
  await snap(inviteePage, testInfo, '21-register-invitation-needed');

  // The admin invites one address for a week and copies the link, shown once.
  await adminPage.getByLabel('Email (optional)').fill(invitee.email);
  await adminPage.getByLabel('Expires after').selectOption({ label: '7 days' });
  await adminPage.getByRole('button', { name: 'Create invitation link' }).click();
  const link = adminPage.getByTestId('new-invitation-value');
  await expect(link).toHaveText(new RegExp(`^${escapeRegExp(gateway.url)}/register\\?invitation=[^&\\s]+$`));
  invitationUrl = (await link.textContent()) ?? '';
  await adminPage.getByRole('button', { name: 'Copy link' }).click();
  await expect(adminPage.getByTestId('new-invitation-copy')).toHaveText('Copied');
  expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toBe(invitationUrl);
  await expect(adminPage.getByTestId('invitation-row').filter({ hasText: invitee.email })).toBeVisible();
  await snap(adminPage, testInfo, '22-users-invitation-link');

  // The invitee opens the link in their own browser and registers.
  await inviteePage.goto(invitationUrl);
  await expect(inviteePage.getByTestId('register-invited')).toBeVisible();
  await inviteePage.getByLabel('Email').fill(invitee.email);
  await inviteePage.getByLabel('Password').fill(invitee.password);
  await snap(inviteePage, testInfo, '23-register-with-invitation');
  await inviteePage.getByRole('button', { name: 'Create account' }).click();
  await expect(inviteePage).toHaveURL(/\/settings\/provider-keys$/, { timeout: AFTER_REGISTERING_MS });
  await expect(inviteePage.getByTestId('user-email')).toHaveText(invitee.email);
  await expect(inviteePage.getByRole('link', { name: 'Users' }), 'an invited account is not an admin').toBeHidden();
  await inviteePage.goto('/settings/users');
  await expect(inviteePage, 'a user sent to the Users page lands on their own settings').toHaveURL(/\/settings\/provider-keys$/);

  // The link worked once.
  const token = new URL(invitationUrl).searchParams.get('invitation');
  const reused = await adminPage.request.post('/auth/register', {
    data: { email: invitee.email.replace('invited', 'another'), password: invitee.password, invitation: token },
  });
  expect(reused.status()).toBe(403);

  // The admin sees the new account, and the invitation is no longer open.
  await adminPage.getByTestId('new-invitation-dismiss').click();
  await adminPage.reload();
  const inviteeRow = adminPage.getByTestId('user-row').filter({ hasText: invitee.email });
  await expect(inviteeRow.getByRole('combobox', { name: `Role of ${invitee.email}` })).toHaveValue('user');
  await expect(adminPage.getByTestId('invitation-row')).toHaveCount(0);
  await expect(adminPage.getByText(invitationUrl)).toHaveCount(0);
  await snap(adminPage, testInfo, '24-users-list-with-invitee');
});

test('the admin disables the user, whose next click logs them out to the login page', async ({}, testInfo) => {
  await inviteePage.goto('/settings/provider-keys');
  await expect(inviteePage.getByTestId('user-email')).toHaveText(invitee.email);

  const inviteeSwitch = adminPage.getByRole('switch', { name: `${invitee.email} may sign in` });
  await expect(inviteeSwitch).toBeChecked();
  await inviteeSwitch.click();
  await expect(inviteeSwitch).not.toBeChecked();
  await expect(adminPage.getByTestId('users-notice')).toContainText(`${invitee.email} is disabled`);
  await snap(adminPage, testInfo, '25-users-disabled');

  // The invitee's next action asks the server, which no longer knows the session.
  await inviteePage.getByRole('link', { name: 'API keys' }).click();
  await expect(inviteePage).toHaveURL(/\/login\?/, { timeout: AFTER_REGISTERING_MS });
  await expect(inviteePage.getByTestId('login-session-ended')).toContainText('an administrator disabled your account');
  expect(await inviteePage.evaluate(() => window.localStorage.getItem('uniroute.session'))).toBeNull();
  await snap(inviteePage, testInfo, '26-disabled-user-logged-out');

  // Nor can they sign in again.
  await inviteePage.getByLabel('Email').fill(invitee.email);
  await inviteePage.getByLabel('Password').fill(invitee.password);
  await inviteePage.getByRole('button', { name: 'Log in' }).click();
  await expect(inviteePage.getByTestId('login-error')).toContainText('disabled');

  // The only admin can't demote themselves: the page shows the server's reason and keeps the role.
  const adminRole = adminPage.getByRole('combobox', { name: `Role of ${admin.email}` });
  await adminRole.selectOption('user');
  await expect(adminPage.getByTestId('users-action-error')).toContainText('last active admin');
  await expect(adminRole).toHaveValue('admin');
  await snap(adminPage, testInfo, '27-users-last-admin-refused');
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
