import type { UserView } from '@uniroute/shared';

/** The localStorage key holding the signed-in session. */
export const SESSION_STORAGE_KEY = 'uniroute.session';

/** What the SPA keeps about the signed-in user between page loads. */
export interface StoredSession {
  accessToken: string;
  /** Last known user; refreshed from `GET /auth/me` on the first navigation. */
  user: UserView | null;
  /** Epoch milliseconds after which the token is known to be expired; `null` if unknown. */
  expiresAt: number | null;
}

/**
 * Reads the session from localStorage. Accepts both the JSON object this app writes and
 * a bare JWT string (what a test or script setting the key by hand is likely to write).
 */
export function readSession(): StoredSession | null {
  let raw: string | null;
  try {
    raw = globalThis.localStorage?.getItem(SESSION_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled (privacy mode): behave as signed out
  }
  if (!raw) return null;
  if (!raw.trimStart().startsWith('{')) return { accessToken: raw.trim(), user: null, expiresAt: null };
  try {
    const parsed: unknown = JSON.parse(raw);
    return isStoredSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Persists the session; the access token is the only credential the SPA holds. */
export function writeSession(session: StoredSession): void {
  try {
    globalThis.localStorage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the session still lives in memory for this tab.
  }
}

export function clearStoredSession(): void {
  try {
    globalThis.localStorage?.removeItem(SESSION_STORAGE_KEY);
  } catch {
    // Nothing to clear.
  }
}

/** The bearer token for the next request, or `null` when signed out. */
export function readAccessToken(): string | null {
  return readSession()?.accessToken || null;
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StoredSession>;
  return (
    typeof candidate.accessToken === 'string' &&
    candidate.accessToken.length > 0 &&
    (candidate.user === undefined || candidate.user === null || typeof candidate.user === 'object') &&
    (candidate.expiresAt === undefined || candidate.expiresAt === null || typeof candidate.expiresAt === 'number')
  );
}
