import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { e2eEnvironment } from './support/env.js';
import { GATEWAY_START_TIMEOUT_MS, startGateway } from './support/gateway.js';
import { KEYS, last4 } from './support/keys.js';
import { AUTH_FILE, GATEWAY_LOG } from './support/paths.js';
import { snap } from './support/screenshots.js';
import { resetStandIns, standInBaseUrls, standInRequests } from './support/stand-ins.js';

/**
 * Teams (§9) through the settings page: the run's user creates a team, stores the team's Anthropic
 * key and invites a colleague, who accepts in a browser of their own, sees the key masked and
 * read-only, and calls the gateway with a team API key — served with the team's key. The owner
 * removes them, and that API key stops working at once. The team is deleted at the end, so the
 * other specs find the account as before.
 *
 * The steps share two browsers and the server's state: they run in order and stop at the first failure.
 */
test.describe.configure({ mode: 'serial', timeout: 120_000 });

/** A key the stand-ins accept that is neither the server's Anthropic key nor one the run's user keeps. */
const TEAM_ANTHROPIC_KEY = 'sk-ant-api03-stand-in-demo-key-an02';
const AFTER_REGISTERING_MS = 20_000;
/** §9: a removed member's team API keys stop working on every replica within 1 s; a little slack for two busy cores. */
const REVOCATION_DEADLINE_MS = 3_000;

const { baseUrl, userPassword } = e2eEnvironment();
const suffix = `${Date.now().toString(36)}`;
const teamName = `Platform ${suffix}`;
// The password contains the run's password, which the log audit looks for in the gateway log.
const invitee = { email: `team.colleague.${suffix}@example.com`, password: `${userPassword}-colleague` };

let ownerPage: Page;
let inviteeContext: BrowserContext;
let inviteePage: Page;
let teamId: string;
let invitationUrl: string;
let teamApiKey: string;

