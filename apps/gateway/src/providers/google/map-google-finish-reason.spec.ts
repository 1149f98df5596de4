import { describe, expect, it } from 'vitest';
import { mapGoogleFinishReason } from './map-google-finish-reason.js';

describe(mapGoogleFinishReason.name, () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['SOMETHING_NEW', false, 'stop'],
    [undefined, true, 'tool_calls'],
  ] as const)('maps %s (tool calls: %s) to %s', (finishReason, hasToolCalls, expected) => {
    expect(mapGoogleFinishReason(finishReason, hasToolCalls)).toBe(expected);
  });
});
