import type { ChatCompletionChunk } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import { catchGatewayError } from '../../common/errors/__fixtures__/catch-gateway-error.js';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { fixedRuntime, prepareChunksFixture, readJsonFixture, replayStream } from '../__fixtures__/prepare-chunks-fixture.js';
import type { ChatRequest, UpstreamContext } from '../provider-adapter.js';
import { GoogleAdapter } from './google.adapter.js';
import type { GoogleGenerateContentRequest } from './google.types.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

const CONTEXT: UpstreamContext = {
  apiKey: 'AIzaSyTESTKEYTESTKEY1234',
  keySource: 'user',
  baseUrl: 'https://generativelanguage.googleapis.com',
};

const BASE_REQUEST: ChatRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hello' }] };

/** The thought signature in the function-call fixtures, and the suffix with which older gateways packed it into ids. */
const SIGNATURE = 'CiQB0e2Kb+9x/QZ3aW1cPl4RpNeN2l1mZ8tE/7WwAg==';
const LEGACY_SIGNED_ID_SUFFIX = '_ts_CiQB0e2Kb-9x_QZ3aW1cPl4RpNeN2l1mZ8tE_7WwAg';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit', null] } },
      required: ['location'],
      additionalProperties: false,
    },
  },
} as const;

function createSut(): GoogleAdapter {
  return new GoogleAdapter(fixedRuntime());
}

function upstreamBody(sut: GoogleAdapter, request: ChatRequest): GoogleGenerateContentRequest {
  return JSON.parse(sut.toUpstreamRequest(request, CONTEXT).body ?? '') as GoogleGenerateContentRequest;
}