/** One chat completion to Anthropic through the gateway, as an app holding `apiKey` would send it. */
async function chat(apiKey: string, gateway = baseUrl): Promise<Response> {
  return fetch(`${gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 32, messages: [{ role: 'user', content: 'Hello team' }] }),
  });
}

/** The token in an invitation link, whichever form the gateway builds: `…?invitation=<token>` or `/invitations/<token>`. */
function invitationToken(link: string): string {
  const url = new URL(link);
  return url.searchParams.get('invitation') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
}

function memberRow(page: Page, email: string) {
  return page.getByTestId('team-member-row').filter({ hasText: email });
}

test.beforeAll(async ({ browser }) => {
  // The owner is the run's signed-in user; the invitee starts signed out.
  ownerPage = await (await browser.newContext({ baseURL: baseUrl, storageState: AUTH_FILE })).newPage();
  // Playwright Test's browser.newContext() inherits the project's storageState: start this one signed out.
  inviteeContext = await browser.newContext({ baseURL: baseUrl, storageState: { cookies: [], origins: [] } });
  inviteePage = await inviteeContext.newPage();
});

test.afterAll(async () => {
  await ownerPage?.context().close();
  await inviteeContext?.close();
});

test('the owner creates a team from the switcher, stores its Anthropic key and invites a colleague', async ({}, testInfo) => {
  await ownerPage.goto('/settings/provider-keys');
  const switcher = ownerPage.getByTestId('team-switcher-button');
  await expect(switcher).toHaveText(/Personal/);
  await switcher.click();
  await ownerPage.getByRole('link', { name: '+ Create team' }).click();
  await ownerPage.getByLabel('Team name').fill(teamName);
  await ownerPage.getByRole('button', { name: 'Create team' }).click();

  await expect(ownerPage).toHaveURL(/\/settings\/teams\/[^/]+\/members$/);
  teamId = new URL(ownerPage.url()).pathname.split('/')[3] ?? '';
  await expect(ownerPage.getByRole('heading', { level: 1 })).toHaveText(`${teamName} · Members`);
  await expect(ownerPage.getByTestId('team-switcher-current')).toHaveText(teamName);
  await expect(ownerPage.getByTestId('team-role')).toHaveText('Owner');

  // The team's own key, on the same provider-keys page as one's own.
  await ownerPage.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Provider keys' }).click();
  await expect(ownerPage).toHaveURL(new RegExp(`/settings/teams/${teamId}/provider-keys$`));
  const anthropic = ownerPage.getByTestId('provider-card-anthropic');
  await anthropic.getByRole('button', { name: 'Add key' }).click();
  const form = anthropic.getByRole('form', { name: 'Add Anthropic key' });
  await form.getByLabel('Anthropic API key', { exact: true }).fill(TEAM_ANTHROPIC_KEY);
  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(form).toBeHidden();
  await expect(anthropic.getByTestId('provider-masked-key-anthropic')).toHaveText(new RegExp(`${last4(TEAM_ANTHROPIC_KEY)}$`));
  await expect(anthropic.getByTestId('provider-provided-by-anthropic')).toHaveText(`Provided by ${teamName}`);
  expect(await ownerPage.content()).not.toContain(TEAM_ANTHROPIC_KEY);
  // The selected team is in the URL: a reload opens the same team.
  await ownerPage.reload();
  await expect(ownerPage.getByTestId('team-switcher-current')).toHaveText(teamName);
  await expect(ownerPage.getByTestId('provider-masked-key-anthropic')).toBeVisible();
  await snap(ownerPage, testInfo, '30-team-provider-keys-owner');

  await ownerPage.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Members' }).click();
  await ownerPage.getByLabel('Email', { exact: true }).fill(invitee.email);
  await ownerPage.getByLabel('Role', { exact: true }).selectOption('member');
  await ownerPage.getByRole('button', { name: 'Create invitation link' }).click();
  const link = ownerPage.getByTestId('new-team-invitation-value');
  await expect(link).toHaveText(/^https?:\/\/\S+$/);
  invitationUrl = (await link.textContent())?.trim() ?? '';
  await snap(ownerPage, testInfo, '31-team-invitation-link');
  await ownerPage.getByTestId('new-team-invitation-dismiss').click();
  await expect(ownerPage.getByText(invitationUrl)).toHaveCount(0);
});

test('the colleague registers, accepts, sees the team key masked and read-only, and calls the gateway with a team API key', async ({}, testInfo) => {
  await inviteePage.goto('/register');
  await inviteePage.getByLabel('Email').fill(invitee.email);
  await inviteePage.getByLabel('Password').fill(invitee.password);
  await inviteePage.getByRole('button', { name: 'Create account' }).click();
  await expect(inviteePage).toHaveURL(/\/settings\/provider-keys$/, { timeout: AFTER_REGISTERING_MS });

  // Not a member yet: the team does not exist for them.
  await inviteePage.goto(`/settings/teams/${teamId}/provider-keys`);
  await expect(inviteePage.getByTestId('team-not-found')).toBeVisible();
  await expect(inviteePage.getByText(teamName)).toHaveCount(0);

  await inviteePage.goto(invitationUrl);
  await expect(inviteePage.getByTestId('invitation-signed-in-as')).toContainText(invitee.email);
  await snap(inviteePage, testInfo, '32-team-invitation-accept');
  await inviteePage.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(inviteePage).toHaveURL(new RegExp(`/settings/teams/${teamId}/provider-keys$`));
  await expect(inviteePage.getByTestId('team-role')).toHaveText('Member');
  await expect(inviteePage.getByTestId('provider-keys-read-only')).toContainText(`provided by ${teamName}`);
  const anthropic = inviteePage.getByTestId('provider-card-anthropic');
  await expect(anthropic.getByTestId('provider-masked-key-anthropic')).toHaveText(new RegExp(`${last4(TEAM_ANTHROPIC_KEY)}$`));
  for (const name of ['Add key', 'Replace key', 'Delete', 'Test connection']) {
    await expect(inviteePage.getByRole('button', { name }), `a member has no "${name}"`).toHaveCount(0);
  }
  await expect(inviteePage.getByRole('combobox')).toHaveCount(0);
  await expect(inviteePage.getByRole('switch')).toHaveCount(0);
  expect(await inviteePage.content()).not.toContain(TEAM_ANTHROPIC_KEY);
  await snap(inviteePage, testInfo, '33-team-provider-keys-member');

  // From the team's pages the API-keys page proposes the team.
  await inviteePage.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  await expect(inviteePage.getByLabel('Uses the keys of')).toHaveValue(teamId);
  await inviteePage.getByLabel('New key name').fill('team-app');
  await inviteePage.getByRole('button', { name: 'Create key' }).click();
  teamApiKey = (await inviteePage.getByTestId('new-api-key-value').textContent())?.trim() ?? '';
  expect(teamApiKey).toMatch(/^ur_/);
  await expect(inviteePage.getByTestId('api-key-row').filter({ hasText: 'team-app' }).getByTestId('api-key-team')).toHaveText(teamName);
  await snap(inviteePage, testInfo, '34-team-api-key');

  await resetStandIns();
  const response = await chat(teamApiKey);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('x-uniroute-key-source')).toBe('team');
  expect(response.headers.get('x-uniroute-team-id')).toBe(teamId);
  const calls = (await standInRequests('anthropic')).filter((request) => request.path.endsWith('/messages'));
  expect(calls.map((request) => request.apiKeyLast4), "the stand-in saw the team's key, not the server's").toEqual([last4(TEAM_ANTHROPIC_KEY)]);
});

test('the owner removes the colleague: their team API key stops working at once', async ({}, testInfo) => {
  await ownerPage.goto(`/settings/teams/${teamId}/members`);
  const row = memberRow(ownerPage, invitee.email);
  await expect(row).toContainText('Member');
  await snap(ownerPage, testInfo, '35-team-members');

  await row.getByRole('button', { name: `Remove ${invitee.email}` }).click();
  const dialog = ownerPage.getByRole('dialog', { name: `Remove ${invitee.email}?` });
  await dialog.getByRole('button', { name: 'Remove member' }).click();
  await expect(dialog).toBeHidden();
  const removedAt = Date.now();
  await expect(memberRow(ownerPage, invitee.email)).toHaveCount(0);

  await expect
    .poll(async () => (await chat(teamApiKey)).status, { timeout: REVOCATION_DEADLINE_MS, intervals: [100, 200, 300] })
    .toBe(401);
  expect(Date.now() - removedAt).toBeLessThan(REVOCATION_DEADLINE_MS);

  // For them the team is gone: not found, and no longer in the switcher.
  await inviteePage.goto(`/settings/teams/${teamId}/provider-keys`);
  await expect(inviteePage.getByTestId('team-not-found')).toBeVisible();
  await inviteePage.getByTestId('team-switcher-button').click();
  await expect(inviteePage.getByTestId('team-switcher-team')).toHaveCount(0);

  // The used link works no more.
  await inviteePage.goto(invitationUrl);
  await inviteePage.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(inviteePage.getByTestId('invitation-error')).toBeVisible();
});

test('the team pages fit a phone screen, and the owner deletes the team', async ({}, testInfo) => {
  await ownerPage.setViewportSize({ width: 390, height: 844 });
  await ownerPage.goto(`/settings/teams/${teamId}/members`);
  await expect(ownerPage.getByTestId('team-members-list')).toBeVisible();
  const widths = await ownerPage.evaluate(() => ({ viewport: window.innerWidth, document: document.documentElement.scrollWidth }));
  expect(widths.document).toBeLessThanOrEqual(widths.viewport);
  await snap(ownerPage, testInfo, '36-phone-team-members');

  await ownerPage.getByRole('button', { name: 'Delete team' }).click();
  await ownerPage.getByRole('dialog', { name: `Delete ${teamName}?` }).getByRole('button', { name: 'Delete team' }).click();
  await expect(ownerPage).toHaveURL(/\/settings\/teams$/);
  await expect(ownerPage.getByTestId('team-row').filter({ hasText: teamName })).toHaveCount(0);

  // The invitation token travelled in URLs (the link, …/accept): the access log must not keep it.
  const token = invitationToken(invitationUrl);
  expect(token.length).toBeGreaterThan(8);
  expect(readFileSync(GATEWAY_LOG, 'utf8').includes(token), 'the invitation token appears in the gateway log').toBe(false);
});

test.describe('under REGISTRATION=invite', () => {
  test('a team invitation lets its invitee register, which makes them a member', async ({ browser }, testInfo) => {
    testInfo.setTimeout(GATEWAY_START_TIMEOUT_MS + 90_000);
    const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'uniroute-e2e-teams-'));
    const gateway = await startGateway({ standInBaseUrls: await standInBaseUrls(), dataDirectory, environment: { REGISTRATION: 'invite' } });
    const owner = await browser.newContext({ baseURL: gateway.url, storageState: { cookies: [], origins: [] } });
    const guest = await browser.newContext({ baseURL: gateway.url, storageState: { cookies: [], origins: [] } });
    try {
      const ownerTab = await owner.newPage();
      await ownerTab.goto('/register');
      await ownerTab.getByLabel('Email').fill('team.owner@example.com');
      await ownerTab.getByLabel('Password').fill(`${userPassword}-owner`);
      await ownerTab.getByRole('button', { name: 'Create account' }).click();
      await expect(ownerTab).toHaveURL(/\/settings\/provider-keys$/, { timeout: AFTER_REGISTERING_MS });
      await ownerTab.goto('/settings/teams');
      await ownerTab.getByLabel('Team name').fill('Invited only');
      await ownerTab.getByRole('button', { name: 'Create team' }).click();
      await expect(ownerTab).toHaveURL(/\/members$/);
      const invitedTeamId = new URL(ownerTab.url()).pathname.split('/')[3];
      await ownerTab.getByLabel('Email', { exact: true }).fill('newcomer@example.com');
      await ownerTab.getByRole('button', { name: 'Create invitation link' }).click();
      const link = (await ownerTab.getByTestId('new-team-invitation-value').textContent())?.trim() ?? '';

      // Signed out, the link offers to create an account with the invitation.
      const guestTab = await guest.newPage();
      await guestTab.goto(link);
      await guestTab.getByRole('link', { name: 'Create an account' }).click();
      await expect(guestTab.getByTestId('register-invited')).toBeVisible();
      await guestTab.getByLabel('Email').fill('newcomer@example.com');
      await guestTab.getByLabel('Password').fill(`${userPassword}-newcomer`);
      await snap(guestTab, testInfo, '37-register-with-team-invitation');
      await guestTab.getByRole('button', { name: 'Create account' }).click();
      await expect(guestTab).toHaveURL(new RegExp(`/settings/teams/${invitedTeamId}/provider-keys$`), { timeout: AFTER_REGISTERING_MS });
      await expect(guestTab.getByTestId('team-role')).toHaveText('Member');
      await expect(guestTab.getByTestId('team-switcher-current')).toHaveText('Invited only');
    } finally {
      await owner.close();
      await guest.close();
      await gateway.stop();
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});
