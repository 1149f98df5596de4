import axios, { AxiosHeaders, type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import type { OpenAIErrorBody } from '@uniroute/shared';
import { readAccessToken } from './session';

/**
 * The one HTTP client of the SPA. Same origin as the gateway (Vite proxies in development),
 * so every path is absolute (`/admin/...`) and no base URL is configured.
 */
export const http = axios.create({
  headers: { Accept: 'application/json' },
  // A provider test or a validated save waits on the provider; leave room for it.
  timeout: 30_000,
});

type UnauthorizedHandler = (error: AxiosError) => void;

let unauthorizedHandler: UnauthorizedHandler | null = null;

/**
 * Registers what happens when an authenticated call comes back 401 (expired or revoked session).
 * `main.ts` wires this to "clear the session, go to /login?redirect=…". Returns an unregister function.
 */
export function onUnauthorized(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null;
  };
}

export function attachAccessToken(config: InternalAxiosRequestConfig): InternalAxiosRequestConfig {
  const token = readAccessToken();
  const headers = AxiosHeaders.from(config.headers);
  if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
  config.headers = headers;
  return config;
}

/**
 * A 401 means "your session is gone" only when the request carried a session: a 401 from
 * `POST /auth/login` is the wrong-password answer and must reach the form instead, and so is
 * the `invalid_credentials` answer of `POST /auth/password` to a wrong current password.
 */
export function handleResponseError(error: unknown): Promise<never> {
  if (
    axios.isAxiosError(error) &&
    error.response?.status === 401 &&
    carriedSession(error.config) &&
    apiErrorCode(error) !== 'invalid_credentials'
  ) {
    unauthorizedHandler?.(error);
  }
  return Promise.reject(error);
}

http.interceptors.request.use(attachAccessToken);
http.interceptors.response.use((response) => response, handleResponseError);

function carriedSession(config: InternalAxiosRequestConfig | undefined): boolean {
  if (!config) return false;
  return AxiosHeaders.from(config.headers).has('Authorization');
}

/** Type guard for the `{error:{message,type,code,param}}` body every UniRoute error carries. */
export function isOpenAIErrorBody(value: unknown): value is OpenAIErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const inner = (value as { error: unknown }).error;
  return (
    typeof inner === 'object' &&
    inner !== null &&
    typeof (inner as { message?: unknown }).message === 'string'
  );
}

/** The HTTP status of a failed request, or `null` when there was no response. */
export function apiErrorStatus(error: unknown): number | null {
  return axios.isAxiosError(error) ? (error.response?.status ?? null) : null;
}

/** The `error.code` of an OpenAI-shaped error body, if any. */
export function apiErrorCode(error: unknown): string | null {
  if (!axios.isAxiosError(error)) return null;
  const body: unknown = error.response?.data;
  return isOpenAIErrorBody(body) ? body.error.code : null;
}

/**
 * A sentence to show the user for any failure: the server's own `error.message` when it sent
 * the OpenAI error shape, otherwise a plain description of what went wrong.
 */
export function apiErrorMessage(error: unknown): string {
  if (axios.isAxiosError(error)) {
    const body: unknown = error.response?.data;
    if (isOpenAIErrorBody(body) && body.error.message.trim()) return body.error.message;
    if (!error.response) {
      if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
        return 'The server took too long to answer. Please try again.';
      }
      if (error.code === 'ERR_CANCELED') return 'The request was cancelled.';
      return "Can't reach the UniRoute server. Check your connection and try again.";
    }
    const { status } = error.response;
    if (status === 429) return 'Too many attempts. Wait a moment and try again.';
    if (status >= 500) return `The server ran into a problem (HTTP ${status}). Please try again.`;
    return `The request failed (HTTP ${status}).`;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}

/** The `error.param` of an OpenAI-shaped error body (the query or body field the server refused), if any. */
export function apiErrorParam(error: unknown): string | null {
  if (!axios.isAxiosError(error)) return null;
  const body: unknown = error.response?.data;
  return isOpenAIErrorBody(body) ? (body.error.param ?? null) : null;
}
