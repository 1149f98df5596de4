import type { ChatCompletionChunk, ReasoningMessageFields } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { fixedRuntime, prepareChunksFixture, readJsonFixture, replayStream } from '../__fixtures__/prepare-chunks-fixture.js';
import type { ChatRequest, UpstreamContext } from '../provider-adapter.js';
import { AnthropicAdapter, DEFAULT_ANTHROPIC_MAX_TOKENS } from './anthropic.adapter.js';
import type { AnthropicMessagesRequest } from './anthropic.types.js';
import { INTERLEAVED_THINKING_BETA, thinksAdaptively } from './anthropic-thinking.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

const CONTEXT: UpstreamContext = { apiKey: 'sk-ant-api03-TESTKEYTESTKEY1234', keySource: 'user', baseUrl: 'https://api.anthropic.com' };
const BASE_REQUEST: ChatRequest = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'What is 27 * 453?' }] };
const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
} as const;
const SIGNATURE = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds';

function createSut(): AnthropicAdapter {
  return new AnthropicAdapter(fixedRuntime());
}

function upstreamBody(sut: AnthropicAdapter, request: ChatRequest): AnthropicMessagesRequest {
  return JSON.parse(sut.toUpstreamRequest(request, CONTEXT).body ?? '') as AnthropicMessagesRequest;
}

