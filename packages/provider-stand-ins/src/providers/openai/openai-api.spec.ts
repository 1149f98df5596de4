import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from '../../default-keys.js';
import { startStandIns, type StandIns } from '../../stand-ins.js';
import { openAIApi } from './openai-api.js';

const VALID_KEY = DEFAULT_STAND_IN_KEYS.openai[0] as string;

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

describe(`${openAIApi.provider} stand-in through the official SDK`, () => {
  let sut: StandIns;
  let client: OpenAI;

  beforeAll(async () => {
    sut = await startStandIns({ streamChunks: 3 });
    client = new OpenAI({ apiKey: VALID_KEY, baseURL: sut.baseUrls.openai, maxRetries: 0 });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  it('answers a chat completion with the echoed text, the snapshot model and consistent usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello from the test' },
      ],
    });

    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: Hello from the test', refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 },
    });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.created).toBeCloseTo(Date.now() / 1000, -1);
  });

  it('streams a role chunk, content pieces, a finish chunk, a usage chunk and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream this please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe('Echo: Stream this please');
    expect(chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '')).toHaveLength(3);
    const finishChunk = chunks[chunks.length - 2];
    expect(finishChunk?.choices[0]?.finish_reason).toBe('stop');
    expect(finishChunk?.usage).toBeNull();
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('sends no usage chunk and no usage field unless include_usage is set', async () => {
    const response = await fetch(`${sut.baseUrls.openai}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${VALID_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const text = await response.text();

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"usage"');
  });

  it('calls the offered tool, then answers its result with text', async () => {
    const first = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    });
    const toolCall = first.choices[0]?.message.tool_calls?.[0];

    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(first.choices[0]?.message.content).toBeNull();
    expect(toolCall).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(toolCall?.id).toMatch(/^call_/);
    expect(JSON.parse(toolCall?.type === 'function' ? toolCall.function.arguments : '')).toEqual({ location: 'Weather in Paris?' });

    const second = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: first.choices[0]?.message.tool_calls ?? [] },
        { role: 'tool', tool_call_id: toolCall?.id ?? '', content: '{"temperature":21}' },
      ],
      tools: [weatherTool],
    });

    expect(second.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { content: 'Tool get_weather returned: {"temperature":21}' },
    });
  });

  it('streams a tool call as id, type and name first, then argument fragments', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
    });
    const deltas: OpenAI.Chat.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }

    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas[0]?.id).toMatch(/^call_/);
    expect(deltas.slice(1).every((delta) => delta.id === undefined && delta.index === 0)).toBe(true);
    expect(JSON.parse(deltas.map((delta) => delta.function?.arguments ?? '').join(''))).toEqual({ location: 'Weather in Oslo?' });
    expect(finishReason).toBe('tool_calls');
  });

  it('finishes with length at max_tokens and with stop at a stop sequence', async () => {
    const limited = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'one two three four' }],
      max_tokens: 3,
    });
    const stopped = await client.chat.completions.create({
      model: 'o3-mini',
      messages: [{ role: 'user', content: 'one two three four' }],
      max_completion_tokens: 100,
      stop: ['three'],
    });

    expect(limited.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'Echo: one two' } });
    expect(limited.usage?.completion_tokens).toBe(3);
    expect(stopped.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Echo: one two ' } });
  });

  it('lists and retrieves models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    const model = await client.models.retrieve('gpt-4o-mini');

    expect(models.map((entry) => entry.id)).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'o3-mini']));
    expect(models[0]).toMatchObject({ object: 'model', owned_by: 'system' });
    expect(model).toEqual({ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' });
  });

  it('rejects a wrong key with 401 invalid_api_key and a masked echo of the key', async () => {
    const wrongKey = 'sk-proj-thisKeyIsWrong0000wxyz';
    const wrongClient = new OpenAI({ apiKey: wrongKey, baseURL: sut.baseUrls.openai, maxRetries: 0 });

    const error = await wrongClient.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const authError = error as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(authError.status).toBe(401);
    expect(authError.code).toBe('invalid_api_key');
    expect(authError.type).toBe('invalid_request_error');
    expect(authError.message).toContain(
      `Incorrect API key provided: sk-proj-${'*'.repeat(wrongKey.length - 12)}wxyz. You can find your API key at https://platform.openai.com/account/api-keys.`,
    );
    expect(authError.message).not.toContain(wrongKey);
    expect(sut.keysSeen('openai')).toEqual([wrongKey]);
  });

  it('rejects a request without a key with its own 401 message', async () => {
    const response = await fetch(`${sut.baseUrls.openai}/chat/completions`, { method: 'POST', body: '{}' });
    const body = (await response.json()) as { error: { message: string; code: string | null } };

    expect(response.status).toBe(401);
    expect(body.error.message).toMatch(/^You didn't provide an API key\./);
    expect(body.error.code).toBeNull();
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', message: '404 The model `gpt-9` does not exist or you do not have access to it.' });
  });

  it('answers invalid requests with 400 in OpenAI shape', async () => {
    const missingMessages = await client.chat.completions
      .create({ model: 'gpt-4o' } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    const maxTokensOnReasoningModel = await client.chat.completions
      .create({ model: 'o3-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 })
      .catch((caught: unknown) => caught);
    const badJson = await fetch(`${sut.baseUrls.openai}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${VALID_KEY}` },
      body: '{"model": ',
    });

    expect(missingMessages).toBeInstanceOf(OpenAI.BadRequestError);
    expect(missingMessages).toMatchObject({ param: 'messages', code: 'missing_required_parameter' });
    expect(maxTokensOnReasoningModel).toMatchObject({ status: 400, param: 'max_tokens', code: 'unsupported_parameter' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/^We could not parse the JSON body/) } });
  });
});
