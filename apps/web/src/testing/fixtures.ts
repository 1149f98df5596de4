import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import {
  PROVIDER_KEY_ALGORITHM,
  PROVIDER_LABELS,
  type AdminUserView,
  type ApiKeyView,
  type InvitationView,
  type OpenAIErrorBody,
  type ProviderId,
  type ProviderKeyView,
  type ProviderStatus,
  type TeamMemberView,
  type TeamView,
} from '@uniroute/shared';

/** Test data builders shared by the web specs (not shipped: nothing in the app imports this). */

export function providerKeyView(overrides: Partial<ProviderKeyView> = {}): ProviderKeyView {
  const last4 = overrides.last4 ?? 'a1b2';
  return {
    id: `key-${overrides.provider ?? 'openai'}`,
    provider: 'openai',
    maskedKey: `••••••••${last4}`,
    last4,
    isActive: true,
    encrypted: true,
    algorithm: PROVIDER_KEY_ALGORITHM,
    keyVersion: 1,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-02T10:00:00.000Z',
    lastUsedAt: null,
    lastTestedAt: null,
    lastTestOk: null,
    usable: true,
    fallbackPolicy: 'byok_then_server',
    health: 'unverified',
    healthReason: null,
    healthUntil: null,
    ...overrides,
  };
}

export function providerStatus(provider: ProviderId, overrides: Partial<ProviderStatus> = {}): ProviderStatus {
  return {
    provider,
    label: PROVIDER_LABELS[provider],
    serverKeyConfigured: false,
    fallbackAllowed: true,
    usesServerKey: false,
    fallbackPolicy: 'byok_then_server',
    ...overrides,
  };
}

export function apiKeyView(overrides: Partial<ApiKeyView> = {}): ApiKeyView {
  return {
    id: 'api-key-1',
    name: 'production',
    prefix: 'ur_AbCd12',
    createdAt: '2025-01-01T10:00:00.000Z',
    lastUsedAt: null,
    revokedAt: null,
    teamId: null,
    ...overrides,
  };
}

export function adminUserView(overrides: Partial<AdminUserView> = {}): AdminUserView {
  return {
    id: 'user-1',
    email: 'ada@example.com',
    role: 'user',
    disabled: false,
    createdAt: '2025-01-01T10:00:00.000Z',
    lastLoginAt: null,
    ...overrides,
  };
}

export function invitationView(overrides: Partial<InvitationView> = {}): InvitationView {
  return {
    id: 'invitation-1',
    email: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    expiresAt: '2099-01-04T10:00:00.000Z',
    ...overrides,
  };
}

/** An axios error as the gateway produces it: an HTTP status and an OpenAI-shaped body. */
export function openAIError(
  status: number,
  message: string,
  code: string | null = null,
  requestHeaders: Record<string, string> = {},
): AxiosError<OpenAIErrorBody> {
  const config: InternalAxiosRequestConfig = { headers: new AxiosHeaders(requestHeaders) };
  const response: AxiosResponse<OpenAIErrorBody> = {
    status,
    statusText: String(status),
    data: { error: { message, type: 'invalid_request_error', code, param: null } },
    headers: {},
    config,
  };
  return new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_REQUEST', config, {}, response);
}

/** A promise the test resolves or rejects by hand, to look at the UI while a request is in flight. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

export function teamView(overrides: Partial<TeamView> = {}): TeamView {
  return {
    id: 'team-1',
    name: 'Platform',
    role: 'owner',
    memberCount: 2,
    createdAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

export function teamMemberView(overrides: Partial<TeamMemberView> = {}): TeamMemberView {
  return {
    userId: 'user-2',
    email: 'bob@example.com',
    role: 'member',
    joinedAt: '2025-01-03T10:00:00.000Z',
    ...overrides,
  };
}
