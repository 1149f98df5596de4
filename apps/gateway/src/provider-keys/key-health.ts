import { PROVIDER_LABELS, type KeyHealth, type ProviderId } from '@uniroute/shared';
import { isPlainObject } from '../providers/request-content.js';
import { parseErrorBody } from '../providers/upstream-error.js';

/** A new health state for a stored key, with the words the settings page shows. */
export interface HealthVerdict {
  readonly health: KeyHealth;
  readonly reason: string | null;
  readonly until: Date | null;
}

/** Without a `Retry-After`, a rate-limited key rests this long (§8). */
export const DEFAULT_RATE_LIMIT_SECONDS = 60;
/** A provider's `Retry-After` is believed up to a day: past that it is more likely a bug than a plan. */
const MAX_RATE_LIMIT_SECONDS = 24 * 60 * 60;

/** Where the verdict came from, for the reason's wording. */
export type HealthEvidence = 'request' | 'test';

/**
 * What an upstream error says about the key that was used (§8), or `null` when it says nothing about
 * the key (a bad request, a server error). `status` is the status the adapter read (Gemini's
 * `API_KEY_INVALID` 400 is a 401); the body is searched for the providers' billing errors:
 * OpenAI's 429 `insufficient_quota` and Anthropic's `billing_error`.
 * @see https://platform.openai.com/docs/guides/error-codes
 * @see https://docs.anthropic.com/en/api/errors
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting
 */
export function healthFromUpstream(
  provider: ProviderId,
  status: number,
  body: unknown,
  retryAfter: string | undefined,
  evidence: HealthEvidence,
  now = new Date(),
): HealthVerdict | null {
  const label = PROVIDER_LABELS[provider];
  const where = evidence === 'test' ? 'a connection test' : 'a request';
  if (status === 402 || isBillingError(body)) {
    return { health: 'quota_exhausted', reason: `${label} reported no quota or credit left for this key (HTTP ${status}) on ${where}.`, until: null };
  }
  if (status === 401 || status === 403) {
    return { health: 'rejected', reason: `${label} rejected this key (HTTP ${status}) on ${where}.`, until: null };
  }
  if (status === 429) {
    if (isRequestTooLarge(body)) return null;
    const seconds = retryAfterSeconds(retryAfter, now) ?? DEFAULT_RATE_LIMIT_SECONDS;
    return { health: 'rate_limited', reason: `${label} rate-limited this key (HTTP 429) on ${where}.`, until: new Date(now.getTime() + seconds * 1000) };
  }
  return null;
}

/** Whether a key in `health` (until `until`) is skipped now. */
export function isKeySkipped(health: KeyHealth, until: Date | null, now = Date.now()): boolean {
  switch (health) {
    case 'rejected':
    case 'quota_exhausted':
      return true;
    case 'rate_limited':
      return until !== null && until.getTime() > now;
    case 'unverified':
    case 'ok':
      return false;
  }
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date; capped, `null` when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = new Date()): number | null {
  if (value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  let seconds: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) seconds = Math.ceil(Number(trimmed));
  else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return null;
    seconds = Math.ceil((date - now.getTime()) / 1000);
  }
  return Math.min(Math.max(seconds, 1), MAX_RATE_LIMIT_SECONDS);
}

/** OpenAI's `error.type`/`error.code` and Anthropic's `error.type` for a key without credit. */
const BILLING_ERROR_KINDS: ReadonlySet<unknown> = new Set(['insufficient_quota', 'billing_error']);

/**
 * Whether the provider's error object says "no credit" where each provider puts it (`error.type`, `error.code`).
 * Never a search of the whole body: an error quotes the request too (OpenAI names an unknown parameter in
 * `param`), so a client field named `insufficient_quota` used to mark the key out of credit — a team member could
 * have the team's key skipped for everyone until an admin replaced or tested it.
 */
function isBillingError(body: unknown): boolean {
  const error = providerErrorObject(body);
  return error !== undefined && (BILLING_ERROR_KINDS.has(error['type']) || BILLING_ERROR_KINDS.has(error['code']));
}

/**
 * OpenAI's 429 for one request larger than the key's whole per-minute token allowance ("Request too large for gpt-4o
 * … on tokens per min (TPM): Limit 30000, Requested 36278. The input or output tokens must be reduced …"): the
 * request can never pass, however long the key rests, and the key is not busy. Taken as a rate limit, one team
 * member's oversized request would have the team's key skipped for everyone for a minute, again and again.
 */
function isRequestTooLarge(body: unknown): boolean {
  const error = providerErrorObject(body);
  return error?.['code'] === 'rate_limit_exceeded' && typeof error['message'] === 'string' && error['message'].startsWith('Request too large for ');
}

/** The `error` object of OpenAI's and Anthropic's error bodies (parsed or not), where they put `type`, `code` and `message`. */
function providerErrorObject(body: unknown): Record<string, unknown> | undefined {
  const parsed = parseErrorBody(body);
  const error = isPlainObject(parsed) ? parsed['error'] : undefined;
  return isPlainObject(error) ? error : undefined;
}
