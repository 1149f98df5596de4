import { PROVIDER_LABELS, type ErrorCode, type KeySource, type ProviderId } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { maskSecrets } from '../common/security/mask-secrets.js';
import type { UpstreamErrorContext } from './provider-adapter.js';
import { upstreamHeader } from './upstream-header.js';

/** Upstream messages are passed on, but a provider that echoes a whole request back should not flood the client. */
const MAX_UPSTREAM_MESSAGE_LENGTH = 1_000;

/** The response headers that tell an OpenAI SDK when to retry; they are the only upstream headers passed on. */
const RETRY_HEADER_NAMES = ['retry-after', 'retry-after-ms'] as const;

/** What an adapter read out of a provider's error response, in provider-neutral terms. */
export interface UpstreamFailure {
  readonly provider: ProviderId;
  /** The HTTP status the provider answered with (or the one its in-stream error type stands for). */
  readonly status: number;
  /** The provider's own error kind (`rate_limit_error`, `RESOURCE_EXHAUSTED`, `invalid_api_key` …), if it sent one. */
  readonly upstreamType?: string | null;
  /** The provider's own message; masked and shortened before it reaches the client. */
  readonly upstreamMessage?: string | null;
  /** The request field at fault, when the provider names one in OpenAI's terms. */
  readonly param?: string | null;
  /** Whose key was used; absent for in-stream errors, where it no longer matters. */
  readonly keySource?: KeySource;
  readonly headers?: UpstreamErrorContext['headers'];
  readonly exactSecrets?: UpstreamErrorContext['exactSecrets'];
  /** A retry hint found in the body (Gemini's `RetryInfo`), in seconds; a `retry-after` header wins over it. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/**
 * The gateway error code and status for an upstream status. The status is kept (the contract, §5) so OpenAI SDKs
 * raise the matching exception class, with two exceptions: Anthropic's non-standard 529 "overloaded" becomes 503,
 * the registered status with the same meaning (OpenAI SDKs treat both as a retryable server error, and proxies or
 * monitoring in front of UniRoute understand 503); and a non-error status is a broken upstream, 502.
 * @see https://platform.openai.com/docs/guides/error-codes
 * @see https://docs.anthropic.com/en/api/errors
 */
export function errorCodeForUpstreamStatus(status: number): { code: ErrorCode; status: number } {
  switch (status) {
    case 401:
      return { code: 'upstream_authentication_failed', status };
    case 403:
      return { code: 'permission_denied', status };
    case 404:
      return { code: 'not_found', status };
    case 408:
      return { code: 'upstream_timeout', status };
    case 409:
      return { code: 'conflict', status };
    case 413:
      return { code: 'payload_too_large', status };
    case 429:
      return { code: 'rate_limit_exceeded', status };
    case 503:
      return { code: 'service_unavailable', status };
    case 504:
      return { code: 'upstream_timeout', status };
    case 529:
      return { code: 'service_unavailable', status: 503 };
    default:
      if (Number.isInteger(status) && status >= 400 && status < 500) return { code: 'invalid_request', status };
      if (Number.isInteger(status) && status >= 500 && status < 600) return { code: 'upstream_error', status };
      return { code: 'upstream_error', status: 502 };
  }
}

/** Turns a provider's error into the one error type the gateway throws, safe to show the client. */
export function upstreamGatewayError(failure: UpstreamFailure): GatewayError {
  const { code, status } = errorCodeForUpstreamStatus(failure.status);
  return new GatewayError(code, describeFailure(failure, status), {
    status,
    param: failure.param ?? undefined,
    headers: retryHeaders(failure.headers, failure.retryAfterSeconds),
    cause: failure.cause,
  });
}

/**
 * A 502 for an upstream answer that does not have the shape its documentation promises. The parse error stays in
 * `cause` for the logs: it may quote the body, which the client should not see.
 */
export function unreadableUpstreamError(provider: ProviderId, what: string, cause: unknown): GatewayError {
  return new GatewayError('upstream_error', `${PROVIDER_LABELS[provider]} sent ${what} that UniRoute could not read.`, {
    status: 502,
    cause,
  });
}

/** Reads a JSON error body that arrived as text (some HTTP clients hand over the raw body). */
export function parseErrorBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function describeFailure(failure: UpstreamFailure, status: number): string {
  const label = PROVIDER_LABELS[failure.provider];
  const detail = upstreamDetail(failure);
  // An auth failure must say whose key the provider refused: the fix is in a different place for each.
  if (status === 401) return `${label} rejected ${whoseKey(failure.keySource)}${detail || '.'}`;
  if (status === 403) return `${label} denied access to ${whoseKey(failure.keySource)}${detail || '.'}`;
  const kind = failure.upstreamType ? ` (${maskSecrets(failure.upstreamType, failure.exactSecrets)})` : '';
  if (!detail) return `${label} returned HTTP ${failure.status}${kind} without an error message.`;
  return `${label} error${kind}${detail}`;
}

function upstreamDetail(failure: UpstreamFailure): string {
  const message = failure.upstreamMessage?.trim();
  if (!message) return '';
  // Exact secrets first, then the cut: shortened first, a key straddling the cut would no longer match whole.
  const masked = maskSecrets(message, failure.exactSecrets);
  const short =
    masked.length > MAX_UPSTREAM_MESSAGE_LENGTH ? `${masked.slice(0, MAX_UPSTREAM_MESSAGE_LENGTH)}…` : masked;
  return `: ${short}`;
}

function whoseKey(keySource: KeySource | undefined): string {
  switch (keySource) {
    case 'user':
      return 'your API key (stored in your UniRoute provider-key settings)';
    case 'server':
      return "the server's API key (configured by the UniRoute operator)";
    case 'request':
      return 'the API key sent with this request (x-uniroute-provider-key)';
    default:
      return 'the API key';
  }
}

function retryHeaders(
  headers: UpstreamErrorContext['headers'],
  retryAfterSeconds: number | undefined,
): Record<string, string> | undefined {
  const picked: Record<string, string> = {};
  for (const name of RETRY_HEADER_NAMES) {
    const first = upstreamHeader(headers, name);
    if (first) picked[name] = first;
  }
  if (!picked['retry-after'] && retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds)) {
    picked['retry-after'] = String(Math.max(0, Math.ceil(retryAfterSeconds)));
  }
  return Object.keys(picked).length > 0 ? picked : undefined;
}
