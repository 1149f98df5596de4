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

/** `PUT /admin/provider-keys/:provider` body. */
export interface UpdateProviderKeyRequest {
  apiKey?: string;
  isActive?: boolean;
  validate?: boolean;
}

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
}
