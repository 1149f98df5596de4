import type { ChatCompletionChunk, ChatCompletionMessageParam, ToolCallExtraFields } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import { SYSTEM_RUNTIME } from '../adapter-runtime.js';
import { fixedRuntime, prepareChunksFixture, readJsonFixture, replayStream } from '../__fixtures__/prepare-chunks-fixture.js';
import type { ChatRequest, ThoughtSignatureMemory, UpstreamContext } from '../provider-adapter.js';
import { GoogleAdapter } from './google.adapter.js';
import type { GoogleGenerateContentRequest } from './google.types.js';
import { DUMMY_THOUGHT_SIGNATURE, isGemini3OrLater } from './google-thinking.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

const CONTEXT: UpstreamContext = { apiKey: 'AIzaSyTESTKEYTESTKEY1234', keySource: 'user', baseUrl: 'https://generativelanguage.googleapis.com' };
const GEMINI_25: ChatRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Weather in Paris?' }] };
const GEMINI_3: ChatRequest = { ...GEMINI_25, model: 'gemini-3-pro-preview' };
const PARALLEL_SIGNATURE = 'EvQFCvEFAdHtim9Gq2hTjL3mWmX5C1lU2b0Q5xj1Ar7Fzn0HkN4wQyLp1dVu0B8sYt6eJk3cVg2qP9rZ4aX0=';
const STREAM_SIGNATURE = 'CtwDAdHtim8sQk1lWq0yBz3n8PqF7cR2uVd9xT4mJhE6aYwL0oZi5=';

/** A caller's memory backed by a Map, so tests can see what was remembered. */
function fakeMemory(entries = new Map<string, string>()): ThoughtSignatureMemory & { entries: Map<string, string> } {
  return { entries, remember: (id, signature) => void entries.set(id, signature), recall: (id) => entries.get(id) };
}

function createSut(): GoogleAdapter {
  return new GoogleAdapter(fixedRuntime());
}

function upstreamBody(sut: GoogleAdapter, request: ChatRequest, context: UpstreamContext = CONTEXT): GoogleGenerateContentRequest {
  return JSON.parse(sut.toUpstreamRequest(request, context).body ?? '') as GoogleGenerateContentRequest;
}

/** A turn-2 history: the user asked, the model called two tools in parallel (as given), the tools answered. */
function historyWith(toolCalls: Array<{ id: string } & ToolCallExtraFields>): ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: 'Weather in Paris and London?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: toolCalls.map((call, index) => ({
        ...call,
        type: 'function' as const,
        function: { name: 'get_weather', arguments: JSON.stringify({ location: index === 0 ? 'Paris' : 'London' }) },
      })),
    },
    ...toolCalls.map((call): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: call.id, content: '18C' })),
  ];
}

function functionCallSignatures(body: GoogleGenerateContentRequest): Array<string | undefined> {
  return body.contents.flatMap((content) => (content.parts ?? []).filter((part) => part.functionCall).map((part) => part.thoughtSignature));
}

