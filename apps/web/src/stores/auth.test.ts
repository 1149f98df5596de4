import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestingPinia } from '@pinia/testing';
import type { AuthResponse } from '@uniroute/shared';
import * as authApi from '@/api/auth';
import { SESSION_STORAGE_KEY } from '@/api/session';
import { openAIError, providerKeyView } from '@/testing/fixtures';
import { useApiKeysStore } from './api-keys';
import { useAuthStore } from './auth';
import { useProviderKeysStore } from './provider-keys';

vi.mock('@/api/auth');

const api = vi.mocked(authApi);

const user = { id: 'user-1', email: 'ada@example.com', role: 'user' as const, createdAt: '2025-01-01T00:00:00.000Z' };
const authResponse: AuthResponse = { user, accessToken: 'jwt.token.value', expiresIn: 3600 };

function createSut() {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  return useAuthStore();
}

describe('useAuthStore', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
  });

  it('starts signed out when nothing is stored', () => {
    const sut = createSut();

    expect(sut.isAuthenticated).toBe(false);
    expect(sut.user).toBeNull();
  });

  it('restores the session stored under uniroute.session', () => {
    localStorage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify({ accessToken: 'stored.jwt', user, expiresAt: Date.now() + 60_000 }),
    );

    const sut = createSut();

    expect(sut.isAuthenticated).toBe(true);
    expect(sut.accessToken).toBe('stored.jwt');
    expect(sut.user?.email).toBe('ada@example.com');
    expect(sut.hasExpired()).toBe(false);
  });

  it('accepts a bare token written by hand', () => {
    localStorage.setItem(SESSION_STORAGE_KEY, 'bare.jwt.token');

    const sut = createSut();

    expect(sut.accessToken).toBe('bare.jwt.token');
    expect(sut.user).toBeNull();
    expect(sut.hasExpired()).toBe(false);
  });

  it('ignores a corrupted stored session', () => {
    localStorage.setItem(SESSION_STORAGE_KEY, '{"nope":');

    expect(createSut().isAuthenticated).toBe(false);
  });

  it('login stores the token and the user', async () => {
    const sut = createSut();
    api.login.mockResolvedValue(authResponse);

    await sut.login({ email: 'ada@example.com', password: 'correct horse' });

    expect(api.login).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'correct horse' });
    expect(sut.isAuthenticated).toBe(true);
    expect(sut.user).toEqual(user);
    const stored = JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY) ?? '{}') as Record<string, unknown>;
    expect(stored.accessToken).toBe('jwt.token.value');
    expect(stored.expiresAt).toBeGreaterThan(Date.now());
    expect(JSON.stringify(stored)).not.toContain('correct horse');
  });

  it('a failed login leaves the visitor signed out', async () => {
    const sut = createSut();
    api.login.mockRejectedValue(openAIError(401, 'Invalid email or password', 'invalid_credentials'));

    await expect(sut.login({ email: 'ada@example.com', password: 'wrong' })).rejects.toThrow();

    expect(sut.isAuthenticated).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('register signs the new user in', async () => {
    const sut = createSut();
    api.register.mockResolvedValue(authResponse);

    await sut.register({ email: 'ada@example.com', password: 'long enough' });

    expect(sut.user?.id).toBe('user-1');
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toContain('jwt.token.value');
  });

  it('fetchUser refreshes the stored user', async () => {
    localStorage.setItem(SESSION_STORAGE_KEY, 'bare.jwt.token');
    const sut = createSut();
    api.fetchCurrentUser.mockResolvedValue(user);

    await sut.fetchUser();

    expect(sut.user).toEqual(user);
    expect(JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY) ?? '{}')).toMatchObject({
      accessToken: 'bare.jwt.token',
      user,
    });
  });

  it('knows when the token has expired', () => {
    localStorage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify({ accessToken: 'old.jwt', user, expiresAt: Date.now() - 1000 }),
    );

    expect(createSut().hasExpired()).toBe(true);
  });

  it('logout clears the session and everything loaded for the user', async () => {
    const sut = createSut();
    api.login.mockResolvedValue(authResponse);
    await sut.login({ email: 'ada@example.com', password: 'correct horse' });
    const providerKeys = useProviderKeysStore();
    providerKeys.keys = [providerKeyView()];
    const apiKeys = useApiKeysStore();
    apiKeys.loaded = true;

    api.logout.mockResolvedValue(undefined);

    await sut.logout();

    expect(api.logout).toHaveBeenCalledTimes(1);
    expect(sut.isAuthenticated).toBe(false);
    expect(sut.user).toBeNull();
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(providerKeys.keys).toEqual([]);
    expect(apiKeys.loaded).toBe(false);
  });

  it('logout revokes the session on the server before forgetting it', async () => {
    const sut = createSut();
    sut.startSession(authResponse);
    let storedWhenCalled: string | null = null;
    api.logout.mockImplementation(async () => {
      storedWhenCalled = localStorage.getItem(SESSION_STORAGE_KEY);
    });

    await sut.logout();

    // The request still carried the session (the interceptor reads it from storage).
    expect(storedWhenCalled).toContain('jwt.token.value');
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('logout clears the local session even when the server call fails', async () => {
    const sut = createSut();
    sut.startSession(authResponse);
    api.logout.mockRejectedValue(openAIError(500, 'Internal server error'));

    await sut.logout();

    expect(sut.isAuthenticated).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('logout without a session makes no call', async () => {
    const sut = createSut();

    await sut.logout();

    expect(api.logout).not.toHaveBeenCalled();
  });

  it('register sends the invitation token', async () => {
    const sut = createSut();
    api.register.mockResolvedValue(authResponse);

    await sut.register({ email: 'ada@example.com', password: 'long enough', invitation: 'inv-token' });

    expect(api.register).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'long enough', invitation: 'inv-token' });
  });

  it('knows an admin from a user', () => {
    const sut = createSut();
    expect(sut.isAdmin).toBe(false);

    sut.startSession({ ...authResponse, user: { ...user, role: 'admin' } });
    expect(sut.isAdmin).toBe(true);

    sut.startSession(authResponse);
    expect(sut.isAdmin).toBe(false);
  });

  it('changePassword keeps this session', async () => {
    const sut = createSut();
    sut.startSession(authResponse);
    api.changePassword.mockResolvedValue(undefined);

    await sut.changePassword({ currentPassword: 'old password', newPassword: 'new password' });

    expect(api.changePassword).toHaveBeenCalledWith({ currentPassword: 'old password', newPassword: 'new password' });
    expect(sut.accessToken).toBe('jwt.token.value');
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).not.toContain('password');
  });
});