describe(`${AnthropicAdapter.name} with extended thinking`, () => {
  describe('toUpstreamRequest', () => {
    it.each([
      ['minimal', 1024],
      ['low', 2048],
      ['medium', 8192],
      ['high', 24576],
      ['xhigh', 24576],
    ] as const)('maps reasoning_effort %s to a %i-token thinking budget on top of the default answer length', (effort, budget) => {
      const body = upstreamBody(createSut(), { ...BASE_REQUEST, reasoning_effort: effort });

      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
      expect(body.max_tokens).toBe(budget + DEFAULT_ANTHROPIC_MAX_TOKENS);
    });

    it('sends no thinking for reasoning_effort none or when it is absent', () => {
      const sut = createSut();

      expect(upstreamBody(sut, { ...BASE_REQUEST, reasoning_effort: 'none' }).thinking).toBeUndefined();
      expect(upstreamBody(sut, BASE_REQUEST).thinking).toBeUndefined();
    });

    it('keeps the caller’s token limit and shrinks the budget to leave room for the answer', () => {
      const body = upstreamBody(createSut(), { ...BASE_REQUEST, reasoning_effort: 'high', max_completion_tokens: 5000 });

      expect(body.max_tokens).toBe(5000);
      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 5000 - 1024 });
    });

    it('rejects a token limit too small for Claude’s minimum budget with a 400 naming it', () => {
      const sut = createSut();

      const act = () => sut.toUpstreamRequest({ ...BASE_REQUEST, reasoning_effort: 'low', max_tokens: 1000 }, CONTEXT);

      expect(act).toThrow(GatewayError);
      expect(act).toThrow(expect.objectContaining({ status: 400, param: 'max_tokens' }));
    });

    it('lets an explicit native thinking parameter win over reasoning_effort, unchanged', () => {
      const body = upstreamBody(createSut(), {
        ...BASE_REQUEST,
        reasoning_effort: 'low',
        thinking: { type: 'enabled', budget_tokens: 3000 },
      });

      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 3000 });
      expect(body.max_tokens).toBe(3000 + DEFAULT_ANTHROPIC_MAX_TOKENS);
    });

    it('leaves out temperature and top_p, which thinking does not allow', () => {
      const body = upstreamBody(createSut(), { ...BASE_REQUEST, reasoning_effort: 'low', temperature: 0.2, top_p: 0.5 });

      expect(body).not.toHaveProperty('temperature');
      expect(body).not.toHaveProperty('top_p');
    });

    it('asks for interleaved thinking when tools are offered, and only then', () => {
      const sut = createSut();

      const withTools = sut.toUpstreamRequest({ ...BASE_REQUEST, reasoning_effort: 'low', tools: [WEATHER_TOOL] }, CONTEXT);
      const withoutTools = sut.toUpstreamRequest({ ...BASE_REQUEST, reasoning_effort: 'low' }, CONTEXT);
      const withoutThinking = sut.toUpstreamRequest({ ...BASE_REQUEST, tools: [WEATHER_TOOL] }, CONTEXT);

      expect(withTools.headers['anthropic-beta']).toBe(INTERLEAVED_THINKING_BETA);
      expect(withoutTools.headers['anthropic-beta']).toBeUndefined();
      expect(withoutThinking.headers['anthropic-beta']).toBeUndefined();
    });

    it.each([
      ['minimal', 'low'],
      ['medium', 'medium'],
      ['high', 'high'],
    ] as const)('asks Claude 4.6 and later for adaptive thinking with effort %s → %s instead of a budget', (effort, expected) => {
      const sut = createSut();
      const request = { ...BASE_REQUEST, model: 'claude-opus-4-7', reasoning_effort: effort, tools: [WEATHER_TOOL] };

      const upstream = sut.toUpstreamRequest(request, CONTEXT);
      const body = JSON.parse(upstream.body ?? '') as AnthropicMessagesRequest;

      expect(body.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
      expect(body.output_config).toEqual({ effort: expected });
      expect(upstream.headers['anthropic-beta']).toBeUndefined();
    });

    it('tells adaptive-thinking models from budget-only ones by name', () => {
      expect(['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-opus-4-7', 'claude-opus-5', 'claude-sonnet-4-6-20260217'].map(thinksAdaptively)).toEqual([
        true, true, true, true, true,
      ]);
      expect(['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-opus-4-20250514', 'claude-3-7-sonnet-latest'].map(thinksAdaptively)).toEqual([
        false, false, false, false, false,
      ]);
    });

    it('sends thinking_blocks back first in their assistant turn, unchanged, and never reasoning_content', () => {
      const thinkingBlocks: NonNullable<ReasoningMessageFields['thinking_blocks']> = [
        { type: 'thinking', thinking: 'I should call the tool.', signature: SIGNATURE },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
      ];
      const assistant = {
        role: 'assistant' as const,
        content: null,
        reasoning_content: 'I should call the tool.',
        thinking_blocks: thinkingBlocks,
        tool_calls: [{ id: 'toolu_01X', type: 'function' as const, function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
      };

      const body = upstreamBody(createSut(), {
        ...BASE_REQUEST,
        reasoning_effort: 'low',
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          assistant,
          { role: 'tool', tool_call_id: 'toolu_01X', content: '18C' },
        ],
      });

      expect(body.messages[1]).toEqual({
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should call the tool.', signature: SIGNATURE },
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
          { type: 'tool_use', id: 'toolu_01X', name: 'get_weather', input: { location: 'Paris' } },
        ],
      });
    });
  });

  describe('fromUpstreamResponse', () => {
    it('returns thinking as reasoning_content and the signed block as thinking_blocks', () => {
      const completion = createSut().fromUpstreamResponse(readJsonFixture(fixture('anthropic-thinking.json')), BASE_REQUEST);

      const thinking = 'Let me analyze this step by step. 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.';
      expect(completion.choices[0]?.message).toEqual({
        role: 'assistant',
        content: '27 × 453 = 12,231.',
        refusal: null,
        reasoning_content: thinking,
        thinking_blocks: [
          { type: 'thinking', thinking, signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL....' },
        ],
      });
    });

    it('keeps redacted thinking as an opaque block, in order, and out of reasoning_content', () => {
      const completion = createSut().fromUpstreamResponse(readJsonFixture(fixture('anthropic-redacted-thinking.json')), BASE_REQUEST);
      const message = completion.choices[0]?.message as ReasoningMessageFields & { content: string };

      expect(message.content).toBe('Here is my answer.');
      expect(message.reasoning_content).toBe("I'll consider the request carefully.");
      expect(message.thinking_blocks?.map((block) => block.type)).toEqual(['thinking', 'redacted_thinking']);
      expect(message.thinking_blocks?.[1]).toEqual({
        type: 'redacted_thinking',
        data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URv...',
      });
    });

    it('reads the interleaved answer after a tool result like any other thinking answer', () => {
      const completion = createSut().fromUpstreamResponse(readJsonFixture(fixture('anthropic-interleaved-thinking.json')), BASE_REQUEST);

      expect(completion.choices[0]?.message).toMatchObject({
        content: 'It is 18°C and cloudy in Paris.',
        reasoning_content: 'The tool says 18°C and cloudy. I can answer now.',
        thinking_blocks: [{ type: 'thinking', signature: 'ErcBCkgIBxABGAIiQL3Qp2m0XyV5rFQk4i8aS9vS0vbD6ZcYbYcM1pSxB0s...' }],
      });
      expect(completion.choices[0]?.finish_reason).toBe('stop');
    });
  });

  describe('fromUpstreamEvent', () => {
    it('streams thinking as reasoning_content deltas, each signed block whole once it is complete, then the tool call', () => {
      const chunks = replayStream(createSut(), { ...BASE_REQUEST, stream: true }, prepareChunksFixture(fixture('anthropic-thinking-tool-use.chunks.txt')));

      expect(chunks.map((chunk: ChatCompletionChunk) => chunk.choices[0]?.delta)).toEqual([
        { role: 'assistant', content: '' },
        { reasoning_content: 'The user asks about Paris. ' },
        { reasoning_content: 'I should call get_weather.' },
        { thinking_blocks: [{ type: 'thinking', thinking: 'The user asks about Paris. I should call get_weather.', signature: SIGNATURE }] },
        { thinking_blocks: [{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIw' }] },
        { tool_calls: [{ index: 0, id: 'toolu_01Th1nkT00lCa11Id0001', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
        { tool_calls: [{ index: 0, function: { arguments: '{"location": ' } }] },
        { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
        {},
      ]);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    });
  });
});
