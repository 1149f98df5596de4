/**
 * Every error code a client can see, with the OpenAI error `type` and HTTP status it maps to.
 * OpenAI SDKs pick their exception class from the status, so the status is part of the contract.
 */
export const ERROR_CODES = {
  invalid_request: { type: 'invalid_request_error', status: 400 },
  validation_failed: { type: 'invalid_request_error', status: 400 },
  invalid_json: { type: 'invalid_request_error', status: 400 },
  unknown_model: { type: 'invalid_request_error', status: 400 },
  unknown_provider: { type: 'invalid_request_error', status: 400 },
  invalid_api_key: { type: 'authentication_error', status: 401 },
  invalid_credentials: { type: 'authentication_error', status: 401 },
  unauthenticated: { type: 'authentication_error', status: 401 },
  provider_key_missing: { type: 'authentication_error', status: 401 },
  provider_key_unusable: { type: 'authentication_error', status: 401 },
  upstream_authentication_failed: { type: 'authentication_error', status: 401 },
  permission_denied: { type: 'permission_error', status: 403 },
  not_found: { type: 'not_found_error', status: 404 },
  conflict: { type: 'invalid_request_error', status: 409 },
  payload_too_large: { type: 'invalid_request_error', status: 413 },
  provider_key_rejected: { type: 'invalid_request_error', status: 422 },
  rate_limit_exceeded: { type: 'rate_limit_error', status: 429 },
  upstream_error: { type: 'api_error', status: 502 },
  upstream_unreachable: { type: 'api_error', status: 502 },
  upstream_timeout: { type: 'timeout_error', status: 504 },
  service_unavailable: { type: 'api_error', status: 503 },
  internal_error: { type: 'server_error', status: 500 },
} as const satisfies Record<string, { type: string; status: number }>;

/** A machine-readable error code (`error.code`). */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The OpenAI error body every UniRoute error response carries. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    code: string | null;
    param: string | null;
  };
}
