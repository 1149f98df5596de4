import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModel } from '../src/providers/resolve-model.js';
import { startGatewayWithStandIns, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

const MODELS = [
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-3-5-haiku-latest'],
  ['google', 'gemini-2.0-flash'],
] as const;

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe(`chat completions through the official openai SDK (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let openai: OpenAI;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
    ({ openai } = await userWithApiKey(harness));
  });
  afterAll(async () => {
    await harness?.close();
  });

  describe.each(MODELS)('%s (%s)', (provider, model) => {
    it('answers a JSON completion with usage and finish_reason', async () => {
      const { data, response } = await openai.chat.completions
        .create({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }], max_tokens: 100 })
        .withResponse();
      expect(response.headers.get('x-uniroute-provider')).toBe(provider);
      expect(response.headers.get('x-uniroute-key-source')).toBe('server');
      expect(data.object).toBe('chat.completion');
      expect(data.choices[0]!.message.role).toBe('assistant');
      expect(data.choices[0]!.message.content).toContain('Hello there');
      expect(data.choices[0]!.finish_reason).toBe('stop');
      expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
      expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    });

    it('streams the same answer chunk by chunk, with usage when asked', async () => {
      const json = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Stream me please' }] });
      const chunks = await collect(
        await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Stream me please' }], stream: true, stream_options: { include_usage: true } }),
      );
      expect(chunks.length).toBeGreaterThan(3);
      expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe(json.choices[0]!.message.content);
      expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]!.finish_reason).toBe('stop');
      const usage = chunks.at(-1)!;
      expect(usage.choices).toEqual([]);
      expect(usage.usage!.completion_tokens).toBeGreaterThan(0);
    });

    it('omits the usage chunk when not asked', async () => {
      const chunks = await collect(await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true }));
      expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    });

    it('calls tools and takes their results back, in JSON and streaming', async () => {
      const first = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool], tool_choice: 'required' });
      const choice = first.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls![0]!;
      expect(call.type).toBe('function');
      if (call.type !== 'function') throw new Error('expected a function call');
      expect(call.function.name).toBe('get_weather');
      expect(() => JSON.parse(call.function.arguments)).not.toThrow();

      const streamed = await collect(
        await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool], tool_choice: 'required', stream: true }),
      );
      const deltas = streamed.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      expect(deltas[0]!.function!.name).toBe('get_weather');
      expect(JSON.parse(deltas.map((delta) => delta.function?.arguments ?? '').join(''))).toEqual(JSON.parse(call.function.arguments));
      expect(streamed.find((chunk) => chunk.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe('tool_calls');

      const second = await openai.chat.completions.create({
        model,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' },
        ],
      });
      expect(second.choices[0]!.finish_reason).toBe('stop');
      expect(second.choices[0]!.message.content).toContain('21');
    });
  });

  it('translates system messages to each native field', async () => {
    harness.standIns.reset();
    const messages = [{ role: 'system' as const, content: 'Speak like a pirate.' }, { role: 'user' as const, content: 'hi' }];
    await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages });
    await openai.chat.completions.create({ model: 'gemini-2.0-flash', messages });
    const [anthropic, google] = harness.standIns.requests;
    expect(JSON.stringify((anthropic!.body as { system: unknown }).system)).toContain('Speak like a pirate.');
    expect((anthropic!.body as { max_tokens: number }).max_tokens).toBeGreaterThan(0);
    expect(JSON.stringify((google!.body as { systemInstruction: unknown }).systemInstruction)).toContain('Speak like a pirate.');
  });

  it('honours an explicit provider prefix and strips it upstream', async () => {
    harness.standIns.reset();
    const { response } = await openai.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-uniroute-provider')).toBe('anthropic');
    expect(harness.standIns.requests[0]!.model).toBe('claude-sonnet-4-5');
  });

  it('refuses an unknown model with a 400 naming the accepted forms', async () => {
    const error = await openai.chat.completions.create({ model: 'llama-3-70b', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/gpt-/);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/anthropic\//);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
  });

  it.each([
    [{ model: 'gpt-4o-mini' }, 'messages'],
    [{ model: 'gpt-4o-mini', messages: [] }, 'messages'],
    [{ messages: [{ role: 'user', content: 'hi' }] }, 'model'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 7 }, 'temperature'],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }, 'stream'],
  ])('rejects %j with a 400 naming %s', async (body, param) => {
    const response = await harness.client.post('/v1/chat/completions', body, (await userWithApiKey(harness)).apiKey);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param });
  });

  it('lists the models the caller can reach, each usable as a model id', async () => {
    const models = await openai.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', 'claude-3-5-haiku-20241022', 'gemini-2.0-flash']));
    expect(new Set(models.data.map((model) => model.owned_by))).toEqual(new Set(['openai', 'anthropic', 'google']));
    for (const model of models.data) expect(resolveModel(model.id).provider).toBe(model.owned_by);
  });
});

describe(`upstream failures keep their status in OpenAI's shape (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let openai: OpenAI;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { UPSTREAM_TIMEOUT_MS: '1500' }, standIns: { chunkDelayMs: 0 } });
    ({ openai } = await userWithApiKey(harness));
  });
  afterAll(async () => {
    await harness?.close();
  });

  const hi = [{ role: 'user' as const, content: 'hi' }];

  it.each([
    ['openai', 'gpt-4o-mini', 429, OpenAI.RateLimitError],
    ['anthropic', 'claude-3-5-haiku-latest', 429, OpenAI.RateLimitError],
    ['google', 'gemini-2.0-flash', 429, OpenAI.RateLimitError],
    ['openai', 'gpt-4o-mini', 500, OpenAI.InternalServerError],
    ['anthropic', 'claude-3-5-haiku-latest', 500, OpenAI.InternalServerError],
    ['google', 'gemini-2.0-flash', 503, OpenAI.InternalServerError],
  ] as const)('%s %s → %i', async (provider, model, status, errorClass) => {
    harness.standIns.inject({ provider, status });
    const error = await openai.chat.completions.create({ model, messages: hi }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((error as Error).message.length).toBeGreaterThan(10);
  });

  it('passes retry-after through on 429', async () => {
    harness.standIns.inject({ provider: 'anthropic', status: 429, headers: { 'retry-after': '17' } });
    const response = await harness.client.post('/v1/chat/completions', { model: 'claude-3-5-haiku-latest', messages: hi }, (await userWithApiKey(harness)).apiKey);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('17');
    expect(response.body.error.type).toBe('rate_limit_error');
  });

  it('keeps 401 when the provider rejects the server key, naming whose key it was and masking it', async () => {
    harness.standIns.setKeys('google', []);
    try {
      const error = await openai.chat.completions.create({ model: 'gemini-2.0-flash', messages: hi }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as Error).message).toMatch(/server/i);
      expect((error as Error).message).not.toMatch(/AIza/);
    } finally {
      harness.standIns.setKeys('google', ['AIzaSy-stand-in-google-demo-key-gg01', 'AIzaSy-stand-in-google-demo-key-gg02']);
    }
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    harness.standIns.inject({ provider: 'openai', hang: true });
    const response = await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: hi }, (await userWithApiKey(harness)).apiKey);
    expect(response.status).toBe(504);
    expect(response.body.error).toMatchObject({ type: 'timeout_error', code: 'upstream_timeout' });
  });

  it('answers 502 when the upstream drops the connection', async () => {
    harness.standIns.inject({ provider: 'anthropic', destroy: true });
    const error = await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: hi }).catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it('reports an error event inside the stream when the upstream fails mid-stream', async () => {
    harness.standIns.inject({ provider: 'anthropic', streamErrorAfterChunks: 3 });
    const stream = await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: hi, stream: true });
    await expect(collect(stream)).rejects.toThrow();
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    const slow = await startGatewayWithStandIns({ standIns: { chunkDelayMs: 100, streamChunks: 30 } });
    try {
      const { apiKey } = await userWithApiKey(slow);
      for (const model of ['gpt-4o-mini', 'claude-3-5-haiku-latest']) {
        const before = slow.standIns.aborted;
        const controller = new AbortController();
        const response = await fetch(`${slow.app.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: hi, stream: true }),
          signal: controller.signal,
        });
        const reader = response.body!.getReader();
        await reader.read();
        controller.abort();
        await slow.standIns.whenAborted(before + 1, 5_000);
        expect(slow.standIns.aborted).toBe(before + 1);
      }
    } finally {
      await slow.close();
    }
  });
});

describe('connection refused', () => {
  it('answers 502 naming the provider', async () => {
    const harness = await startGatewayWithStandIns({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
    try {
      const { apiKey } = await userWithApiKey(harness);
      const response = await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, apiKey);
      expect(response.status).toBe(502);
      expect(response.body.error).toMatchObject({ code: 'upstream_unreachable' });
      expect(response.body.error.message).toMatch(/OpenAI/);
    } finally {
      await harness.close();
    }
  });
});