describe(`${GoogleAdapter.name} with thinking models`, () => {
  describe('reasoning_effort → thinkingConfig', () => {
    it.each([
      ['none', 0, false],
      ['minimal', 512, true],
      ['low', 1024, true],
      ['medium', 8192, true],
      ['high', 24576, true],
    ] as const)('maps %s to thinkingBudget %i on Gemini 2.5', (effort, thinkingBudget, includeThoughts) => {
      const body = upstreamBody(createSut(), { ...GEMINI_25, reasoning_effort: effort });

      expect(body.generationConfig?.thinkingConfig).toEqual({ thinkingBudget, includeThoughts });
    });

    it.each([
      ['minimal', 'MINIMAL'],
      ['low', 'LOW'],
      ['medium', 'MEDIUM'],
      ['high', 'HIGH'],
    ] as const)('maps %s to thinkingLevel %s on Gemini 3, never with a budget', (effort, thinkingLevel) => {
      const body = upstreamBody(createSut(), { ...GEMINI_3, reasoning_effort: effort });

      expect(body.generationConfig?.thinkingConfig).toEqual({ thinkingLevel, includeThoughts: true });
    });

    it('lets a native thinkingConfig win, unchanged, and sends none when neither is set', () => {
      const sut = createSut();

      const native = upstreamBody(sut, { ...GEMINI_25, reasoning_effort: 'high', thinkingConfig: { thinkingBudget: 333, includeThoughts: false } });
      const plain = upstreamBody(sut, GEMINI_25);

      expect(native.generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 333, includeThoughts: false });
      expect(plain.generationConfig?.thinkingConfig).toBeUndefined();
    });

    it('recognises Gemini 3 and later by generation', () => {
      expect(['gemini-3-pro-preview', 'models/gemini-3-flash', 'gemini-10-ultra'].map(isGemini3OrLater)).toEqual([true, true, true]);
      expect(['gemini-2.5-pro', 'gemini-2.0-flash', 'gemma-3-27b'].map(isGemini3OrLater)).toEqual([false, false, false]);
    });
  });

  describe('thought signatures sent back', () => {
    it('takes a signature from extra_content.google.thought_signature first', () => {
      const memory = fakeMemory(new Map([['call_a', 'from-memory']]));
      const body = upstreamBody(
        createSut(),
        { ...GEMINI_3, messages: historyWith([{ id: 'call_a', extra_content: { google: { thought_signature: 'from-client' } } }, { id: 'call_b' }]) },
        { ...CONTEXT, thoughtSignatures: memory },
      );

      expect(functionCallSignatures(body)).toEqual(['from-client', undefined]);
    });

    it('recalls the caller’s remembered signature when the client dropped extra_content', () => {
      const memory = fakeMemory(new Map([['call_a', 'remembered']]));
      const body = upstreamBody(createSut(), { ...GEMINI_3, messages: historyWith([{ id: 'call_a' }, { id: 'call_b' }]) }, { ...CONTEXT, thoughtSignatures: memory });

      expect(functionCallSignatures(body)).toEqual(['remembered', undefined]);
    });

    it('puts Google’s dummy signature on the first call of a Gemini 3 step that has none left', () => {
      const body = upstreamBody(createSut(), { ...GEMINI_3, messages: historyWith([{ id: 'call_a' }, { id: 'call_b' }]) }, { ...CONTEXT, thoughtSignatures: fakeMemory() });

      expect(functionCallSignatures(body)).toEqual([DUMMY_THOUGHT_SIGNATURE, undefined]);
    });

    it('adds no dummy signature for Gemini 2.5, which does not require one', () => {
      const body = upstreamBody(createSut(), { ...GEMINI_25, messages: historyWith([{ id: 'call_a' }]) });

      expect(functionCallSignatures(body)).toEqual([undefined]);
    });

    it('never sends reasoning_content or Anthropic thinking_blocks to Gemini', () => {
      const messages = historyWith([{ id: 'call_a' }]);
      messages[1] = { ...messages[1], reasoning_content: 'secret plan', thinking_blocks: [{ type: 'thinking', thinking: 'x', signature: 'anthropic-sig' }] } as unknown as ChatCompletionMessageParam;

      const raw = createSut().toUpstreamRequest({ ...GEMINI_3, messages }, CONTEXT).body ?? '';

      expect(raw).not.toContain('secret plan');
      expect(raw).not.toContain('anthropic-sig');
    });
  });

  describe('fromUpstreamResponse', () => {
    it('returns thought parts as reasoning_content and the first parallel call’s signature in extra_content and memory', () => {
      const memory = fakeMemory();

      const completion = createSut().fromUpstreamResponse(readJsonFixture(fixture('google-thinking-parallel-calls.json')), GEMINI_3, {
        thoughtSignatures: memory,
      });

      expect(completion.choices[0]?.message).toEqual({
        role: 'assistant',
        content: null,
        refusal: null,
        reasoning_content:
          '**Checking two cities**\n\nThe user wants Paris and London; both lookups are independent, so I can call them in parallel.',
        tool_calls: [
          {
            id: 'call_fixed0000',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
            extra_content: { google: { thought_signature: PARALLEL_SIGNATURE } },
          },
          { id: 'call_fixed0001', type: 'function', function: { name: 'get_weather', arguments: '{"location":"London"}' } },
        ],
      });
      expect([...memory.entries]).toEqual([['call_fixed0000', PARALLEL_SIGNATURE]]);
      expect(completion.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 152 });
    });

    it('mints ids of at most 40 characters with the real runtime, whatever the signature’s size', () => {
      const sut = new GoogleAdapter(SYSTEM_RUNTIME);
      const body = readJsonFixture(fixture('google-thinking-parallel-calls.json')) as { candidates: Array<{ content: { parts: Array<Record<string, unknown>> } }> };
      body.candidates[0]!.content.parts[1]!['thoughtSignature'] = 'A'.repeat(5529);

      const completion = sut.fromUpstreamResponse(body, GEMINI_3);

      const ids = completion.choices[0]?.message.tool_calls?.map((call) => call.id) ?? [];
      expect(ids).toHaveLength(2);
      expect(ids.every((id) => /^call_[A-Za-z0-9]{24}$/.test(id))).toBe(true);
    });
  });

  describe('fromUpstreamEvent', () => {
    it('streams thought parts as reasoning_content and the call with its signature, remembering it for the caller', () => {
      const memory = fakeMemory();

      const chunks = replayStream(
        createSut(),
        { ...GEMINI_25, stream: true },
        prepareChunksFixture(fixture('google-thinking-function-call.chunks.txt')),
        { thoughtSignatures: memory },
      );

      expect(chunks.map((chunk: ChatCompletionChunk) => chunk.choices[0]?.delta)).toEqual([
        { role: 'assistant', content: '' },
        { reasoning_content: '**Weighing the request**\n\nA single lookup is enough. ' },
        { reasoning_content: 'I will call the tool.' },
        {
          tool_calls: [
            {
              index: 0,
              id: 'call_fixed0001',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
              extra_content: { google: { thought_signature: STREAM_SIGNATURE } },
            },
          ],
        },
        {},
      ]);
      expect(memory.recall('call_fixed0001')).toBe(STREAM_SIGNATURE);
    });
  });
});