describe(GoogleAdapter.name, () => {
  describe('toUpstreamRequest', () => {
    it('posts to :generateContent with the key in x-goog-api-key, never in the URL', () => {
      const sut = createSut();

      const request = sut.toUpstreamRequest(BASE_REQUEST, CONTEXT);

      expect(request.method).toBe('POST');
      expect(request.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
      expect(request.url).not.toContain(CONTEXT.apiKey);
      expect(request.url).not.toContain('key=');
      expect(request.headers).toEqual({ 'x-goog-api-key': CONTEXT.apiKey, 'content-type': 'application/json' });
      expect(JSON.parse(request.body ?? '')).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    });

    it('streams through :streamGenerateContent?alt=sse', () => {
      const sut = createSut();

      const request = sut.toUpstreamRequest({ ...BASE_REQUEST, model: 'models/gemini-2.5-pro', stream: true }, CONTEXT);

      expect(request.url).toBe(
        'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      );
    });

    it('moves system and developer messages to systemInstruction and maps roles to user and model', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'My name is Ada.' },
          { role: 'assistant', content: 'Noted.' },
          { role: 'developer', content: 'Answer in French.' },
          { role: 'user', content: 'What is my name?' },
          { role: 'user', content: [{ type: 'text', text: 'Be brief.' }] },
        ],
      });

      expect(body.systemInstruction).toEqual({ parts: [{ text: 'You are terse.' }, { text: 'Answer in French.' }] });
      expect(body.contents).toEqual([
        { role: 'user', parts: [{ text: 'My name is Ada.' }] },
        { role: 'model', parts: [{ text: 'Noted.' }] },
        { role: 'user', parts: [{ text: 'What is my name?' }, { text: 'Be brief.' }] },
      ]);
    });

    it('maps sampling settings, n and stop to generationConfig', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        max_completion_tokens: 256,
        max_tokens: 999,
        temperature: 1.4,
        top_p: 0.9,
        stop: 'END',
        n: 2,
        seed: 7,
      });

      expect(body.generationConfig).toEqual({
        maxOutputTokens: 256,
        temperature: 1.4,
        topP: 0.9,
        stopSequences: ['END'],
        candidateCount: 2,
        seed: 7,
      });
    });

    it('maps response_format to JSON mode with a Gemini-compatible schema', () => {
      const sut = createSut();

      const jsonObject = upstreamBody(sut, { ...BASE_REQUEST, response_format: { type: 'json_object' } });
      const jsonSchema = upstreamBody(sut, {
        ...BASE_REQUEST,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'answer',
            strict: true,
            schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false },
          },
        },
      });

      expect(jsonObject.generationConfig).toEqual({ responseMimeType: 'application/json' });
      expect(jsonSchema.generationConfig).toEqual({
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } }, required: ['answer'] },
      });
    });

    it('declares function tools with the JSON-schema keys Gemini rejects stripped', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        tools: [WEATHER_TOOL, { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }],
      });

      expect(body.tools).toEqual([
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Current weather for a city',
              parameters: {
                type: 'OBJECT',
                properties: {
                  location: { type: 'STRING' },
                  unit: { type: 'STRING', nullable: true, enum: ['celsius', 'fahrenheit'] },
                },
                required: ['location'],
              },
            },
            { name: 'get_time' },
          ],
        },
      ]);
      expect(body).not.toHaveProperty('toolConfig');
    });

    it.each([
      ['auto', { mode: 'AUTO' }],
      ['none', { mode: 'NONE' }],
      ['required', { mode: 'ANY' }],
      [{ type: 'function', function: { name: 'get_weather' } }, { mode: 'ANY', allowedFunctionNames: ['get_weather'] }],
    ] as const)('maps tool_choice %j to functionCallingConfig %j', (toolChoice, expected) => {
      const sut = createSut();

      const body = upstreamBody(sut, { ...BASE_REQUEST, tools: [WEATHER_TOOL], tool_choice: toolChoice });

      expect(body.toolConfig).toEqual({ functionCallingConfig: expected });
    });

    it('turns tool calls into functionCall parts (restoring signatures packed into legacy ids) and tool results into functionResponse parts', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Paris, and the time?' },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [
              {
                id: `call_fixed0000${LEGACY_SIGNED_ID_SUFFIX}`,
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
              },
              { id: 'call_abc', type: 'function', function: { name: 'get_time', arguments: '' } },
            ],
          },
          { role: 'tool', tool_call_id: `call_fixed0000${LEGACY_SIGNED_ID_SUFFIX}`, content: '{"temperature":18,"unit":"celsius"}' },
          { role: 'tool', tool_call_id: 'call_abc', content: '14:05' },
        ],
      });

      expect(body.contents).toEqual([
        { role: 'user', parts: [{ text: 'Weather in Paris, and the time?' }] },
        {
          role: 'model',
          parts: [
            { text: 'Checking.' },
            { functionCall: { name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: SIGNATURE },
            { functionCall: { name: 'get_time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temperature: 18, unit: 'celsius' } } },
            { functionResponse: { name: 'get_time', response: { result: '14:05' } } },
          ],
        },
      ]);
    });

    it('wraps a tool result that is JSON but not an object as { result }', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        messages: [
          { role: 'user', content: 'List the cities.' },
          { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_cities', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '["Paris","Rome"]' },
        ],
      });

      expect(body.contents.at(-1)).toEqual({
        role: 'user',
        parts: [{ functionResponse: { name: 'list_cities', response: { result: ['Paris', 'Rome'] } } }],
      });
    });

    it('rejects a tool result that answers no earlier tool call', () => {
      const sut = createSut();
      const request: ChatRequest = {
        ...BASE_REQUEST,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'tool', tool_call_id: 'call_unknown', content: 'done' },
        ],
      };

      const error = catchGatewayError(() => sut.toUpstreamRequest(request, CONTEXT));

      expect(error).toMatchObject({ status: 400, param: 'messages[1].tool_call_id' });
    });

    it('sends data: URL images inline and http(s) images as fileData', () => {
      const sut = createSut();

      const body = upstreamBody(sut, {
        ...BASE_REQUEST,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
              { type: 'image_url', image_url: { url: 'https://example.com/photos/cat.PNG?size=large' } },
            ],
          },
        ],
      });

      expect(body.contents[0]?.parts).toEqual([
        { text: 'What is this?' },
        { inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } },
        { fileData: { fileUri: 'https://example.com/photos/cat.PNG?size=large', mimeType: 'image/png' } },
      ]);
    });
  });

  describe('fromUpstreamResponse', () => {
    it('translates a text response to a chat.completion, counting thinking tokens as completion tokens', () => {
      const sut = createSut();

      const completion = sut.fromUpstreamResponse(readJsonFixture(fixture('google-text.json')), BASE_REQUEST);

      expect(completion).toEqual({
        id: 'Q3zGaNWfKKfbz7IPhq3X-AU',
        object: 'chat.completion',
        created: 1_750_000_000,
        model: 'gemini-2.5-flash',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 8,
          completion_tokens: 9 + 23,
          total_tokens: 40,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 23 },
        },
      });
    });

    it('translates function calls to tool_calls with short minted ids and the thought signature in extra_content', () => {
      const sut = createSut();

      const completion = sut.fromUpstreamResponse(readJsonFixture(fixture('google-function-call.json')), BASE_REQUEST);

      expect(completion.choices[0]).toEqual({
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: 'call_fixed0000',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
              extra_content: { google: { thought_signature: SIGNATURE } },
            },
            { id: 'call_fixed0001', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      });
      expect(completion.usage).toMatchObject({ prompt_tokens: 120, prompt_tokens_details: { cached_tokens: 64 } });
    });

    it.each([
      ['google-max-tokens.json', 'length'],
      ['google-safety.json', 'content_filter'],
      ['google-prompt-blocked.json', 'content_filter'],
    ])('maps %s to finish_reason %s', (name, finishReason) => {
      const sut = createSut();

      const completion = sut.fromUpstreamResponse(readJsonFixture(fixture(name)), BASE_REQUEST);

      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0]?.finish_reason).toBe(finishReason);
    });
  });

  describe('fromUpstreamEvent', () => {
    const envelope = { id: '8nzGaOKNNYnZz7IPnJip-AU', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'gemini-2.5-flash' };

    it('streams text as OpenAI chunks with one id, role first and finish_reason last', () => {
      const sut = createSut();

      const chunks = replayStream(sut, { ...BASE_REQUEST, stream: true }, prepareChunksFixture(fixture('google-text.chunks.txt')));

      expect(chunks).toEqual([
        { ...envelope, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
        { ...envelope, choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }] },
        { ...envelope, choices: [{ index: 0, delta: { content: ' there! How can' }, logprobs: null, finish_reason: null }] },
        { ...envelope, choices: [{ index: 0, delta: { content: ' I help?' }, logprobs: null, finish_reason: null }] },
        { ...envelope, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
      ]);
    });

    it('ends with the usage chunk, from the last usageMetadata, only when include_usage is set', () => {
      const sut = createSut();
      const request: ChatRequest = { ...BASE_REQUEST, stream: true, stream_options: { include_usage: true } };

      const chunks = replayStream(sut, request, prepareChunksFixture(fixture('google-text.chunks.txt')));

      expect(chunks).toHaveLength(6);
      expect(chunks.slice(0, 5).every((chunk) => chunk.usage === null)).toBe(true);
      expect(chunks[5]).toEqual({
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 7,
          completion_tokens: 8 + 15,
          total_tokens: 30,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 15 },
        },
      });
    });

    it('streams function calls as whole tool calls with consecutive indexes, thought summaries as reasoning_content', () => {
      const sut = createSut();

      const chunks = replayStream(sut, { ...BASE_REQUEST, stream: true }, prepareChunksFixture(fixture('google-function-call.chunks.txt')));

      expect(chunks.map((chunk: ChatCompletionChunk) => chunk.choices[0]?.delta)).toEqual([
        { role: 'assistant', content: '' },
        { reasoning_content: '**Planning** I need two lookups.', content: 'Checking both cities.' },
        {
          tool_calls: [
            {
              index: 0,
              id: 'call_fixed0001',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
              extra_content: { google: { thought_signature: SIGNATURE } },
            },
            { index: 1, id: 'call_fixed0002', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
          ],
        },
        {},
      ]);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('throws a GatewayError for an error event in the stream', () => {
      const sut = createSut();
      const events = prepareChunksFixture(fixture('google-error-mid-stream.chunks.txt'));
      const state = sut.createStreamState({ ...BASE_REQUEST, stream: true });
      const [first, failure] = events;
      if (!first || !failure) throw new Error('fixture needs two events');

      expect(sut.fromUpstreamEvent(first, state)).toHaveLength(2);
      const error = catchGatewayError(() => sut.fromUpstreamEvent(failure, state));

      expect(error).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(error.message).toBe('Google Gemini error (UNAVAILABLE): The model is overloaded. Please try again later.');
    });
  });

  describe('toGatewayError', () => {
    it('turns 400 API_KEY_INVALID into 401 and says the user key was rejected', () => {
      const sut = createSut();

      const error = sut.toGatewayError(400, readJsonFixture(fixture('google-api-key-invalid.json')), { keySource: 'user' });

      expect(error).toMatchObject({ status: 401, code: 'upstream_authentication_failed', type: 'authentication_error' });
      expect(error.message).toBe(
        'Google Gemini rejected your API key (stored in your UniRoute provider-key settings): API key not valid. Please pass a valid API key.',
      );
    });

    it("reads errors wrapped in an array and names the server's key", () => {
      const sut = createSut();
      const body = JSON.stringify([readJsonFixture(fixture('google-api-key-invalid.json'))]);

      const error = sut.toGatewayError(400, body, { keySource: 'server' });

      expect(error.status).toBe(401);
      expect(error.message).toContain("Google Gemini rejected the server's API key (configured by the UniRoute operator)");
    });

    it('keeps 403 PERMISSION_DENIED', () => {
      const sut = createSut();

      const error = sut.toGatewayError(403, readJsonFixture(fixture('google-permission-denied.json')), { keySource: 'user' });

      expect(error).toMatchObject({ status: 403, code: 'permission_denied', type: 'permission_error' });
      expect(error.message).toMatch(/^Google Gemini denied access to your API key/);
    });

    it('maps RESOURCE_EXHAUSTED to 429 with retry-after from RetryInfo', () => {
      const sut = createSut();

      const error = sut.toGatewayError(429, readJsonFixture(fixture('google-resource-exhausted.json')), { keySource: 'user' });

      expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', headers: { 'retry-after': '29' } });
    });

    it('prefers an upstream retry-after header over RetryInfo', () => {
      const sut = createSut();

      const error = sut.toGatewayError(429, readJsonFixture(fixture('google-resource-exhausted.json')), {
        keySource: 'user',
        headers: { 'retry-after': '60' },
      });

      expect(error.headers).toEqual({ 'retry-after': '60' });
    });

    it('keeps 5xx statuses', () => {
      const sut = createSut();

      const error = sut.toGatewayError(500, readJsonFixture(fixture('google-internal.json')), { keySource: 'user' });

      expect(error).toMatchObject({ status: 500, code: 'upstream_error' });
      expect(error.message).toMatch(/^Google Gemini error \(INTERNAL\): An internal error has occurred/);
    });

    it('masks a key that appears in the upstream message', () => {
      const sut = createSut();
      const body = { error: { code: 400, message: 'Bad key AIzaSyLEAKEDSECRETKEY4321 in https://x/y?alt=sse&key=AIzaSyLEAKEDSECRETKEY4321', status: 'INVALID_ARGUMENT' } };

      const error = sut.toGatewayError(400, body, { keySource: 'user' });

      expect(error.message).not.toContain('LEAKEDSECRET');
      expect(error.status).toBe(400);
    });
  });

  describe('listModelsRequest', () => {
    it('lists models with the key in a header and returns chat model ids without the models/ prefix', () => {
      const sut = createSut();

      const request = sut.listModelsRequest(CONTEXT);

      expect(request).toEqual({
        method: 'GET',
        url: 'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000',
        headers: { 'x-goog-api-key': CONTEXT.apiKey },
      });
      expect(sut.fromModelsResponse(readJsonFixture(fixture('google-models.json')))).toEqual([
        'gemini-2.5-flash',
        'gemini-2.5-pro',
        'gemini-embedding-001',
      ]);
    });
  });
});
