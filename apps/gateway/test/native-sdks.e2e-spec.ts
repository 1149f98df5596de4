import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_KEYS, startGatewayWithStandIns, USER_KEYS, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

/** The official Anthropic SDK pointed at the gateway's native routes with a UniRoute key. */
function anthropicClient(gatewayUrl: string, apiKey: string): Anthropic {
  return new Anthropic({ apiKey, baseURL: `${gatewayUrl}/anthropic`, maxRetries: 0, timeout: 10_000 });
}

/** The official Google Gen AI SDK pointed at the gateway's native routes with a UniRoute key. */
function geminiClient(gatewayUrl: string, apiKey: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${gatewayUrl}/google`, timeout: 10_000 } });
}

const hello = (text: string) => ({ model: 'claude-3-5-haiku-latest', max_tokens: 256, messages: [{ role: 'user' as const, content: text }] });

describe(`native Anthropic and Gemini routes with the official SDKs (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    // Spaced-out stream events, so a client can walk away mid-stream.
    harness = await startGatewayWithStandIns({ standIns: { chunkDelayMs: 20, streamChunks: 12 } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const requestsTo = (provider: 'anthropic' | 'google') => harness.standIns.requests.filter((request) => request.provider === provider);
  const lastRequestTo = (provider: 'anthropic' | 'google') => requestsTo(provider).at(-1)!;

  describe('@anthropic-ai/sdk with baseURL <gateway>/anthropic', () => {
    it('answers messages.create with the server key until the user adds theirs, then theirs, never the UniRoute key', async () => {
      const user = await userWithApiKey(harness);
      const anthropic = anthropicClient(harness.app.url, user.apiKey);

      const first = await anthropic.messages.create(hello('Hello native')).withResponse();
      expect(first.data).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Echo: Hello native' }] });
      expect(first.response.headers.get('x-uniroute-provider')).toBe('anthropic');
      expect(first.response.headers.get('x-uniroute-key-source')).toBe('server');
      expect(first.response.headers.get('request-id')).toMatch(/^req_/);
      const seen = lastRequestTo('anthropic');
      expect(seen).toMatchObject({ method: 'POST', path: '/anthropic/v1/messages', apiKey: SERVER_KEYS.anthropic });
      expect(seen.headers['authorization']).toBeUndefined();
      expect(seen.headers['anthropic-version']).toBeTruthy();

      await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
      const own = await anthropic.messages.create(hello('Mine now')).withResponse();
      expect(own.data.content[0]).toMatchObject({ text: 'Echo: Mine now' });
      expect(own.response.headers.get('x-uniroute-key-source')).toBe('user');
      expect(lastRequestTo('anthropic').apiKey).toBe(USER_KEYS.anthropic);

      expect(requestsTo('anthropic').map((request) => request.apiKey)).not.toContain(user.apiKey);
    });

    it('relays a stream event by event in Anthropic\'s own format', async () => {
      const { apiKey } = await userWithApiKey(harness);
      const anthropic = anthropicClient(harness.app.url, apiKey);
      const { data: stream, response } = await anthropic.messages.create({ ...hello('Stream this answer please'), stream: true }).withResponse();
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('x-uniroute-key-source')).toBe('server');
      const types: string[] = [];
      let text = '';
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      }
      expect(text).toBe('Echo: Stream this answer please');
      expect(types[0]).toBe('message_start');
      expect(types.at(-1)).toBe('message_stop');
      expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
      expect(lastRequestTo('anthropic')).toMatchObject({ path: '/anthropic/v1/messages', stream: true, apiKey: SERVER_KEYS.anthropic });
    });

    it('lists models', async () => {
      const { apiKey } = await userWithApiKey(harness);
      const page = await anthropicClient(harness.app.url, apiKey).models.list();
      expect(page.data.map((model) => model.id)).toContain('claude-3-5-haiku-20241022');
      expect(lastRequestTo('anthropic')).toMatchObject({ method: 'GET', path: '/anthropic/v1/models', apiKey: SERVER_KEYS.anthropic });
    });

    it('refuses a wrong or revoked UniRoute key with the SDK\'s AuthenticationError, without calling Anthropic', async () => {
      const user = await userWithApiKey(harness);
      const before = requestsTo('anthropic').length;

      const wrong = await anthropicClient(harness.app.url, 'ur_not-a-key-this-gateway-issued').messages.create(hello('hi')).catch((error: unknown) => error);
      expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(wrong).toMatchObject({ status: 401 });

      const anthropic = anthropicClient(harness.app.url, user.apiKey);
      await anthropic.messages.create(hello('still good'));
      const keys = await harness.client.get<Array<{ id: string }>>('/admin/api-keys', user.token);
      expect((await harness.client.delete(`/admin/api-keys/${keys.body[0]!.id}`, user.token)).status).toBe(204);
      const revoked = await anthropic.messages.create(hello('hi')).catch((error: unknown) => error);
      expect(revoked).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((revoked as Error).message).toMatch(/revoked/);

      expect(requestsTo('anthropic').length).toBe(before + 1);
    });

    it('passes an upstream 429 through as the SDK\'s RateLimitError, with Anthropic\'s body and retry headers', async () => {
      const { apiKey } = await userWithApiKey(harness);
      harness.standIns.inject({ provider: 'anthropic', status: 429 });
      const error = await anthropicClient(harness.app.url, apiKey).messages.create(hello('too fast')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const rateLimited = error as InstanceType<typeof Anthropic.RateLimitError>;
      expect(rateLimited.status).toBe(429);
      expect(rateLimited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
      expect(rateLimited.headers?.get('retry-after')).toBe('1');
      expect(rateLimited.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
      expect(rateLimited.headers?.get('x-uniroute-key-source')).toBe('server');
    });

    it('passes a rejected user key through as AuthenticationError and flags the key on the settings page', async () => {
      const user = await userWithApiKey(harness);
      const refused = 'sk-ant-api03-user-key-anthropic-refuses-7777';
      await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: refused }, user.token);
      // byok_only: no retry on a server key (§8), so the SDK sees the provider's refusal.
      await harness.client.put('/admin/provider-keys/anthropic', { fallbackPolicy: 'byok_only' }, user.token);
      const error = await anthropicClient(harness.app.url, user.apiKey).messages.create(hello('hi')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(error).toMatchObject({ status: 401, error: { error: { type: 'authentication_error' } } });
      expect(JSON.stringify((error as InstanceType<typeof Anthropic.AuthenticationError>).error)).not.toContain(refused);
      await expect.poll(async () => (await harness.client.get('/admin/provider-keys/anthropic', user.token)).body.lastTestOk, { timeout: 5_000 }).toBe(false);
    });

    it('aborts the upstream request when the client walks away mid-stream', async () => {
      const { apiKey } = await userWithApiKey(harness);
      const before = harness.standIns.aborted;
      const stream = await anthropicClient(harness.app.url, apiKey).messages.create({ ...hello('a long answer that streams slowly'), stream: true });
      for await (const event of stream) {
        expect(event.type).toBe('message_start');
        stream.controller.abort();
        break;
      }
      await harness.standIns.whenAborted(before + 1, 5_000);
      expect(harness.standIns.aborted).toBe(before + 1);
    });
  });

  describe('@google/genai with httpOptions.baseUrl <gateway>/google', () => {
    it('answers generateContent with the server key until the user adds theirs, then theirs, in x-goog-api-key only', async () => {
      const user = await userWithApiKey(harness);
      const gemini = geminiClient(harness.app.url, user.apiKey);

      const first = await gemini.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hello Gemini' });
      expect(first.text).toBe('Echo: Hello Gemini');
      expect(first.sdkHttpResponse?.headers?.['x-uniroute-provider']).toBe('google');
      expect(first.sdkHttpResponse?.headers?.['x-uniroute-key-source']).toBe('server');
      const seen = lastRequestTo('google');
      expect(seen).toMatchObject({ method: 'POST', path: '/google/v1beta/models/gemini-2.0-flash:generateContent', apiKey: SERVER_KEYS.google });
      expect(seen.headers['x-goog-api-key']).toMatch(/gg01$/);

      await harness.client.post('/admin/provider-keys', { provider: 'google', apiKey: USER_KEYS.google }, user.token);
      const own = await gemini.models.generateContent({ model: 'models/gemini-2.0-flash', contents: 'Mine now' });
      expect(own.text).toBe('Echo: Mine now');
      expect(own.sdkHttpResponse?.headers?.['x-uniroute-key-source']).toBe('user');
      expect(lastRequestTo('google').apiKey).toBe(USER_KEYS.google);

      expect(requestsTo('google').map((request) => request.apiKey)).not.toContain(user.apiKey);
    });

    it('relays generateContentStream chunk by chunk, with ?alt=sse passed through', async () => {
      const { apiKey } = await userWithApiKey(harness);
      const stream = await geminiClient(harness.app.url, apiKey).models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'Stream this answer please' });
      const pieces: string[] = [];
      for await (const chunk of stream) pieces.push(chunk.text ?? '');
      expect(pieces.join('')).toBe('Echo: Stream this answer please');
      expect(pieces.length).toBeGreaterThan(1);
      expect(lastRequestTo('google')).toMatchObject({ path: '/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', stream: true });
    });

    it('lists models', async () => {
      const { apiKey } = await userWithApiKey(harness);
      const names: string[] = [];
      for await (const model of await geminiClient(harness.app.url, apiKey).models.list()) names.push(model.name ?? '');
      expect(names).toContain('models/gemini-2.0-flash');
      expect(lastRequestTo('google')).toMatchObject({ method: 'GET', apiKey: SERVER_KEYS.google });
      expect(lastRequestTo('google').path).toMatch(/^\/google\/v1beta\/models(\?|$)/);
    });

    it('refuses a wrong or revoked UniRoute key with a 401 ApiError, without calling Google', async () => {
      const user = await userWithApiKey(harness);
      const before = requestsTo('google').length;
      const wrong = await geminiClient(harness.app.url, 'ur_not-a-key-this-gateway-issued').models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' }).catch((error: unknown) => error);
      expect(wrong).toBeInstanceOf(ApiError);
      expect(wrong).toMatchObject({ status: 401 });

      const keys = await harness.client.get<Array<{ id: string }>>('/admin/api-keys', user.token);
      await harness.client.delete(`/admin/api-keys/${keys.body[0]!.id}`, user.token);
      const revoked = await geminiClient(harness.app.url, user.apiKey).models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' }).catch((error: unknown) => error);
      expect(revoked).toBeInstanceOf(ApiError);
      expect(revoked).toMatchObject({ status: 401 });
      expect((revoked as Error).message).toMatch(/revoked/);

      expect(requestsTo('google').length).toBe(before);
    });

    it('passes an upstream 429 through as a 429 ApiError with Gemini\'s own body', async () => {
      const { apiKey } = await userWithApiKey(harness);
      harness.standIns.inject({ provider: 'google', status: 429 });
      const error = await geminiClient(harness.app.url, apiKey).models.generateContent({ model: 'gemini-2.0-flash', contents: 'too fast' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 429 });
      const body = JSON.parse((error as ApiError).message) as { error: { status: string; details: Array<Record<string, unknown>> } };
      expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
      expect(body.error.details).toContainEqual(expect.objectContaining({ retryDelay: '1s' }));
    });

    it('aborts the upstream request when the client walks away mid-stream', async () => {
      const { apiKey } = await userWithApiKey(harness);
      const before = harness.standIns.aborted;
      const controller = new AbortController();
      const stream = await geminiClient(harness.app.url, apiKey).models.generateContentStream({
        model: 'gemini-2.0-flash',
        contents: 'a long answer that streams slowly',
        config: { abortSignal: controller.signal },
      });
      await stream.next();
      controller.abort();
      await harness.standIns.whenAborted(before + 1, 5_000);
      expect(harness.standIns.aborted).toBe(before + 1);
    });
  });
});

