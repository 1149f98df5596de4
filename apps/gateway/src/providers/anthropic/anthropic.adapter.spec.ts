import type { ChatCompletionChunk } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import { catchGatewayError } from '../../common/errors/__fixtures__/catch-gateway-error.js';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { fixedRuntime, prepareChunksFixture, readJsonFixture, replayStream } from '../__fixtures__/prepare-chunks-fixture.js';
import type { ChatRequest, UpstreamContext } from '../provider-adapter.js';
import { AnthropicAdapter, DEFAULT_ANTHROPIC_MAX_TOKENS } from './anthropic.adapter.js';
import type { AnthropicMessagesRequest } from './anthropic.types.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

const CONTEXT: UpstreamContext = {
  apiKey: 'sk-ant-api03-TESTKEYTESTKEY1234',
  keySource: 'user',
  baseUrl: 'https://api.anthropic.com/',
};

const BASE_REQUEST: ChatRequest = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] };

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
} as const;

function createSut(): AnthropicAdapter {
  return new AnthropicAdapter(fixedRuntime());
}

function upstreamBody(sut: AnthropicAdapter, request: ChatRequest): AnthropicMessagesRequest {
  return JSON.parse(sut.toUpstreamRequest(request, CONTEXT).body ?? '') as AnthropicMessagesRequest;
}

