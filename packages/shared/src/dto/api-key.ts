/** `POST /admin/api-keys` body. */
export interface CreateApiKeyRequest {
  name: string;
  /** A team API key (§9): its requests use the team's provider keys and policy, never the caller's own. */
  teamId?: string;
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
  /** The team this key bills (§9); `null` for a personal key. */
  teamId: string | null;
}

/** `POST /admin/api-keys` response: the only time `key` is ever shown. */
export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
  prefix: string;
  createdAt: string;
  teamId: string | null;
}

export const API_KEY_NAME_MAX_LENGTH = 100;
