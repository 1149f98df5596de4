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
  type UsageFigures,
  type UsageGroupBy,
  type UsageReport,
  type UsageRequestView,
  type UsageRow,
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

export function usageFigures(overrides: Partial<UsageFigures> = {}): UsageFigures {
  return {
    requests: 0,
    errors: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    costUsd: 0,
    p50LatencyMs: null,
    ...overrides,
  };
}

export function usageRow(key: string, overrides: Partial<UsageRow> = {}): UsageRow {
  return { key, ...usageFigures(overrides), ...overrides };
}

/** A `GET /admin/usage` answer; `totals` default to the rows' sums (cost `null` if any row's is). */
export function usageReport(groupBy: UsageGroupBy, rows: UsageRow[], overrides: Partial<UsageReport> = {}): UsageReport {
  const sum = (pick: (row: UsageRow) => number): number => rows.reduce((total, row) => total + pick(row), 0);
  return {
    from: '2026-11-27T12:00:00.000Z',
    to: '2026-12-04T12:00:00.000Z',
    groupBy,
    rows,
    totals: usageFigures({
      requests: sum((row) => row.requests),
      errors: sum((row) => row.errors),
      promptTokens: sum((row) => row.promptTokens),
      completionTokens: sum((row) => row.completionTokens),
      cachedTokens: sum((row) => row.cachedTokens),
      costUsd: rows.some((row) => row.costUsd === null) ? null : sum((row) => row.costUsd ?? 0),
    }),
    ...overrides,
  };
}

export function usageRequestView(overrides: Partial<UsageRequestView> = {}): UsageRequestView {
  return {
    id: 'request-1',
    at: '2026-12-04T11:59:00.000Z',
    endpoint: 'chat',
    provider: 'openai',
    model: 'gpt-4o-mini',
    stream: false,
    apiKeyId: 'api-key-1',
    teamId: null,
    keySource: 'user',
    keyId: 'key-openai',
    status: 200,
    latencyMs: 420,
    ttfbMs: null,
    promptTokens: 12,
    completionTokens: 30,
    cachedTokens: 0,
    costUsd: 0.00042,
    errorType: null,
    ...overrides,
  };
}

/** An axios error as the gateway produces it: an HTTP status and an OpenAI-shaped body. */
export function openAIError(
  status: number,
  message: string,
  code: string | null = null,
  requestHeaders: Record<string, string> = {},
  param: string | null = null,
): AxiosError<OpenAIErrorBody> {
  const config: InternalAxiosRequestConfig = { headers: new AxiosHeaders(requestHeaders) };
  const response: AxiosResponse<OpenAIErrorBody> = {
    status,
    statusText: String(status),
    data: { error: { message, type: 'invalid_request_error', code, param } },
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
