import { ANTHROPIC_VERSION } from '../providers/anthropic/anthropic.adapter.js';
import type { GatewayError } from '../common/errors/gateway-error.js';
import { headerValue, type NativeApi } from './native-api.js';

/** Anthropic response headers the SDK reads: the request id (`_request_id`) and its retry decision. */
const RELAYED_RESPONSE_HEADERS = new Set(['request-id', 'retry-after', 'retry-after-ms', 'x-should-retry']);

/**
 * The Anthropic API as its SDK calls it under `baseURL: '<gateway>/anthropic'`. The key goes in
 * `x-api-key`; `anthropic-version` and `anthropic-beta` come from the client, because they choose the
 * request and response shapes the SDK expects (the version defaults to the one UniRoute speaks).
 * @see https://docs.anthropic.com/en/api/overview#authentication
 * @see https://docs.anthropic.com/en/api/versioning
 * @see https://docs.anthropic.com/en/api/beta-headers
 */
export const ANTHROPIC_NATIVE_API: NativeApi = {
  provider: 'anthropic',

  upstreamHeaders(clientHeaders, apiKey, hasBody) {
    const headers: Record<string, string> = {
      'x-api-key': apiKey,
      'anthropic-version': headerValue(clientHeaders['anthropic-version']) ?? ANTHROPIC_VERSION,
    };
    const beta = headerValue(clientHeaders['anthropic-beta']);
    if (beta) headers['anthropic-beta'] = beta;
    if (hasBody) headers['content-type'] = 'application/json';
    return headers;
  },

  relaysResponseHeader(name) {
    return RELAYED_RESPONSE_HEADERS.has(name) || name.startsWith('anthropic-ratelimit-');
  },

  streamErrorEvent(error) {
    const body = { type: 'error', error: { type: anthropicErrorType(error), message: error.message } };
    return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
  },
};

/**
 * The Anthropic error type for an error UniRoute raises mid-stream: its SDK turns the `error` event into an `APIError`.
 * @see https://docs.anthropic.com/en/api/errors#http-errors
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events
 */
function anthropicErrorType(error: GatewayError): 'timeout_error' | 'api_error' {
  return error.status === 504 ? 'timeout_error' : 'api_error';
}
