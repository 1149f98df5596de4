import type { KeyFailure } from '../../key-failure-marker.js';
import type { JsonReply, StandInFailure } from '../provider-api.js';

/** google.rpc.Code names Gemini puts in `error.status`. @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes */
export type GoogleRpcStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

export const GEMINI_JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json; charset=UTF-8' };

/** `{ error: { code, message, status, details? } }`, Google's API error body. */
export function geminiErrorReply(code: number, status: GoogleRpcStatus, message: string, details?: readonly unknown[]): JsonReply {
  return {
    kind: 'json',
    status: code,
    headers: GEMINI_JSON_HEADERS,
    body: { error: { code, message, status, ...(details === undefined ? {} : { details }) } },
  };
}

export function geminiModelNotFound(model: string, method: string): JsonReply {
  const name = model.startsWith('models/') ? model : `models/${model}`;
  return geminiErrorReply(
    404,
    'NOT_FOUND',
    `${name} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

const INVALID_KEY_MESSAGE = 'API key not valid. Please pass a valid API key.';

export function geminiFailureReply(failure: StandInFailure): JsonReply {
  switch (failure.kind) {
    case 'missing-api-key':
      return geminiErrorReply(
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    case 'invalid-api-key':
      // Gemini rejects a wrong key with 400, not 401.
      return geminiErrorReply(400, 'INVALID_ARGUMENT', INVALID_KEY_MESSAGE, [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: INVALID_KEY_MESSAGE },
      ]);
    case 'invalid-json': {
      const message = `Invalid JSON payload received. ${failure.detail}`;
      return geminiErrorReply(400, 'INVALID_ARGUMENT', message, [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ description: message }] },
      ]);
    }
    case 'route-not-found':
      return geminiErrorReply(404, 'NOT_FOUND', `Method not found: ${failure.method} ${failure.path}`);
    case 'injected-status':
      return injectedStatus(failure.status, failure.model);
    case 'key-failure':
      return keyFailure(failure.failure, failure.model);
  }
}

/**
 * A marked key's problem as Gemini words it: an invalid key is a 400 `API_KEY_INVALID` (see `invalid-api-key`),
 * depleted prepaid credit a 402, a rate limit a 429 with the delay in `RetryInfo` (Gemini sends no header).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting
 */
function keyFailure(failure: KeyFailure, model: string | null): JsonReply {
  switch (failure.status) {
    case 401:
      return geminiFailureReply({ kind: 'invalid-api-key', apiKey: 'marked' });
    case 402:
      return geminiErrorReply(402, 'RESOURCE_EXHAUSTED', 'Your prepayment credits are depleted. Please go to AI Studio to manage your project and billing.');
    case 403:
      return injectedStatus(403, model);
    case 429: {
      const reply = injectedStatus(429, model);
      const body = JSON.parse(JSON.stringify(reply.body).replace('"retryDelay":"1s"', `"retryDelay":"${failure.retryAfterSeconds}s"`)) as unknown;
      return { ...reply, body };
    }
  }
}

function injectedStatus(code: number, model: string | null): JsonReply {
  switch (code) {
    case 400:
      return geminiErrorReply(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    case 401:
      return geminiErrorReply(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    case 403:
      return geminiErrorReply(403, 'PERMISSION_DENIED', 'The caller does not have permission');
    case 404:
      return geminiModelNotFound(model ?? 'gemini-2.0-flash', 'generateContent');
    case 429:
      // Gemini sends no retry-after header; the delay travels in a RetryInfo detail.
      return geminiErrorReply(
        429,
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                quotaDimensions: { location: 'global', model: model ?? 'gemini-2.0-flash' },
                quotaValue: '15',
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' },
        ],
      );
    case 503:
      return geminiErrorReply(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 504:
      return geminiErrorReply(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
    default:
      return geminiErrorReply(code, 'INTERNAL', GEMINI_INTERNAL_MESSAGE);
  }
}

const GEMINI_INTERNAL_MESSAGE =
  'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

/**
 * A stream that fails after it began sends an error object as a `data:` event;
 * the official SDK turns a chunk with `error.code` into an ApiError.
 */
export const GEMINI_MID_STREAM_ERROR = { error: { code: 500, message: GEMINI_INTERNAL_MESSAGE, status: 'INTERNAL' } };
