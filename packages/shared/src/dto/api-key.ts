/** `POST /admin/api-keys` body. */
export interface CreateApiKeyRequest {
  name: string;
}

/** A gateway API key as listed (never the secret). */
export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters of the key, e.g. `ur_AbCd12`, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `POST /admin/api-keys` response: the only time `key` is ever shown. */
export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
  prefix: string;
  createdAt: string;
}

export const API_KEY_NAME_MAX_LENGTH = 100;
