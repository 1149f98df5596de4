import type { ChatCompletionMessageParam } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../provider-adapter.js';
import { OPENAI_MAX_TOOL_CALL_ID_LENGTH, shortToolCallId, toOpenAIRequest } from './openai-history.js';

const LEGACY_GEMINI_ID = `call_abc123_ts_${'Q'.repeat(180)}`;

function historyFromGemini(): ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      reasoning_content: 'I should look it up.',
      thinking_blocks: [{ type: 'thinking', thinking: 'I should look it up.', signature: 'anthropic-signature' }],
      tool_calls: [
        {
          id: LEGACY_GEMINI_ID,
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
          extra_content: { google: { thought_signature: 'gemini-signature' } },
        },
      ],
    } as unknown as ChatCompletionMessageParam,
    { role: 'tool', tool_call_id: LEGACY_GEMINI_ID, content: '18C' },
  ];
}

describe(toOpenAIRequest.name, () => {
  it('returns a request with nothing foreign in it as the very same object', () => {
    const request: ChatRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'low' };

    expect(toOpenAIRequest(request)).toBe(request);
  });

  it('drops reasoning fields, Gemini signatures and native thinking settings, and shortens long ids consistently', () => {
    const request: ChatRequest = { model: 'gpt-4o', messages: historyFromGemini(), thinking: { type: 'enabled', budget_tokens: 2000 } };

    const sut = toOpenAIRequest(request);
    const text = JSON.stringify(sut);

    expect(text).not.toContain('gemini-signature');
    expect(text).not.toContain('anthropic-signature');
    expect(text).not.toContain('reasoning_content');
    expect(sut).not.toHaveProperty('thinking');
    const assistant = sut.messages[1] as Extract<ChatCompletionMessageParam, { role: 'assistant' }>;
    const tool = sut.messages[2] as Extract<ChatCompletionMessageParam, { role: 'tool' }>;
    const id = assistant.tool_calls?.[0]?.id ?? '';
    expect(id.length).toBeLessThanOrEqual(OPENAI_MAX_TOOL_CALL_ID_LENGTH);
    expect(tool.tool_call_id).toBe(id);
    expect(assistant.tool_calls?.[0]).toEqual({ id, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } });
  });

  it('leaves the caller’s request untouched', () => {
    const messages = historyFromGemini();
    const before = JSON.stringify(messages);

    toOpenAIRequest({ model: 'gpt-4o', messages });

    expect(JSON.stringify(messages)).toBe(before);
  });
});

describe(shortToolCallId.name, () => {
  it('keeps ids up to 40 characters and maps longer ones to distinct stable 37-character ids', () => {
    const short = 'call_' + 'a'.repeat(35);
    const first = shortToolCallId(`${LEGACY_GEMINI_ID}1`);

    expect(shortToolCallId(short)).toBe(short);
    expect(first).toMatch(/^call_[0-9a-f]{16}$/);
    expect(shortToolCallId(`${LEGACY_GEMINI_ID}1`)).toBe(first);
    expect(shortToolCallId(`${LEGACY_GEMINI_ID}2`)).not.toBe(first);
  });
});
