import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import { ANTHROPIC_NATIVE_API } from './anthropic-native-api.js';
import { GOOGLE_NATIVE_API } from './google-native-api.js';
import { forwardedQuery, headerValue } from './native-api.js';

const timeout = new GatewayError('upstream_timeout', 'Anthropic did not answer within 120 s.');

describe(forwardedQuery.name, () => {
  it.each([
    ['/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', '?alt=sse'],
    ['/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=AIzaSy-secret', '?alt=sse'],
    ['/google/v1beta/models?key=ur_secret', ''],
    ['/anthropic/v1/models?limit=5&after_id=claude-x', '?limit=5&after_id=claude-x'],
    ['/anthropic/v1/messages', ''],
  ])('keeps the query of %s but any key= (%s)', (url, expected) => {
    expect(forwardedQuery(url)).toBe(expected);
  });
});

describe(headerValue.name, () => {
  it('joins repeated headers and treats blank as absent', () => {
    expect(headerValue(['a-2025', 'b-2025'])).toBe('a-2025,b-2025');
    expect(headerValue('  ')).toBeUndefined();
    expect(headerValue(undefined)).toBeUndefined();
  });
});

describe('ANTHROPIC_NATIVE_API', () => {
  const sut = ANTHROPIC_NATIVE_API;

  it('sends the resolved key in x-api-key with the client\'s version and beta headers, and nothing else of the client\'s', () => {
    const headers = sut.upstreamHeaders(
      { authorization: 'Bearer ur_caller', 'x-api-key': 'ur_caller', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'tools-2024', cookie: 'a=b', 'user-agent': 'sdk' },
      'sk-ant-provider',
      true,
    );
    expect(headers).toEqual({ 'x-api-key': 'sk-ant-provider', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'tools-2024', 'content-type': 'application/json' });
  });

  it('defaults anthropic-version and sends no content-type without a body', () => {
    expect(sut.upstreamHeaders({}, 'sk-ant-provider', false)).toEqual({ 'x-api-key': 'sk-ant-provider', 'anthropic-version': '2023-06-01' });
  });

  it('passes back request ids and rate-limit hints only', () => {
    expect(['request-id', 'retry-after', 'x-should-retry', 'anthropic-ratelimit-tokens-remaining'].every((name) => sut.relaysResponseHeader(name))).toBe(true);
    expect(['set-cookie', 'content-length', 'connection', 'server'].some((name) => sut.relaysResponseHeader(name))).toBe(false);
  });

  it('writes an error raised mid-stream as Anthropic\'s named error event', () => {
    expect(sut.streamErrorEvent(timeout)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"Anthropic did not answer within 120 s."}}\n\n',
    );
  });
});

describe('GOOGLE_NATIVE_API', () => {
  const sut = GOOGLE_NATIVE_API;

  it('sends the resolved key in x-goog-api-key and none of the client\'s headers', () => {
    expect(sut.upstreamHeaders({ 'x-goog-api-key': 'ur_caller', 'x-goog-api-client': 'sdk' }, 'AIzaSy-provider', true)).toEqual({
      'x-goog-api-key': 'AIzaSy-provider',
      'content-type': 'application/json',
    });
  });

  it('writes an error raised mid-stream as a Gemini error chunk', () => {
    expect(sut.streamErrorEvent(new GatewayError('upstream_unreachable', 'Could not reach Google Gemini.'))).toBe(
      'data: {"error":{"code":502,"message":"Could not reach Google Gemini.","status":"UNAVAILABLE"}}\r\n\r\n',
    );
  });
});