/** One request exactly as it reached the provider: raw URL, headers and body text. */
interface ArrivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

/** A bare upstream that records byte for byte what arrived and answers as the current test tells it. */
async function startRecordingUpstream() {
  const arrived: ArrivedRequest[] = [];
  let answer: Answer = (_request, response) => response.writeHead(500).end();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrived.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    arrived,
    answerWith(next: Answer) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (status: number, text: string, headers: Record<string, string> = {}): Answer => (_request, response) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
};

describe(`what crosses to the provider on the native routes (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  let user: Awaited<ReturnType<typeof userWithApiKey>>;

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    harness = await startGatewayWithStandIns({
      env: {
        ANTHROPIC_BASE_URL: `${upstream.origin}/anthropic`,
        GOOGLE_BASE_URL: `${upstream.origin}/google`,
        // Server keys exist but are not shared: a user without a key of their own is refused.
        ALLOW_SERVER_KEY_FALLBACK: 'false',
        UPSTREAM_TIMEOUT_MS: '1000',
      },
    });
    user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
    await harness.client.post('/admin/provider-keys', { provider: 'google', apiKey: USER_KEYS.google }, user.token);
  });
  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  });

  const lastArrived = () => upstream.arrived.at(-1)!;

  it('refuses a user with no provider key (and no shared server key) with the same clear 401 as /v1/chat/completions', async () => {
    const keyless = await userWithApiKey(harness);
    const before = upstream.arrived.length;
    const anthropicError = await anthropicClient(harness.app.url, keyless.apiKey).messages.create(hello('hi')).catch((error: unknown) => error);
    expect(anthropicError).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((anthropicError as Error).message).toMatch(/No Anthropic API key.*\/settings\/provider-keys/);

    const geminiError = await geminiClient(harness.app.url, keyless.apiKey).models.countTokens({ model: 'gemini-2.0-flash', contents: 'hi' }).catch((error: unknown) => error);
    expect(geminiError).toBeInstanceOf(ApiError);
    expect(geminiError).toMatchObject({ status: 401 });
    expect((geminiError as Error).message).toMatch(/No Google.*\/settings\/provider-keys/);

    expect(upstream.arrived).toHaveLength(before);
  });

  it('counts Anthropic tokens with the user key in x-api-key and no other credential', async () => {
    upstream.answerWith(json(200, '{"input_tokens":12}', { 'request-id': 'req_count', 'set-cookie': 'upstream=1' }));
    const { data, response } = await anthropicClient(harness.app.url, user.apiKey).messages.countTokens({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'count me' }] }).withResponse();
    expect(data).toEqual({ input_tokens: 12 });
    expect(response.headers.get('request-id')).toBe('req_count');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('x-uniroute-key-source')).toBe('user');
    const arrived = lastArrived();
    expect(arrived).toMatchObject({ method: 'POST', url: '/anthropic/v1/messages/count_tokens' });
    expect(arrived.headers['x-api-key']).toBe(USER_KEYS.anthropic);
    expect(arrived.headers['authorization']).toBeUndefined();
    expect(arrived.headers['anthropic-version']).toBeTruthy();
    expect(JSON.stringify(arrived)).not.toContain(user.apiKey);
  });

  it('sends the body and answers byte for byte, forwards anthropic-version and anthropic-beta, and strips every caller credential', async () => {
    const upstreamAnswer = '{ "input_tokens" :  7 ,\n  "note": "caf\\u00e9 1.0" }';
    upstream.answerWith(json(200, upstreamAnswer));
    const body = '{"model":"claude-3-5-haiku-latest",  "messages":[{"role":"user","content":"caf\\u00e9 costs 1.0"}]}';
    const response = await fetch(`${harness.app.url}/anthropic/v1/messages/count_tokens?beta=true&key=caller-supplied`, {
      method: 'POST',
      headers: {
        'x-api-key': user.apiKey,
        'content-type': 'application/json',
        'anthropic-beta': 'token-counting-2024-11-01',
        'x-goog-api-key': 'AIzaSy-not-for-anthropic-0000',
        cookie: 'session=secret',
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(upstreamAnswer);
    const arrived = lastArrived();
    expect(arrived.url).toBe('/anthropic/v1/messages/count_tokens?beta=true');
    expect(arrived.body).toBe(body);
    expect(arrived.headers).toMatchObject({
      'x-api-key': USER_KEYS.anthropic,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'token-counting-2024-11-01',
      'content-type': 'application/json',
    });
    expect(Object.keys(arrived.headers).sort()).toEqual(['anthropic-beta', 'anthropic-version', 'connection', 'content-length', 'content-type', 'host', 'x-api-key']);
  });

  it('counts Gemini tokens with the user key in x-goog-api-key, never in the URL', async () => {
    upstream.answerWith(json(200, '{"totalTokens":3}'));
    const counted = await geminiClient(harness.app.url, user.apiKey).models.countTokens({ model: 'gemini-2.0-flash', contents: 'count me' });
    expect(counted.totalTokens).toBe(3);
    const arrived = lastArrived();
    expect(arrived).toMatchObject({ method: 'POST', url: '/google/v1beta/models/gemini-2.0-flash:countTokens' });
    expect(arrived.headers['x-goog-api-key']).toBe(USER_KEYS.google);
    expect(JSON.stringify(arrived)).not.toContain(user.apiKey);
  });

  it('relays a Gemini stream chunk by chunk as it arrives, with alt=sse kept and the caller\'s key= dropped', async () => {
    const events = ['data: {"candidates":[{"content":{"parts":[{"text":"Echo"}],"role":"model"}}]}\r\n\r\n', 'data: {"candidates":[{"content":{"parts":[{"text":": hi"}],"role":"model"},"finishReason":"STOP"}]}\r\n\r\n'];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    upstream.answerWith((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(events[0]);
      // The second event only once the client has the first: a buffering relay would never finish.
      void released.then(() => response.end(events[1]));
    });
    const response = await fetch(`${harness.app.url}/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=caller-supplied-value`, {
      method: 'POST',
      headers: { 'x-goog-api-key': user.apiKey, 'content-type': 'application/json' },
      body: '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-uniroute-provider')).toBe('google');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (received.length < events[0]!.length) received += decoder.decode((await reader.read()).value, { stream: true });
    expect(received).toBe(events[0]);
    release();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += decoder.decode(chunk.value, { stream: true });
    expect(received).toBe(events.join(''));
    expect(lastArrived().url).toBe('/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(lastArrived().headers['x-goog-api-key']).toBe(USER_KEYS.google);
  });

  it('masks a key an upstream error echoes back, keeping the status and the native shape', async () => {
    upstream.answerWith(json(404, `{"type":"error","error":{"type":"not_found_error","message":"model: nope (key ${USER_KEYS.anthropic})"}}`));
    const error = await anthropicClient(harness.app.url, user.apiKey).messages.create({ ...hello('hi'), model: 'nope' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    const body = (error as InstanceType<typeof Anthropic.NotFoundError>).error as { error: { type: string; message: string } };
    expect(body.error.type).toBe('not_found_error');
    expect(body.error.message).toBe('model: nope (key ****an02)');
  });

  it('answers 504 when the provider does not answer in time', async () => {
    upstream.answerWith(() => undefined);
    const error = await geminiClient(harness.app.url, user.apiKey).models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 504 });
    expect((error as Error).message).toMatch(/Google.*did not answer/);
  });

  it('ends a stream that stalls mid-way with Anthropic\'s own error event, which the SDK raises', async () => {
    upstream.answerWith((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-3-5-haiku-latest","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":0}}}\n\n');
    });
    const stream = await anthropicClient(harness.app.url, user.apiKey).messages.create({ ...hello('hi'), stream: true });
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(types).toEqual(['message_start']);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as Error).message).toMatch(/timeout_error.*Anthropic did not answer/);
  });
});