describe(AnthropicAdapter.name, () => {
  describe('toUpstreamRequest', () => {
    it('posts to /v1/messages with the key in x-api-key and the pinned API version, never in the URL', () => {
      const sut = createSut();

      const request = sut.toUpstreamRequest(BASE_REQUEST, CONTEXT);

      expect(request.method).toBe('POST');
      expect(request.url).toBe('https://api.anthropic.com/v1/messages');
      expect(request.url).not.toContain(CONTEXT.apiKey);
      expect(request.headers).toEqual({
        'x-api-key': CONTEXT.apiKey,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      });
      expect(JSON.parse(request.body ?? '')).toEqual({
        model: 'claude-sonnet-4-5',
        max_tokens: DEFAULT_ANTHROPIC_MAX_TOKENS,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      });
    });

    it('moves every system and developer message to the top-level system, in order', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Hi' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        ],
      });

      expect(body.system).toBe('You are terse.\n\nAnswer in French.');
      expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    });

    it('keeps multi-turn history and merges consecutive turns of one role', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        messages: [
          { role: 'user', content: 'My name is Ada.' },
          { role: 'user', content: 'Remember it.' },
          { role: 'assistant', content: 'Noted, Ada.' },
          { role: 'user', content: 'What is my name?' },
        ],
      });

      expect(body.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'My name is Ada.' },
            { type: 'text', text: 'Remember it.' },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Noted, Ada.' }] },
        { role: 'user', content: [{ type: 'text', text: 'What is my name?' }] },
      ]);
    });

    it('prefers max_completion_tokens over max_tokens', () => {
      const sut = createSut();

      expect(upstreamBody(sut, { ...BASE_REQUEST, max_tokens: 100 }).max_tokens).toBe(100);
      expect(upstreamBody(sut, { ...BASE_REQUEST, max_tokens: 100, max_completion_tokens: 50 }).max_tokens).toBe(50);
    });

    it('clamps temperature into Anthropic 0–1 range and sends top_p only on its own', () => {
      const sut = createSut();

      expect(upstreamBody(sut, { ...BASE_REQUEST, temperature: 1.7 }).temperature).toBe(1);
      expect(upstreamBody(sut, { ...BASE_REQUEST, temperature: 0.3 }).temperature).toBe(0.3);
      const both = upstreamBody(sut, { ...BASE_REQUEST, temperature: 0.3, top_p: 0.9 });
      expect(both).toMatchObject({ temperature: 0.3 });
      expect(both).not.toHaveProperty('top_p');
      expect(upstreamBody(sut, { ...BASE_REQUEST, top_p: 0.9 }).top_p).toBe(0.9);
    });

    it('turns stop into stop_sequences and user into metadata.user_id', () => {
      const sut = createSut();

      expect(upstreamBody(sut, { ...BASE_REQUEST, stop: 'END' }).stop_sequences).toEqual(['END']);
      expect(upstreamBody(sut, { ...BASE_REQUEST, stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
      expect(upstreamBody(sut, { ...BASE_REQUEST, user: 'user-42' }).metadata).toEqual({ user_id: 'user-42' });
    });

    it('asks for a stream only when the client does', () => {
      const sut = createSut();

      expect(upstreamBody(sut, { ...BASE_REQUEST, stream: true }).stream).toBe(true);
      expect(upstreamBody(sut, BASE_REQUEST)).not.toHaveProperty('stream');
    });

    it('translates function tools to input_schema tools', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        tools: [WEATHER_TOOL, { type: 'function', function: { name: 'get_time' } }],
      });

      expect(body.tools).toEqual([
        {
          name: 'get_weather',
          description: 'Current weather for a city',
          input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
        },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ]);
      expect(body).not.toHaveProperty('tool_choice');
    });

    it.each([
      ['auto', { type: 'auto' }],
      ['none', { type: 'none' }],
      ['required', { type: 'any' }],
      [{ type: 'function', function: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }],
    ] as const)('maps tool_choice %j to %j', (toolChoice, expected) => {
      const sut = createSut();

      const body = upstreamBody(sut, { ...BASE_REQUEST, tools: [WEATHER_TOOL], tool_choice: toolChoice });

      expect(body.tool_choice).toEqual(expected);
    });

    it('maps parallel_tool_calls: false to disable_parallel_tool_use', () => {
      const sut = createSut();

      const body = upstreamBody(sut, { ...BASE_REQUEST, tools: [WEATHER_TOOL], parallel_tool_calls: false });

      expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    });

    it('turns assistant tool_calls into tool_use blocks and consecutive tool results into one user turn', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
              { id: 'call:2', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
          { role: 'tool', tool_call_id: 'call:2', content: [{ type: 'text', text: '24°C' }] },
          { role: 'user', content: 'Thanks! Which is warmer?' },
        ],
      });

      expect(body.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { location: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'call_2', content: '24°C' },
            { type: 'text', text: 'Thanks! Which is warmer?' },
          ],
        },
      ]);
    });

    it('rejects tool-call arguments that are not a JSON object, naming the field', () => {
      const sut = createSut();
      const request: ChatRequest = {
        ...BASE_REQUEST,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] },
        ],
      };

      const error = catchGatewayError(() => sut.toUpstreamRequest(request, CONTEXT));

      expect(error.status).toBe(400);
      expect(error.param).toBe('messages[1].tool_calls[0].function.arguments');
    });

    it('sends data: URL images as base64 sources and https images as URL sources', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
            ],
          },
        ],
      });

      expect(body.messages[0]?.content).toEqual([
        { type: 'text', text: 'Compare these.' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ]);
    });

    it('rejects image types Anthropic cannot read', () => {
      const sut = createSut();
      const request: ChatRequest = {
        ...BASE_REQUEST,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] }],
      };

      const error = catchGatewayError(() => sut.toUpstreamRequest(request, CONTEXT));

      expect(error.param).toBe('messages[0].content[0]');
      expect(error.message).toContain('image/tiff');
    });

    it('rejects n > 1, which Anthropic cannot serve', () => {
      const sut = createSut();

      expect(catchGatewayError(() => sut.toUpstreamRequest({ ...BASE_REQUEST, n: 2 }, CONTEXT)).param).toBe('n');
    });
  });

  describe('fromUpstreamResponse', () => {
    it('translates a text message to a chat.completion', () => {
      const sut = createSut();

      const completion = sut.fromUpstreamResponse(readJsonFixture(fixture('anthropic-text.json')), BASE_REQUEST);

      expect(completion).toEqual({
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        object: 'chat.completion',
        created: 1_750_000_000,
        model: 'claude-sonnet-4-5-20250929',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 21, completion_tokens: 12, total_tokens: 33, prompt_tokens_details: { cached_tokens: 0 } },
      });
    });

    it('translates tool_use blocks to tool_calls, thinking to reasoning fields, and counts cached prompt tokens', () => {
      const sut = createSut();

      const completion = sut.fromUpstreamResponse(readJsonFixture(fixture('anthropic-tool-use.json')), BASE_REQUEST);

      expect(completion.choices[0]).toEqual({
        index: 0,
        message: {
          role: 'assistant',
          content: "I'll check the weather in Paris for you.",
          refusal: null,
          tool_calls: [
            {
              id: 'toolu_01A09q90qw90lq917835lq9',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' },
            },
          ],
          reasoning_content: 'The user wants the weather in Paris; I should call the tool.',
          thinking_blocks: [
            {
              type: 'thinking',
              thinking: 'The user wants the weather in Paris; I should call the tool.',
              signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
            },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      });
      expect(completion.usage).toEqual({
        prompt_tokens: 472 + 20 + 1024,
        completion_tokens: 89,
        total_tokens: 472 + 20 + 1024 + 89,
        prompt_tokens_details: { cached_tokens: 1024 },
      });
    });

    it('reports max_tokens as finish_reason length', () => {
      const sut = createSut();

      const completion = sut.fromUpstreamResponse(readJsonFixture(fixture('anthropic-max-tokens.json')), BASE_REQUEST);

      expect(completion.choices[0]?.finish_reason).toBe('length');
    });

    it('answers 502 for a body that is not a Messages response', () => {
      const sut = createSut();

      const error = catchGatewayError(() => sut.fromUpstreamResponse({ unexpected: true }, BASE_REQUEST));

      expect(error).toMatchObject({ code: 'upstream_error', status: 502 });
    });
  });

  describe('fromUpstreamEvent', () => {
    const envelope = { id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'claude-sonnet-4-5-20250929' };

    it('streams text as OpenAI chunks: role first, then content, then finish_reason, pings dropped', () => {
      const sut = createSut();

      const chunks = replayStream(sut, { ...BASE_REQUEST, stream: true }, prepareChunksFixture(fixture('anthropic-text.chunks.txt')));

      expect(chunks).toEqual([
        { ...envelope, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
        { ...envelope, choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }] },
        { ...envelope, choices: [{ index: 0, delta: { content: '! How are you today?' }, logprobs: null, finish_reason: null }] },
        { ...envelope, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
      ]);
    });

    it('adds usage: null to every chunk and a final usage chunk when include_usage is set', () => {
      const sut = createSut();
      const request: ChatRequest = { ...BASE_REQUEST, stream: true, stream_options: { include_usage: true } };

      const chunks = replayStream(sut, request, prepareChunksFixture(fixture('anthropic-text.chunks.txt')));

      expect(chunks).toHaveLength(5);
      expect(chunks.slice(0, 4).every((chunk) => chunk.usage === null)).toBe(true);
      expect(chunks[4]).toEqual({
        ...envelope,
        choices: [],
        usage: { prompt_tokens: 12, completion_tokens: 15, total_tokens: 27, prompt_tokens_details: { cached_tokens: 0 } },
      });
    });

    it('streams tool calls with OpenAI indexes, argument fragments, and "{}" for a call without arguments', () => {
      const sut = createSut();

      const chunks = replayStream(sut, { ...BASE_REQUEST, stream: true }, prepareChunksFixture(fixture('anthropic-tool-use.chunks.txt')));

      const deltas = chunks.map((chunk) => chunk.choices[0]);
      expect(deltas).toEqual([
        { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
        { index: 0, delta: { content: 'Let me check.' }, logprobs: null, finish_reason: null },
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
          logprobs: null,
          finish_reason: null,
        },
        { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }, logprobs: null, finish_reason: null },
        { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] }, logprobs: null, finish_reason: null },
        {
          index: 0,
          delta: { tool_calls: [{ index: 1, id: 'toolu_01VQ4ek5jZ3HuP8jSWmrBB3z', type: 'function', function: { name: 'get_time', arguments: '' } }] },
          logprobs: null,
          finish_reason: null,
        },
        { index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] }, logprobs: null, finish_reason: null },
        { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
      ]);
      expect(new Set(chunks.map((chunk) => `${chunk.id}|${chunk.created}|${chunk.model}`)).size).toBe(1);
    });

    it('reports usage from message_start and message_delta, counting cache reads as prompt tokens', () => {
      const sut = createSut();
      const request: ChatRequest = { ...BASE_REQUEST, stream: true, stream_options: { include_usage: true } };

      const chunks = replayStream(sut, request, prepareChunksFixture(fixture('anthropic-tool-use.chunks.txt')));

      expect(chunks.at(-1)?.usage).toEqual({
        prompt_tokens: 472 + 256,
        completion_tokens: 89,
        total_tokens: 472 + 256 + 89,
        prompt_tokens_details: { cached_tokens: 256 },
      });
    });

    it('throws a GatewayError for an in-stream error event, after relaying what came before', () => {
      const sut = createSut();
      const events = prepareChunksFixture(fixture('anthropic-overloaded-mid-stream.chunks.txt'));
      const state = sut.createStreamState({ ...BASE_REQUEST, stream: true });
      const relayed = events.slice(0, -1).flatMap((event) => sut.fromUpstreamEvent(event, state));
      const errorEvent = events.at(-1);
      if (!errorEvent) throw new Error('fixture has no events');

      const error = catchGatewayError(() => sut.fromUpstreamEvent(errorEvent, state));

      expect((JSON.parse(relayed.at(-1) ?? '{}') as ChatCompletionChunk).choices[0]?.delta).toEqual({ content: 'The answer' });
      expect(error).toMatchObject({ code: 'service_unavailable', status: 503, type: 'api_error' });
      expect(error.message).toBe('Anthropic error (overloaded_error): Overloaded');
    });

    it('emits the usage chunk at the end of a stream that stopped before message_stop', () => {
      const sut = createSut();
      const request: ChatRequest = { ...BASE_REQUEST, stream: true, stream_options: { include_usage: true } };
      const events = prepareChunksFixture(fixture('anthropic-text.chunks.txt')).slice(0, -1);

      const chunks = replayStream(sut, request, events);

      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 27 } });
    });

    it('answers 502 for an event that is not JSON', () => {
      const sut = createSut();
      const state = sut.createStreamState(BASE_REQUEST);

      expect(catchGatewayError(() => sut.fromUpstreamEvent({ event: 'message_start', data: '{oops' }, state)).status).toBe(502);
    });
  });

  describe('toGatewayError', () => {
    const authError = () => readJsonFixture(fixture('anthropic-authentication-error.json'));

    it('keeps 401 and says the user key stored in UniRoute was rejected', () => {
      const sut = createSut();

      const error = sut.toGatewayError(401, authError(), { keySource: 'user' });

      expect(error).toMatchObject({ status: 401, code: 'upstream_authentication_failed', type: 'authentication_error' });
      expect(error.message).toBe(
        'Anthropic rejected your API key (stored in your UniRoute provider-key settings): invalid x-api-key',
      );
    });

    it("says so when the server's key was rejected", () => {
      const sut = createSut();

      const error = sut.toGatewayError(401, authError(), { keySource: 'server' });

      expect(error.message).toBe(
        "Anthropic rejected the server's API key (configured by the UniRoute operator): invalid x-api-key",
      );
    });

    it('masks a key the provider echoes in its message', () => {
      const sut = createSut();
      const body = { type: 'error', error: { type: 'authentication_error', message: 'Invalid key sk-ant-api03-LEAKEDSECRET9876' } };

      const error = sut.toGatewayError(401, JSON.stringify(body), { keySource: 'user' });

      expect(error.message).not.toContain('LEAKEDSECRET');
      expect(error.message).toContain('****9876');
    });

    it('keeps 429 and passes retry-after on', () => {
      const sut = createSut();

      const error = sut.toGatewayError(429, readJsonFixture(fixture('anthropic-rate-limit-error.json')), {
        keySource: 'user',
        headers: { 'retry-after': '17', 'anthropic-ratelimit-requests-remaining': '0', 'request-id': 'req_1' },
      });

      expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', headers: { 'retry-after': '17' } });
      expect(error.message).toContain('rate limit for your organization');
    });

    it('turns the non-standard 529 overloaded into 503', () => {
      const sut = createSut();

      const error = sut.toGatewayError(529, readJsonFixture(fixture('anthropic-overloaded-error.json')), {
        keySource: 'server',
        headers: { 'retry-after': ['5'] },
      });

      expect(error).toMatchObject({ status: 503, code: 'service_unavailable', headers: { 'retry-after': '5' } });
    });

    it('keeps 5xx statuses', () => {
      const sut = createSut();

      const error = sut.toGatewayError(500, readJsonFixture(fixture('anthropic-api-error.json')), { keySource: 'user' });

      expect(error).toMatchObject({ status: 500, code: 'upstream_error', message: 'Anthropic error (api_error): Internal server error' });
      expect(error.headers).toBeUndefined();
    });

    it('does not echo a body it cannot read', () => {
      const sut = createSut();

      const error = sut.toGatewayError(502, '<html>Bad gateway</html>', { keySource: 'user' });

      expect(error).toMatchObject({ status: 502, message: 'Anthropic returned HTTP 502 without an error message.' });
    });
  });

  describe('listModelsRequest', () => {
    it('lists models with the key in a header and reads their ids', () => {
      const sut = createSut();

      const request = sut.listModelsRequest(CONTEXT);

      expect(request).toEqual({
        method: 'GET',
        url: 'https://api.anthropic.com/v1/models?limit=1000',
        headers: { 'x-api-key': CONTEXT.apiKey, 'anthropic-version': '2023-06-01' },
      });
      expect(sut.fromModelsResponse(readJsonFixture(fixture('anthropic-models.json')))).toEqual([
        'claude-opus-4-5-20251101',
        'claude-haiku-4-5-20251001',
      ]);
    });
  });
});
