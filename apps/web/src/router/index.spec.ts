import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { AxiosError, type AxiosAdapter } from 'axios';
import { createMemoryHistory, type Router } from 'vue-router';
import { http, onUnauthorized } from '@/api/http';
import { SESSION_STORAGE_KEY, writeSession } from '@/api/session';
import { useAuthStore } from '@/stores/auth';
import { createAppRouter, handleSessionExpired } from './index';

const user = { id: 'u1', email: 'ada@example.com', role: 'user' as const, createdAt: '2025-01-01T00:00:00.000Z' };

function serve(status: number, data: unknown): AxiosAdapter {
  return async (config) => {
    const response = { status, statusText: String(status), data, headers: {}, config };
    if (status >= 400) throw new AxiosError('failed', 'ERR_BAD_REQUEST', config, {}, response);
    return response;
  };
}

describe('createAppRouter', () => {
  let pinia: Pinia;
  let sut: Router;
  let unregister: () => void;
  const originalAdapter = http.defaults.adapter;

  beforeEach(() => {
    localStorage.clear();
    pinia = createPinia();
    setActivePinia(pinia);
    sut = createAppRouter({ pinia, history: createMemoryHistory() });
    unregister = onUnauthorized(() => handleSessionExpired(sut, pinia));
  });

  afterEach(() => {
    unregister();
    http.defaults.adapter = originalAdapter;
  });

  it('sends a visitor without a session to login, remembering where they wanted to go', async () => {
    await sut.push('/settings/api-keys');

    expect(sut.currentRoute.value.name).toBe('login');
    expect(sut.currentRoute.value.query.redirect).toBe('/settings/api-keys');
  });

  it('opens the Usage page for a signed-in user, with no team (the caller\'s own usage)', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });

    await sut.push('/settings/usage');

    expect(sut.currentRoute.value.name).toBe('usage');
    expect(sut.currentRoute.value.params).toEqual({});
  });

  it('redirects / to the provider keys page', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });

    await sut.push('/');

    expect(sut.currentRoute.value.fullPath).toBe('/settings/provider-keys');
  });

  it('keeps a signed-in user away from login and register', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });

    await sut.push('/login');
    expect(sut.currentRoute.value.name).toBe('provider-keys');

    await sut.push('/register');
    expect(sut.currentRoute.value.name).toBe('provider-keys');
  });

  it('puts the selected team in the URL: a team page reloads on the same team', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });

    await sut.push('/settings/teams/team-1');
    expect(sut.currentRoute.value.name).toBe('team-provider-keys');
    expect(sut.currentRoute.value.params.teamId).toBe('team-1');

    await sut.push('/settings/teams/team-1/members');
    expect(sut.currentRoute.value.name).toBe('team-members');
  });

  it('sends a signed-out visitor of a team page to login and back', async () => {
    await sut.push('/settings/teams/team-1/members');

    expect(sut.currentRoute.value.name).toBe('login');
    expect(sut.currentRoute.value.query.redirect).toBe('/settings/teams/team-1/members');
  });

  it('opens an invitation link signed out too (the page offers to log in or register)', async () => {
    await sut.push('/invitations/tinv_abc');

    expect(sut.currentRoute.value.name).toBe('team-invitation');
    expect(sut.currentRoute.value.params.token).toBe('tinv_abc');
  });

  it("takes the gateway's link form /settings/teams?invitation=… to the invitation page, signed out too", async () => {
    await sut.push('/settings/teams?invitation=tinv_abc');

    expect(sut.currentRoute.value.name).toBe('team-invitation');
    expect(sut.currentRoute.value.params.token).toBe('tinv_abc');
  });

  it('shows the not-found page for unknown paths', async () => {
    await sut.push('/no/such/page');

    expect(sut.currentRoute.value.name).toBe('not-found');
  });

  it('drops an expired session before it is used', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: Date.now() - 1 });

    await sut.push('/settings/provider-keys');

    expect(sut.currentRoute.value.name).toBe('login');
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('on first load, checks a stored token with /auth/me and learns the email', async () => {
    writeSession({ accessToken: 'jwt', user: null, expiresAt: null });
    http.defaults.adapter = serve(200, user);

    await sut.push('/settings/provider-keys');

    expect(sut.currentRoute.value.name).toBe('provider-keys');
    expect(useAuthStore(pinia).user?.email).toBe('ada@example.com');
  });

  it('on first load, a rejected token ends the session and goes to login', async () => {
    writeSession({ accessToken: 'revoked.jwt', user: null, expiresAt: null });
    http.defaults.adapter = serve(401, { error: { message: 'Unauthorized', type: 'authentication_error', code: 'unauthenticated', param: null } });

    await sut.push('/settings/api-keys');

    expect(sut.currentRoute.value.name).toBe('login');
    expect(sut.currentRoute.value.query).toEqual({ redirect: '/settings/api-keys', reason: 'expired' });
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('a 401 on a settings page clears the session and sends the user to login', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });
    await sut.push('/settings/provider-keys?tab=1');
    http.defaults.adapter = serve(401, { error: { message: 'Session expired', type: 'authentication_error', code: 'unauthenticated', param: null } });

    await expect(http.get('/admin/provider-keys')).rejects.toThrow();
    await vi.waitFor(() => expect(sut.currentRoute.value.name).toBe('login'));

    expect(sut.currentRoute.value.query.redirect).toBe('/settings/provider-keys?tab=1');
    expect(useAuthStore(pinia).isAuthenticated).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('lets an admin open the Users page', async () => {
    writeSession({ accessToken: 'jwt', user: { ...user, role: 'admin' }, expiresAt: null });

    await sut.push('/settings/users');

    expect(sut.currentRoute.value.name).toBe('users');
  });

  it('sends a user who is not an admin away from the Users page', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });

    await sut.push('/settings/users');

    expect(sut.currentRoute.value.name).toBe('provider-keys');
  });

  it('learns the role of a session stored without one before deciding', async () => {
    const storedByAnOlderVersion = { id: user.id, email: user.email, createdAt: user.createdAt } as typeof user;
    writeSession({ accessToken: 'jwt', user: storedByAnOlderVersion, expiresAt: null });
    http.defaults.adapter = serve(200, { ...user, role: 'admin' });

    await sut.push('/settings/users');

    expect(sut.currentRoute.value.name).toBe('users');
  });

  it('every signed-in user has the Account page', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });

    await sut.push('/settings/account');

    expect(sut.currentRoute.value.name).toBe('account');
  });

  it('a disabled user (401 on the next call) is logged out to the login page with the reason', async () => {
    writeSession({ accessToken: 'jwt', user, expiresAt: null });
    await sut.push('/settings/account');
    http.defaults.adapter = serve(401, { error: { message: 'Unauthorized', type: 'authentication_error', code: 'unauthenticated', param: null } });

    await expect(http.get('/admin/api-keys')).rejects.toThrow();
    await vi.waitFor(() => expect(sut.currentRoute.value.name).toBe('login'));

    expect(sut.currentRoute.value.query).toEqual({ redirect: '/settings/account', reason: 'expired' });
    expect(useAuthStore(pinia).isAuthenticated).toBe(false);
  });
});
