import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from '../../default-keys.js';
import { startStandIns, type StandIns } from '../../stand-ins.js';

const VALID_KEY = DEFAULT_STAND_IN_KEYS.openai[0] as string;

describe('OpenAI stand-in: embeddings and the Responses API through the official SDK', () => {
  let sut: StandIns;
  let client: OpenAI;

  beforeAll(async () => {
    sut = await startStandIns({ streamChunks: 3 });
    client = new OpenAI({ apiKey: VALID_KEY, baseURL: sut.baseUrls.openai, maxRetries: 0 });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  describe('embeddings', () => {
    it('embeds a string and a list, as floats and as base64 the SDK decodes to the same floats', async () => {
      const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'], encoding_format: 'float' });
      // No encoding_format: the SDK asks for base64 and decodes it itself.
      const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'] });

      expect(floats).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 3, total_tokens: 3 } });
      expect(floats.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([['embedding', 0, 1536], ['embedding', 1, 1536]]);
      expect(decoded.data.map((item) => item.embedding)).toEqual(floats.data.map((item) => item.embedding));
      expect(sut.requests[1]!.body).toMatchObject({ encoding_format: 'base64' });
      expect(Math.hypot(...floats.data[0]!.embedding)).toBeCloseTo(1, 5);
    });

    it('shortens text-embedding-3 vectors to `dimensions` and refuses it for ada-002', async () => {
      const short = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'x', dimensions: 256, encoding_format: 'float' });
      const ada = await client.embeddings.create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 256 }).catch((caught: unknown) => caught);

      expect(short.data[0]!.embedding).toHaveLength(256);
      expect(Math.hypot(...short.data[0]!.embedding)).toBeCloseTo(1, 5);
      expect(ada).toMatchObject({ status: 400, param: 'dimensions' });
    });

    it('answers bad input, unknown and chat models in OpenAI shape', async () => {
      const empty = await client.embeddings.create({ model: 'text-embedding-3-small', input: '' }).catch((caught: unknown) => caught);
      const unknown = await client.embeddings.create({ model: 'text-embedding-9', input: 'x' }).catch((caught: unknown) => caught);
      const chat = await client.embeddings.create({ model: 'gpt-4o', input: 'x' }).catch((caught: unknown) => caught);

      expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
      expect(empty).toMatchObject({ param: 'input' });
      expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
      expect(chat).toMatchObject({ status: 400, param: 'model' });
    });
  });

  describe('responses', () => {
    it('creates a response, stores it, gets it and deletes it', async () => {
      const created = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there', instructions: 'Be brief.', metadata: { team: 'a' } });

      expect(created).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4o-mini-2024-07-18', metadata: { team: 'a' }, usage: { input_tokens: 4 } });
      expect(created.id).toMatch(/^resp_[0-9a-f]{50}$/);
      expect(created.output_text).toBe('Echo: Hello there');
      expect(await client.responses.retrieve(created.id)).toMatchObject({ id: created.id, output_text: 'Echo: Hello there' });
      expect(await client.responses.delete(created.id)).toEqual({ id: created.id, object: 'response', deleted: true });
      await expect(client.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(client.responses.delete(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });

    it('streams typed events with increasing sequence numbers, ending in response.completed', async () => {
      const stream = await client.responses.create({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'Stream this please' }], stream: true });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);

      expect(events.map((event) => event.type)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
      const text = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
      expect(text).toBe('Echo: Stream this please');
    });

    it('calls a function tool and takes its output back through previous_response_id', async () => {
      const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'get_weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
      const first = await client.responses.create({ model: 'gpt-4o', input: 'Weather in Paris?', tools, tool_choice: 'required' });
      const call = first.output[0]!;
      if (call.type !== 'function_call') throw new Error(`expected a function call, got ${call.type}`);
      const second = await client.responses.create({ model: 'gpt-4o', previous_response_id: first.id, tools, input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' }] });

      expect(call.name).toBe('get_weather');
      expect(JSON.parse(call.arguments)).toHaveProperty('city');
      expect(second.output_text).toContain('get_weather returned');
      expect(second.previous_response_id).toBe(first.id);
    });

    it('sends the documented error event when a stream breaks', async () => {
      sut.inject({ provider: 'openai', streamErrorAfterChunks: 2 });
      const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);

      expect(events.at(-1)).toMatchObject({ type: 'error', code: 'server_error', sequence_number: 2 });
    });
  });
});

describe('stand-in stream stalls', () => {
  it('writes the first events of a stream, then neither writes nor ends', async () => {
    const sut = await startStandIns();
    try {
      sut.inject({ provider: 'openai', stallAfterChunks: 2 });
      const controller = new AbortController();
      const response = await fetch(`${sut.baseUrls.openai}/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${VALID_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', input: 'hi', stream: true }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      let text = '';
      const silence = new Promise<'silent'>((resolve) => setTimeout(() => resolve('silent'), 300));
      for (;;) {
        const next = await Promise.race([reader.read(), silence]);
        if (next === 'silent' || next.done) break;
        text += new TextDecoder().decode(next.value);
      }
      controller.abort();
      expect(text.match(/^event: /gm)).toHaveLength(2);
      expect(text).not.toContain('response.completed');
      await sut.whenAborted(1, 2_000);
    } finally {
      await sut.close();
    }
  });
});
