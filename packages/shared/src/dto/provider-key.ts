import type { ProviderId } from '../providers.js';

/** The encryption scheme every stored provider key uses. */
export const PROVIDER_KEY_ALGORITHM = 'AES-256-GCM';

/** Bounds on a provider key's length: shorter or longer cannot be a real key. */
export const PROVIDER_KEY_MIN_LENGTH = 8;
export const PROVIDER_KEY_MAX_LENGTH = 512;

/** `POST /admin/provider-keys` body. */
export interface CreateProviderKeyRequest {
  provider: ProviderId;
  apiKey: string;
  /** Test the key against the provider first and refuse (422) one it rejects. */
  validate?: boolean;
}

/**
 * Whether a user's requests to one provider may use the server key (§8): `byok_only` never,
 * `byok_then_server` (default) when their own key is missing or skipped, `server_only` always.
 */
export const FALLBACK_POLICIES = ['byok_only', 'byok_then_server', 'server_only'] as const;
export type FallbackPolicy = (typeof FALLBACK_POLICIES)[number];
export const DEFAULT_FALLBACK_POLICY: FallbackPolicy = 'byok_then_server';

/**
 * What the provider last said about a stored key (§8). `rejected` (401/403) and `quota_exhausted`
 * (402 or a billing error) skip the key until it is replaced or a test succeeds; `rate_limited`
 * (429) skips it until `healthUntil`.
 */
export const KEY_HEALTH_STATES = ['unverified', 'ok', 'rejected', 'rate_limited', 'quota_exhausted'] as const;
export type KeyHealth = (typeof KEY_HEALTH_STATES)[number];

/** Warnings a save can carry; never says whose account. */
export const PROVIDER_KEY_WARNINGS = ['key_in_use_elsewhere'] as const;
export type ProviderKeyWarning = (typeof PROVIDER_KEY_WARNINGS)[number];

/** `PUT /admin/provider-keys/:provider` body; `fallbackPolicy` alone works with no key stored. */
export interface UpdateProviderKeyRequest {
  apiKey?: string;
  isActive?: boolean;
  validate?: boolean;
  fallbackPolicy?: FallbackPolicy;
}

/** Request headers of the gateway routes (§8). */
export const BYOK_HEADER = 'x-uniroute-byok';
export const REQUEST_KEY_HEADER = 'x-uniroute-provider-key';
export const KEY_ID_HEADER = 'x-uniroute-key-id';

/** A stored provider key as the API shows it: never the key or its ciphertext. */
export interface ProviderKeyView {
  id: string;
  provider: ProviderId;
  /** `••••••••` followed by the last 4 characters. */
  maskedKey: string;
  last4: string;
  isActive: boolean;
  encrypted: true;
  algorithm: typeof PROVIDER_KEY_ALGORITHM;
  keyVersion: number;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  lastTestedAt: string | null;
  /** `false` once the provider rejected the key (test or live request); `null` if never tested. */
  lastTestOk: boolean | null;
  /** `false` when the stored ciphertext no longer decrypts (tampered or moved). */
  usable: boolean;
  fallbackPolicy: FallbackPolicy;
  health: KeyHealth;
  /** Why the key is in its state, in words (never the provider's raw answer); `null` when `unverified` or `ok`. */
  healthReason: string | null;
  /** `rate_limited`: when the key is used again. */
  healthUntil: string | null;
  /** Only on the response to a save. */
  warnings?: ProviderKeyWarning[];
}

/**
 * `PUT /admin/provider-keys/:provider` with only `fallbackPolicy` when no key is stored: the policy
 * row alone (`key: null`). With a key stored the answer is the `ProviderKeyView`.
 */
export interface ProviderPolicyView {
  provider: ProviderId;
  fallbackPolicy: FallbackPolicy;
  key: null;
}

/** `POST /admin/provider-keys/:provider/test` response. A failed test is `ok: false`, not an HTTP error. */
export interface ProviderKeyTestResult {
  ok: boolean;
  provider: ProviderId;
  latencyMs: number;
  /** The provider's HTTP status, or `null` when it could not be reached. */
  status: number | null;
  message: string;
}

/** `GET /admin/providers`: what the settings page needs to say about fallback per provider. */
export interface ProviderStatus {
  provider: ProviderId;
  label: string;
  /** The operator configured a server-level key for this provider. */
  serverKeyConfigured: boolean;
  /** The operator allows falling back to server keys. */
  fallbackAllowed: boolean;
  /** Requests fall back to the server key for this user right now. */
  usesServerKey: boolean;
  /** The user's policy for this provider (§8), stored with or without a key. */
  fallbackPolicy: FallbackPolicy;
}
