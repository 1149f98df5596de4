import { randomHex } from '../../ids.js';
import type { KeyFailure } from '../../key-failure-marker.js';
import type { JsonReply, StandInFailure } from '../provider-api.js';
import { maskKeyLikeOpenAI } from './mask-key-like-openai.js';

/** A fresh `x-request-id`, which OpenAI sends on every response. */
export function openAIResponseHeaders(): Record<string, string> {
  return { 'x-request-id': `req_${randomHex(32)}`, 'openai-version': '2020-10-01', 'openai-processing-ms': '1' };
}

/**
 * OpenAI's error body: `{ error: { message, type, param, code } }`.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function openAIErrorReply(
  status: number,
  error: { message: string; type: string; param?: string | null; code?: string | null },
  headers: Readonly<Record<string, string>> = {},
): JsonReply {
  return {
    kind: 'json',
    status,
    headers: { ...openAIResponseHeaders(), ...headers },
    body: { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } },
  };
}

export function openAIModelNotFound(model: string): JsonReply {
  return openAIErrorReply(404, {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    code: 'model_not_found',
  });
}

export function openAIFailureReply(failure: StandInFailure): JsonReply {
  switch (failure.kind) {
    case 'missing-api-key':
      return openAIErrorReply(401, {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        type: 'invalid_request_error',
      });
    case 'invalid-api-key':
      return invalidApiKey(failure.apiKey);
    case 'invalid-json':
      return openAIErrorReply(400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
        type: 'invalid_request_error',
      });
    case 'route-not-found':
      return openAIErrorReply(404, { message: `Invalid URL (${failure.method} ${failure.path})`, type: 'invalid_request_error' });
    case 'injected-status':
      return injectedStatus(failure.status, failure.model, failure.apiKey);
    case 'key-failure':
      return keyFailure(failure.failure, failure.model, failure.apiKey);
  }
}

/**
 * A marked key's problem as OpenAI words it. OpenAI has no 402: a key out of credit gets a 429 whose type and
 * code are `insufficient_quota` (no `retry-after`, waiting does not help).
 * @see https://platform.openai.com/docs/guides/error-codes
 */
function keyFailure(failure: KeyFailure, model: string | null, apiKey: string): JsonReply {
  switch (failure.status) {
    case 401:
      return invalidApiKey(apiKey);
    case 402:
      return openAIErrorReply(429, {
        message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      });
    case 403:
      return openAIErrorReply(403, { message: 'You are not allowed to sample from this model', type: 'invalid_request_error', code: 'unsupported_country_region_territory' });
    case 429: {
      const reply = injectedStatus(429, model, apiKey);
      return { ...reply, headers: { ...reply.headers, 'retry-after': String(failure.retryAfterSeconds) } };
    }
  }
}

/** The real message echoes the rejected key, masked; gateway tests check it never reaches their callers unmasked. */
function invalidApiKey(apiKey: string): JsonReply {
  return openAIErrorReply(401, {
    message: `Incorrect API key provided: ${maskKeyLikeOpenAI(apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  });
}

function injectedStatus(status: number, model: string | null, apiKey: string | null): JsonReply {
  const modelName = model ?? 'gpt-4o';
  switch (status) {
    case 400:
      return openAIErrorReply(400, { message: 'Invalid request.', type: 'invalid_request_error' });
    case 401:
      return invalidApiKey(apiKey ?? 'sk-unknown-key');
    case 403:
      return openAIErrorReply(403, {
        message: 'Project does not have access to this model.',
        type: 'invalid_request_error',
        code: 'model_not_found',
      });
    case 404:
      return openAIModelNotFound(modelName);
    case 429:
      return openAIErrorReply(
        429,
        {
          message: `Rate limit reached for ${modelName} in organization org-standin on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
        {
          'retry-after': '1',
          'x-ratelimit-limit-requests': '3',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '1s',
        },
      );
    case 503:
      return openAIErrorReply(503, {
        message: 'The engine is currently overloaded, please try again later.',
        type: 'server_error',
      });
    default:
      return openAIErrorReply(status, {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
      });
  }
}

/**
 * The body OpenAI sends as a `data:` event when a stream fails after it began;
 * the official SDK throws an APIError when a chunk carries `error`.
 */
export const OPENAI_MID_STREAM_ERROR = {
  error: {
    message: 'The server had an error processing your request. Sorry about that! You can retry your request.',
    type: 'server_error',
    param: null,
    code: null,
  },
};
