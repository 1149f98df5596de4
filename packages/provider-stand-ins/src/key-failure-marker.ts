/** The statuses a key can ask for (§8 key health): rejected, out of credit, forbidden, rate limited. */
export const KEY_FAILURE_STATUSES = [401, 402, 403, 429] as const;
export type KeyFailureStatus = (typeof KEY_FAILURE_STATUSES)[number];

/** What a marked key asks the stand-in to answer. */
export interface KeyFailure {
  readonly status: KeyFailureStatus;
  /** For 429: the `Retry-After` seconds (`-retry-<n>` in the key); default 1. */
  readonly retryAfterSeconds: number;
}

const MARKER = /stand-in-fail-(401|402|403|429)(?:-retry-(\d{1,5}))?/;

/**
 * Keys that fail on demand, so a gateway test can bring a key that "was revoked" or "ran out of credit" with
 * no injection to set up: a key containing `stand-in-fail-401` (or 402, 403, 429, the last optionally
 * `stand-in-fail-429-retry-30`) gets that answer from every endpoint, in the provider's own error shape.
 */
export function keyFailureOf(apiKey: string): KeyFailure | null {
  const match = MARKER.exec(apiKey);
  if (!match) return null;
  return { status: Number(match[1]) as KeyFailureStatus, retryAfterSeconds: match[2] === undefined ? 1 : Number(match[2]) };
}
