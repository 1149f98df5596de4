import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from '../../default-keys.js';
import { startStandIns, type StandIns } from '../../stand-ins.js';
import { anthropicApi } from './anthropic-api.js';

const VALID_KEY = DEFAULT_STAND_IN_KEYS.anthropic[0] as string;

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
};

describe(`${anthropicApi.provider} stand-in through the official SDK`, () => {
  let sut: StandIns;
  let client: Anthropic;

  beforeAll(async () => {
    sut = await startStandIns({ streamChunks: 3 });
    client = new Anthropic({ apiKey: VALID_KEY, baseURL: sut.baseUrls.anthropic, maxRetries: 0 });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  it('answers a message with a text block, end_turn and usage', async () => {
    const message = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello Claude' }] })
      .withResponse();

    expect(message.data).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Echo: Hello Claude' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 4, output_tokens: 3 },
    });
    expect(message.data.id).toMatch(/^msg_01/);
    expect(message.request_id).toMatch(/^req_/);
  });

  it('streams the documented event sequence, including ping', async () => {
    const response = await fetch(`${sut.baseUrls.anthropic}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': VALID_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Stream me' }] }),
    });
    const text = await response.text();
    const eventNames = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(eventNames).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(text).toContain('event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}\n\n');
  });

  it('streams text the SDK reassembles into the same message as the JSON answer', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello in pieces' }] });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();

    expect(deltas).toHaveLength(3);
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: Hello in pieces' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 3, output_tokens: 4 });
  });

  it('answers with tool_use, then with text mentioning the tool_result', async () => {
    const first = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
    });
    const toolUse = first.content[0];

    expect(first.stop_reason).toBe('tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Weather in Rome?' } });
    expect(toolUse?.type === 'tool_use' ? toolUse.id : '').toMatch(/^toolu_01/);

    const second = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.type === 'tool_use' ? toolUse.id : '', content: 'sunny, 24C' }] },
      ],
    });

    expect(second).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: 'Tool get_weather returned: sunny, 24C' }] });
  });

  it('streams tool input as input_json_delta fragments', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Lisbon' }],
    });
    const fragments: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') fragments.push(event.delta.partial_json);
    });
    const message = await stream.finalMessage();

    expect(fragments).toHaveLength(3);
    expect(JSON.parse(fragments.join(''))).toEqual({ city: 'Lisbon' });
    expect(message.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Lisbon' } });
    expect(message.stop_reason).toBe('tool_use');
  });

  it('stops with max_tokens and with stop_sequence', async () => {
    const limited = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2, messages: [{ role: 'user', content: 'a b c d' }] });
    const stopped = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      stop_sequences: ['d'],
      messages: [{ role: 'user', content: 'a b c d' }],
    });

    expect(limited).toMatchObject({ stop_reason: 'max_tokens', content: [{ text: 'Echo: a' }], usage: { output_tokens: 2 } });
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'd', content: [{ text: 'Echo: a b c ' }] });
  });

  it('lists models with pagination fields', async () => {
    const page = await client.models.list();
    const response = await fetch(`${sut.baseUrls.anthropic}/v1/models`, { headers: { 'x-api-key': VALID_KEY, 'anthropic-version': '2023-06-01' } });

    expect(page.data.map((model) => model.id)).toContain('claude-sonnet-4-5-20250929');
    expect(page.data[0]).toMatchObject({ type: 'model', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' });
    expect(await response.json()).toMatchObject({ has_more: false, first_id: 'claude-sonnet-4-5-20250929', last_id: 'claude-3-5-haiku-20241022' });
  });

  it('rejects a wrong key with 401 authentication_error and a request id', async () => {
    const wrongClient = new Anthropic({ apiKey: 'sk-ant-wrong-key-9999', baseURL: sut.baseUrls.anthropic, maxRetries: 0 });

    const error = await wrongClient.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error).toMatchObject({ status: 401, error: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } });
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).requestID).toMatch(/^req_/);
    expect((error as { error: { request_id: string } }).error.request_id).toBe((error as InstanceType<typeof Anthropic.AuthenticationError>).requestID);
  });

  it('rejects a missing key, a missing anthropic-version and bad JSON in Anthropic shape', async () => {
    const url = `${sut.baseUrls.anthropic}/v1/messages`;
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const noKey = await fetch(url, { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body });
    const noVersion = await fetch(url, { method: 'POST', headers: { 'x-api-key': VALID_KEY }, body });
    const badJson = await fetch(url, { method: 'POST', headers: { 'x-api-key': VALID_KEY, 'anthropic-version': '2023-06-01' }, body: '{oops' });

    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/^The request body is not valid JSON/) } });
  });

  it('requires max_tokens and knows its models', async () => {
    const missingMaxTokens = await client.messages
      .create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    const unknownModel = await client.messages
      .create({ model: 'claude-0', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);

    expect(missingMaxTokens).toBeInstanceOf(Anthropic.BadRequestError);
    expect(missingMaxTokens).toMatchObject({ error: { error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } } });
    expect(unknownModel).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknownModel).toMatchObject({ error: { error: { type: 'not_found_error', message: 'model: claude-0' } } });
  });

  it('answers an injected 529 with overloaded_error', async () => {
    sut.inject({ provider: 'anthropic', status: 529 });

    const error = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({ status: 529, error: { error: { type: 'overloaded_error', message: 'Overloaded' } } });
  });

  it('breaks a stream with an error event when told to', async () => {
    sut.inject({ provider: 'anthropic', streamErrorAfterChunks: 4 });
    const stream = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'this will break' }],
    });
    const types: string[] = [];

    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((caught: unknown) => caught);

    // ping is swallowed by the SDK, so four events arrive as three.
    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ error: { type: 'error', error: { type: 'overloaded_error' } } });
  });
});
