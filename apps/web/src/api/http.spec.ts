import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AxiosError, AxiosHeaders, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { openAIError } from '@/testing/fixtures';
import { apiErrorMessage, http, onUnauthorized } from './http';
import { SESSION_STORAGE_KEY, writeSession } from './session';

/** Answers every request with `status` and an OpenAI error body, recording the request headers. */
function respondWith(status: number, seen: InternalAxiosRequestConfig[] = []): AxiosAdapter {
  return async (config) => {
    seen.push(config);
    const response = {
      status,
      statusText: String(status),
      data: status < 400 ? { ok: true } : { error: { message: `status ${status}`, type: 't', code: null, param: null } },
      headers: {},
      config,
    };
    if (status >= 400) throw new AxiosError('failed', 'ERR_BAD_REQUEST', config, {}, response);
    return response;
  };
}

describe('http', () => {
  let unregister: () => void = () => undefined;
  const onSessionExpired = vi.fn();

  beforeEach(() => {
    localStorage.clear();
    onSessionExpired.mockReset();
    unregister = onUnauthorized(onSessionExpired);
  });

  afterEach(() => unregister());

  it('sends the stored session as a bearer token', async () => {
    writeSession({ accessToken: 'jwt.abc', user: null, expiresAt: null });
    const seen: InternalAxiosRequestConfig[] = [];

    await http.get('/admin/api-keys', { adapter: respondWith(200, seen) });

    expect(AxiosHeaders.from(seen[0]?.headers).get('Authorization')).toBe('Bearer jwt.abc');
  });

  it('sends no Authorization header when signed out', async () => {
    const seen: InternalAxiosRequestConfig[] = [];

    await http.post('/auth/login', {}, { adapter: respondWith(200, seen) });

    expect(AxiosHeaders.from(seen[0]?.headers).has('Authorization')).toBe(false);
  });

  it('reports a 401 on an authenticated call as an ended session', async () => {
    writeSession({ accessToken: 'jwt.expired', user: null, expiresAt: null });

    await expect(http.get('/admin/provider-keys', { adapter: respondWith(401) })).rejects.toBeInstanceOf(AxiosError);

    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('leaves a 401 from the login form to the form', async () => {
    await expect(http.post('/auth/login', {}, { adapter: respondWith(401) })).rejects.toThrow();

    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('leaves a wrong current password (401 invalid_credentials) to the change-password form', async () => {
    writeSession({ accessToken: 'jwt.abc', user: null, expiresAt: null });
    const wrongPassword: AxiosAdapter = async () => {
      throw openAIError(401, 'The current password is wrong.', 'invalid_credentials', { Authorization: 'Bearer jwt.abc' });
    };

    await expect(http.post('/auth/password', {}, { adapter: wrongPassword })).rejects.toThrow();

    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).not.toBeNull();
  });

  it('does not end the session on other errors', async () => {
    writeSession({ accessToken: 'jwt.abc', user: null, expiresAt: null });

    await expect(http.post('/admin/provider-keys', {}, { adapter: respondWith(422) })).rejects.toThrow();
    await expect(http.get('/admin/provider-keys', { adapter: respondWith(403) })).rejects.toThrow();

    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).not.toBeNull();
  });
});

describe('apiErrorMessage', () => {
  it("shows the server's OpenAI-shaped error.message", () => {
    expect(apiErrorMessage(openAIError(409, 'You already have an OpenAI key.', 'conflict'))).toBe(
      'You already have an OpenAI key.',
    );
  });

  it('explains a network failure', () => {
    const error = new AxiosError('Network Error', 'ERR_NETWORK', { headers: new AxiosHeaders() });
    expect(apiErrorMessage(error)).toMatch(/can't reach the UniRoute server/i);
  });

  it('explains a timeout', () => {
    const error = new AxiosError('timeout', 'ECONNABORTED', { headers: new AxiosHeaders() });
    expect(apiErrorMessage(error)).toMatch(/took too long/);
  });

  it('falls back to the status when the body is not OpenAI-shaped', () => {
    const config = { headers: new AxiosHeaders() };
    const error = new AxiosError('bad', 'ERR_BAD_RESPONSE', config, {}, {
      status: 502,
      statusText: 'Bad Gateway',
      data: '<html>',
      headers: {},
      config,
    });
    expect(apiErrorMessage(error)).toBe('The server ran into a problem (HTTP 502). Please try again.');
  });

  it('uses the message of any other error', () => {
    expect(apiErrorMessage(new Error('boom'))).toBe('boom');
    expect(apiErrorMessage('??')).toBe('Something went wrong. Please try again.');
  });
});
