import type { GatewayError } from '../common/errors/gateway-error.js';
import type { NativeApi } from './native-api.js';

/**
 * The Gemini API as `@google/genai` calls it under `httpOptions.baseUrl: '<gateway>/google'`. The key
 * goes in `x-goog-api-key`, never in the URL (the caller's `key=` is dropped before the upstream call).
 * @see https://ai.google.dev/api#authentication
 * @see https://ai.google.dev/api/generate-content
 */
export const GOOGLE_NATIVE_API: NativeApi = {
  provider: 'google',

  upstreamHeaders(_clientHeaders, apiKey, hasBody) {
    const headers: Record<string, string> = { 'x-goog-api-key': apiKey };
    if (hasBody) headers['content-type'] = 'application/json';
    return headers;
  },

  relaysResponseHeader(name) {
    return name === 'retry-after';
  },

  streamErrorEvent(error) {
    const body = { error: { code: error.status, message: error.message, status: googleRpcStatus(error) } };
    // Gemini frames its events with CRLF; the SDK raises an ApiError for a chunk carrying `error.code`.
    return `data: ${JSON.stringify(body)}\r\n\r\n`;
  },
};

/**
 * The google.rpc status name for an error UniRoute raises mid-stream.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
function googleRpcStatus(error: GatewayError): 'DEADLINE_EXCEEDED' | 'UNAVAILABLE' {
  return error.status === 504 ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE';
}
