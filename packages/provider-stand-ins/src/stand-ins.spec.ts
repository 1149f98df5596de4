import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAND_IN_KEYS } from './default-keys.js';
import type { PublicRecordedRequest } from './recorded-request.js';
import { startStandIns, type StandIns } from './stand-ins.js';

const OPENAI_KEY = DEFAULT_STAND_IN_KEYS.openai[0] as string;
const SECOND_OPENAI_KEY = DEFAULT_STAND_IN_KEYS.openai[1] as string;

describe(startStandIns.name, () => {
  let sut: StandIns;
  let client: OpenAI;
  const ask = (content = 'hi', options: { maxRetries?: number; timeout?: number } = {}) =>
    client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] }, options);

  beforeAll(async () => {
    sut = await startStandIns({ chunkDelayMs: 20, streamChunks: 10 });
    client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: sut.baseUrls.openai, maxRetries: 0 });
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.reset());

  it('serves the three providers under one port in each SDK convention', () => {
    expect(sut.port).toBeGreaterThan(0);
    expect(sut.baseUrls).toEqual({
      openai: `http://127.0.0.1:${sut.port}/openai/v1`,
      anthropic: `http://127.0.0.1:${sut.port}/anthropic`,
      google: `http://127.0.0.1:${sut.port}/google`,
    });
  });

  it('records provider, path, key, model, stream flag and body, with credential headers masked', async () => {
    await ask('first');
    await new OpenAI({ apiKey: SECOND_OPENAI_KEY, baseURL: sut.baseUrls.openai, maxRetries: 0 }).models.list();

    const [chat, list] = sut.requests;
    expect(chat).toMatchObject({
      provider: 'openai',
      method: 'POST',
      path: '/openai/v1/chat/completions',
      apiKey: OPENAI_KEY,
      model: 'gpt-4o',
      stream: false,
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'first' }] },
      clientAborted: false,
    });
    expect(chat?.headers['authorization']).toBe('Bearer ****oa01');
    expect(list).toMatchObject({ method: 'GET', path: '/openai/v1/models', apiKey: SECOND_OPENAI_KEY, body: null });
    expect(sut.keysSeen('openai')).toEqual([OPENAI_KEY, SECOND_OPENAI_KEY]);
    expect(sut.keysSeen('anthropic')).toEqual([]);
  });

  it('accepts only the keys it was last given', async () => {
    sut.setKeys('openai', ['sk-rotated-key-000000001']);

    const oldKey = await ask().catch((caught: unknown) => caught);
    const rotated = await new OpenAI({ apiKey: 'sk-rotated-key-000000001', baseURL: sut.baseUrls.openai, maxRetries: 0 }).models.list();
    sut.setKeys('openai', DEFAULT_STAND_IN_KEYS.openai);

    expect(oldKey).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(rotated.data.length).toBeGreaterThan(0);
  });

  it('injects a 429 with retry-after for the next N requests only', async () => {
    sut.inject({ provider: 'openai', status: 429, times: 2 });

    const first = await ask().catch((caught: unknown) => caught);
    const second = await ask().catch((caught: unknown) => caught);
    const third = await ask();

    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect(first).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((first as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('1');
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
    expect(third.choices[0]?.message.content).toBe('Echo: hi');
  });

  it('injects a 500 the SDK retries past, and a custom body and headers', async () => {
    sut.inject({ provider: 'openai', status: 500, headers: { 'retry-after-ms': '10' } });
    const recovered = await ask('again', { maxRetries: 1 });
    sut.inject({ provider: 'openai', status: 503, body: { error: { message: 'custom outage', type: 'server_error', param: null, code: null } } });
    const custom = await ask().catch((caught: unknown) => caught);

    expect(recovered.choices[0]?.message.content).toBe('Echo: again');
    expect(sut.requests.filter((request) => request.body !== null && JSON.stringify(request.body).includes('again'))).toHaveLength(2);
    expect(custom).toBeInstanceOf(OpenAI.InternalServerError);
    expect(custom).toMatchObject({ status: 503, message: '503 custom outage' });
  });

  it('applies an injection only to requests carrying its key, and echoes the key verbatim when asked', async () => {
    sut.inject({ provider: 'openai', apiKey: SECOND_OPENAI_KEY, status: 401, echoApiKey: true });
    const unaffected = await ask();
    const second = new OpenAI({ apiKey: SECOND_OPENAI_KEY, baseURL: sut.baseUrls.openai, maxRetries: 0 });
    const echoed = await second.models.list().catch((caught: unknown) => caught);
    const afterwards = await second.models.list();

    expect(unaffected.choices[0]?.message.content).toBe('Echo: hi');
    expect(echoed).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((echoed as Error).message).toContain(`Key received: ${SECOND_OPENAI_KEY}`);
    expect(afterwards.data.length).toBeGreaterThan(0);
  });

  it('hangs until the client gives up, and counts that as an abort', async () => {
    sut.inject({ provider: 'openai', hang: true });

    const error = await ask('hang', { timeout: 150 }).catch((caught: unknown) => caught);
    await sut.whenAborted(1);

    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(sut.aborted).toBe(1);
    expect(sut.requests[0]?.clientAborted).toBe(true);
  });

  it('drops the connection without counting it as a client abort', async () => {
    sut.inject({ provider: 'openai', destroy: true });

    const error = await ask().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(sut.aborted).toBe(0);
  });

  it('delays an answer by delayMs', async () => {
    sut.inject({ provider: 'openai', delayMs: 120 });
    const started = Date.now();

    await ask();

    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('counts a client that aborts a stream midway', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a long enough answer' }], stream: true });
    let received = 0;
    for await (const chunk of stream) {
      received += chunk.choices.length;
      if (received === 2) stream.controller.abort();
    }
    await sut.whenAborted(1);

    expect(received).toBe(2);
    expect(sut.aborted).toBe(1);
    expect(sut.requests[0]).toMatchObject({ stream: true, clientAborted: true });
  });

  it('is driven over HTTP by the control endpoints, which never show more than four characters of a key', async () => {
    const control = (path: string, init?: RequestInit) => fetch(`${sut.origin}/__stand-ins${path}`, init);

    const health = await control('/health');
    const injected = await control('/inject', { method: 'POST', body: JSON.stringify({ provider: 'openai', status: 429 }) });
    const rateLimited = await ask().catch((caught: unknown) => caught);
    const keys = await control('/keys/openai', { method: 'PUT', body: JSON.stringify({ keys: ['sk-from-http-0000abcd'] }) });
    const rejected = await ask().catch((caught: unknown) => caught);
    const listed = (await (await control('/requests?provider=openai')).json()) as { requests: PublicRecordedRequest[]; aborted: number };
    const reset = await control('/reset', { method: 'POST' });
    const afterReset = (await (await control('/requests')).json()) as { requests: unknown[] };
    const badInjection = await control('/inject', { method: 'POST', body: JSON.stringify({ provider: 'mistral' }) });
    sut.setKeys('openai', DEFAULT_STAND_IN_KEYS.openai);

    expect(await health.json()).toMatchObject({ status: 'ok', baseUrls: sut.baseUrls });
    expect(await injected.json()).toEqual({ queued: 1, pending: 1 });
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(keys.status).toBe(200);
    expect(rejected).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(listed.requests).toHaveLength(2);
    expect(listed.requests[0]).toMatchObject({ provider: 'openai', apiKeyLast4: 'oa01', model: 'gpt-4o' });
    expect(JSON.stringify(listed)).not.toContain(OPENAI_KEY);
    expect(reset.status).toBe(200);
    expect(afterReset.requests).toEqual([]);
    expect(badInjection.status).toBe(400);
  });

  it('rejects an invalid injection in process too', () => {
    expect(() => sut.inject({ provider: 'openai', status: 99 })).toThrow(/status/);
  });

  it('closes promptly even with a request still hanging', async () => {
    const other = await startStandIns();
    other.inject({ provider: 'openai', hang: true });
    const hanging = new OpenAI({ apiKey: OPENAI_KEY, baseURL: other.baseUrls.openai, maxRetries: 0 }).models.list().catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 50));

    await other.close();

    expect(await hanging).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(other.aborted).toBe(0);
  });
});
