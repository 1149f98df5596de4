import { randomToken } from '../../ids.js';
import type { KeyFailure } from '../../key-failure-marker.js';
import type { JsonReply, StandInFailure } from '../provider-api.js';

/** Anthropic's error types. @see https://docs.anthropic.com/en/api/errors */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'billing_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** A fresh request id such as `req_011CYfUGm894GvnVxoN9fNaL`. */
export function createAnthropicRequestId(): string {
  return `req_011C${randomToken(20)}`;
}

/** Every Anthropic response carries its id in a `request-id` header. */
export function anthropicResponseHeaders(requestId: string = createAnthropicRequestId()): Record<string, string> {
  return { 'request-id': requestId };
}

/**
 * `{ type: "error", error: { type, message }, request_id }`, with the same id in
 * the `request-id` header.
 * @see https://docs.anthropic.com/en/api/errors#error-shapes
 */
export function anthropicErrorReply(
  status: number,
  type: AnthropicErrorType,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): JsonReply {
  const requestId = createAnthropicRequestId();
  return {
    kind: 'json',
    status,
    headers: { ...anthropicResponseHeaders(requestId), ...headers },
    body: { type: 'error', error: { type, message }, request_id: requestId },
  };
}

export function anthropicModelNotFound(model: string): JsonReply {
  return anthropicErrorReply(404, 'not_found_error', `model: ${model}`);
}

export function anthropicFailureReply(failure: StandInFailure): JsonReply {
  switch (failure.kind) {
    case 'missing-api-key':
      return anthropicErrorReply(401, 'authentication_error', 'x-api-key header is required');
    case 'invalid-api-key':
      return anthropicErrorReply(401, 'authentication_error', 'invalid x-api-key');
    case 'invalid-json':
      return anthropicErrorReply(400, 'invalid_request_error', `The request body is not valid JSON: ${failure.detail}`);
    case 'route-not-found':
      return anthropicErrorReply(404, 'not_found_error', 'Not Found');
    case 'injected-status':
      return injectedStatus(failure.status, failure.model);
    case 'key-failure':
      return keyFailure(failure.failure, failure.model);
  }
}

/** A marked key's problem as Anthropic words it; out of credit is a 402 `billing_error`. @see https://docs.anthropic.com/en/api/errors */
function keyFailure(failure: KeyFailure, model: string | null): JsonReply {
  switch (failure.status) {
    case 402:
      return anthropicErrorReply(402, 'billing_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.');
    case 429: {
      const reply = injectedStatus(429, model);
      return { ...reply, headers: { ...reply.headers, 'retry-after': String(failure.retryAfterSeconds) } };
    }
    case 401:
    case 403:
      return injectedStatus(failure.status, model);
  }
}

function injectedStatus(status: number, model: string | null): JsonReply {
  switch (status) {
    case 400:
      return anthropicErrorReply(400, 'invalid_request_error', 'Invalid request.');
    case 401:
      return anthropicErrorReply(401, 'authentication_error', 'invalid x-api-key');
    case 403:
      return anthropicErrorReply(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
    case 404:
      return anthropicModelNotFound(model ?? 'claude-sonnet-4-5');
    case 413:
      return anthropicErrorReply(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.');
    case 429:
      return anthropicErrorReply(
        429,
        'rate_limit_error',
        'Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
        {
          'retry-after': '1',
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '0',
        },
      );
    case 529:
      return anthropicErrorReply(529, 'overloaded_error', 'Overloaded');
    default:
      return anthropicErrorReply(status, 'api_error', 'Internal server error');
  }
}

/**
 * A stream that fails after it began ends with a named `error` event.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events
 */
export const ANTHROPIC_MID_STREAM_ERROR = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
