import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { prepareChunksFixture, readJsonFixture } from '../__fixtures__/prepare-chunks-fixture.js';
import type { ChatRequest, UpstreamContext } from '../provider-adapter.js';
import { OpenAIAdapter } from './openai.adapter.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

const CONTEXT: UpstreamContext = {
  apiKey: 'sk-proj-TESTKEYTESTKEY1234',
  keySource: 'user',
  baseUrl: 'https://api.openai.com/v1',
};

const REQUEST: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  temperature: 1.5,
  stream: true,
  stream_options: { include_usage: true },
};

describe(OpenAIAdapter.name, () => {
  it('is a passthrough adapter', () => {
    const sut = new OpenAIAdapter();

    expect(sut.passthrough).toBe(true);
    expect(sut.id).toBe('openai');
  });

  describe('toUpstreamRequest', () => {
    it('posts the request unchanged to {baseUrl}/chat/completions with a bearer key', () => {
      const sut = new OpenAIAdapter();

      const request = sut.toUpstreamRequest(REQUEST, { ...CONTEXT, baseUrl: 'https://proxy.example.com/v1/' });

      expect(request).toEqual({
        method: 'POST',
        url: 'https://proxy.example.com/v1/chat/completions',
        headers: { authorization: `Bearer ${CONTEXT.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(REQUEST),
      });
    });
  });

  describe('fromUpstreamResponse', () => {
    it('returns the chat.completion as it is', () => {
      const sut = new OpenAIAdapter();
      const body = readJsonFixture(fixture('openai-chat-completion.json'));

      expect(sut.fromUpstreamResponse(body)).toBe(body);
    });
  });

  describe('fromUpstreamEvent', () => {
    it('relays every data line as it is and drops the [DONE] sentinel', () => {
      const sut = new OpenAIAdapter();
      const events = prepareChunksFixture(fixture('openai-text.chunks.txt'));
      const state = sut.createStreamState();

      const lines = events.flatMap((event) => sut.fromUpstreamEvent(event));

      expect(events).toHaveLength(5);
      expect(lines).toEqual(events.slice(0, 4).map((event) => event.data));
      expect(sut.finishStream()).toEqual([]);
      expect(state).toBeNull();
    });
  });

  describe('toGatewayError', () => {
    it('keeps 401, says whose key was rejected and masks the key OpenAI echoes', () => {
      const sut = new OpenAIAdapter();

      const error = sut.toGatewayError(401, readJsonFixture(fixture('openai-invalid-api-key.json')), { keySource: 'user' });

      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 401, code: 'upstream_authentication_failed', type: 'authentication_error' });
      expect(error.message).toMatch(/^OpenAI rejected your API key \(stored in your UniRoute provider-key settings\): Incorrect API key provided: \*\*\*\*wxyz\./);
      expect(error.message).not.toContain('AbCdEfGh');
    });

    it("names the server's key when that was the one rejected", () => {
      const sut = new OpenAIAdapter();

      const error = sut.toGatewayError(401, readJsonFixture(fixture('openai-invalid-api-key.json')), { keySource: 'server' });

      expect(error.message).toContain("OpenAI rejected the server's API key (configured by the UniRoute operator)");
    });

    it('keeps 429 and passes the retry headers on', () => {
      const sut = new OpenAIAdapter();

      const error = sut.toGatewayError(429, readJsonFixture(fixture('openai-rate-limit.json')), {
        keySource: 'user',
        headers: { 'retry-after': '2', 'retry-after-ms': '1400', 'x-ratelimit-remaining-tokens': '0' },
      });

      expect(error).toMatchObject({
        status: 429,
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': '2', 'retry-after-ms': '1400' },
      });
    });

    it('keeps 400 with the field OpenAI blamed', () => {
      const sut = new OpenAIAdapter();

      const error = sut.toGatewayError(400, readJsonFixture(fixture('openai-context-length.json')), { keySource: 'user' });

      expect(error).toMatchObject({ status: 400, code: 'invalid_request', param: 'messages' });
      expect(error.message).toContain("This model's maximum context length is 128000 tokens.");
    });

    it('keeps 5xx statuses, reading a JSON body that arrived as text', () => {
      const sut = new OpenAIAdapter();
      const body = JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error' } });

      const error = sut.toGatewayError(503, body, { keySource: 'server' });

      expect(error).toMatchObject({
        status: 503,
        code: 'service_unavailable',
        message: 'OpenAI error (server_error): The server had an error while processing your request.',
      });
    });
  });

  describe('listModelsRequest', () => {
    it('lists models at {baseUrl}/models with a bearer key and reads their ids', () => {
      const sut = new OpenAIAdapter();

      expect(sut.listModelsRequest(CONTEXT)).toEqual({
        method: 'GET',
        url: 'https://api.openai.com/v1/models',
        headers: { authorization: `Bearer ${CONTEXT.apiKey}` },
      });
      expect(sut.fromModelsResponse(readJsonFixture(fixture('openai-models.json')))).toEqual([
        'gpt-4o-mini',
        'o3-mini',
        'text-embedding-3-small',
      ]);
    });

    it('answers 502 for a model list it cannot read', () => {
      const sut = new OpenAIAdapter();

      expect(() => sut.fromModelsResponse({ models: [] })).toThrow(expect.objectContaining({ status: 502 }));
    });
  });
});
