import net from 'node:net';
import { Readable } from 'node:stream';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrainState } from '../src/health/drain-state.js';
import { startGatewayWithStandIns, type Harness } from './support/gateway-with-stand-ins.js';
import { httpClient, registerUser } from './support/http.js';
import { DATABASE_KIND, startTestApp, type TestApp } from './support/test-app.js';
import { answerBeforeBody } from './support/raw-socket.js';

/** OpenAI's error shape, with a 4xx status. */
function expectClientError(response: { status: number; body: unknown; text?: string }, label: string, code?: string): void {
  expect(response.status, `${label}: ${response.text ?? ''}`).toBeGreaterThanOrEqual(400);
  expect(response.status, label).toBeLessThan(500);
  expect(response.body, label).toEqual({
    error: { message: expect.any(String), type: expect.any(String), code: code ?? expect.any(String), param: expect.toBeOneOf([null, expect.any(String)]) },
  });
}

/** JSON nested `depth` levels deep, alternating objects and arrays. */
function deepJson(depth: number): string {
  return '{"a":['.repeat(depth / 2) + '1' + ']}'.repeat(depth / 2);
}

/** Sends a raw HTTP/1.1 request and returns the status line and body the server answered with. */
function rawRequest(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}


describe(`every client mistake is a 4xx in OpenAI's error shape (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;
  let session: string;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { REGISTRATION: 'open', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
    client = httpClient(app.url);
    session = (await registerUser(client)).token;
    apiKey = (await client.post('/admin/api-keys', { name: 'errors' }, session)).body.key;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses JSON nested deeper than 64 levels on every JSON route, before validation', async () => {
    const routes: Array<[string, string, string | undefined]> = [
      ['POST', '/auth/register', undefined],
      ['POST', '/auth/login', undefined],
      ['POST', '/admin/provider-keys', session],
      ['PUT', '/admin/provider-keys/openai', session],
      ['POST', '/admin/api-keys', session],
      ['POST', '/v1/chat/completions', apiKey],
      ['POST', '/anthropic/v1/messages', apiKey],
    ];
    for (const [method, path, token] of routes) {
      const response = await client.call(method, path, { rawBody: deepJson(10_000), token });
      expectClientError(response, `${method} ${path}`, 'invalid_json');
      expect(response.body.error.message).toContain('64');
    }
    // 64 levels is still fine (it reaches validation).
    const shallow = await client.call('POST', '/admin/api-keys', { rawBody: `{"name":"ok","x":${deepJson(62)}}`, token: session });
    expectClientError(shallow, 'depth 64', 'validation_failed');
  });

  it('refuses NUL characters and lone surrogates in names, emails and keys', async () => {
    const cases: Array<[string, string, unknown, string | undefined, string]> = [
      ['POST', '/admin/api-keys', { name: 'lap\u0000top' }, session, 'name'],
      ['POST', '/auth/register', { email: 'lone\ud800@example.com', password: 'correct horse battery staple' }, undefined, 'email'],
      ['POST', '/auth/login', { email: 'someone@example.com', password: 'pass\u0000word-long-enough' }, undefined, 'password'],
      ['POST', '/admin/provider-keys', { provider: 'openai', apiKey: 'sk-\udfffabcdefghijklmnop' }, session, 'apiKey'],
      ['POST', '/admin/api-keys', { name: 'ok', nested: { ['bad\u0000key']: 1 } }, session, 'nested.bad?key'],
    ];
    for (const [method, path, body, token, param] of cases) {
      const response = await client.call(method, path, { body, token });
      expectClientError(response, `${path} ${param}`, 'invalid_request');
      expect(response.body.error.param).toBe(param);
    }
    expect(await app.sql("SELECT 1 FROM api_keys WHERE name LIKE 'lap%'")).toEqual([]);
    // Query strings and path parameters of the management API too.
    for (const [path, param] of [['/admin/api-keys?before=%00', 'query.before'], ['/admin/provider-keys/open%00ai', 'params.provider']]) {
      const response = await client.get(path!, session);
      expectClientError(response, path!, 'invalid_request');
      expect(response.body.error.param).toBe(param);
    }
  });

  it('answers malformed URLs and over-long parameters in the error shape, not Fastify\'s', async () => {
    for (const path of ['/admin/api-keys/%ff', '/auth/%zz', '/admin/provider-keys/%E0%A4%A', `/admin/provider-keys/${'x'.repeat(5_000)}`, `/admin/api-keys/${'%41'.repeat(300)}`]) {
      const response = await client.call('DELETE', path, { token: session });
      expectClientError(response, path.slice(0, 40));
      expect(response.text).not.toContain('FST_');
      expect(response.headers.get('x-request-id')).toBeTruthy();
    }
    const raw = await rawRequest(app.url, 'GET /auth/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toContain('"type":"invalid_request_error"');
    // What Node's own parser refuses (a bad header line, a bad Content-Length, a header block too large).
    for (const [request, status] of [
      ['GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 400],
      ['POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ] as const) {
      const answer = await rawRequest(app.url, request);
      expect(answer, request.slice(0, 50)).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_request' } });
    }
  });

  it('accepts an empty body with a JSON content type where no body is needed', async () => {
    const created = await client.post('/admin/api-keys', { name: 'to-delete' }, session);
    const deleted = await client.call('DELETE', `/admin/api-keys/${created.body.id}`, { token: session, rawBody: '' });
    expect(deleted.status).toBe(204);
    const test = await client.call('POST', '/admin/provider-keys/openai/test', { token: session, rawBody: '' });
    expect(test.status, test.text).toBe(404);
    expect(test.body.error.code).not.toBe('invalid_json');
    // A route that needs a body says what is missing.
    const empty = await client.call('POST', '/admin/api-keys', { token: session, rawBody: '' });
    expectClientError(empty, 'empty body on a route with a body', 'validation_failed');
    const emptyChat = await client.call('POST', '/v1/chat/completions', { token: apiKey, rawBody: '' });
    expectClientError(emptyChat, 'empty chat body');
  });

  it('answers bad JSON, a bad content type and prototype poisoning with a 4xx', async () => {
    for (const [rawBody, contentType] of [
      ['{"name":', 'application/json'],
      ['{"__proto__":{"admin":true},"name":"x"}', 'application/json'],
      ['name=x', 'application/x-www-form-urlencoded'],
      ['name', 'text/plain'],
      ['{}', 'application/json; charset=latin-9000'],
    ] as const) {
      const response = await client.call('POST', '/admin/api-keys', { rawBody, token: session, headers: { 'content-type': contentType } });
      expectClientError(response, `${contentType} ${rawBody}`);
    }
  });

  it('reads a 20 MB body to its end and answers 413 (or 401 before reading it) instead of dropping the connection', async () => {
    const twentyMegabytes = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    const twoMegabytes = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const cases: Array<[string, Buffer, string | undefined, number]> = [
      ['/v1/chat/completions', twentyMegabytes, undefined, 401],
      ['/v1/chat/completions', twentyMegabytes, 'ur_not-a-real-key', 401],
      ['/v1/chat/completions', twentyMegabytes, apiKey, 413],
      ['/anthropic/v1/messages', twentyMegabytes, apiKey, 413],
      ['/auth/login', twoMegabytes, undefined, 413],
      ['/admin/api-keys', twoMegabytes, session, 413],
      ['/auth/register', twentyMegabytes, undefined, 413],
    ];
    for (const [path, body, token, status] of cases) {
      const response = await undiciRequest(`${app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
      const answer = (await response.body.json()) as { error: { code: string } };
      expect(response.statusCode, path).toBe(status);
      expect(answer.error.code, path).toBe(status === 413 ? 'payload_too_large' : 'invalid_api_key');
    }
    // Chunked (no Content-Length): the limit is found while reading, the answer still arrives.
    const chunked = await undiciRequest(`${app.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(
        (function* () {
          for (let index = 0; index < 40; index++) yield Buffer.alloc(64 * 1024, 0x20);
        })(),
      ),
    });
    expect(chunked.statusCode).toBe(413);
    await chunked.body.json();
  });

  it('authenticates gateway routes before reading the body', async () => {
    // Headers only, the promised body never comes: the 401 is sent at once.
    const { hostname, port } = new URL(app.url);
    const socket = net.connect(Number(port), hostname);
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{');
    const answer = await new Promise<string>((resolve) => {
      socket.setEncoding('utf8');
      socket.once('data', resolve);
    });
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(answer).toContain('"code":"invalid_api_key"');
  });

  it('answers an unknown route with its 404 before reading the body, and drops the body unparsed', async () => {
    // Headers promise 20 MiB, a few bytes come: a 404 that waited for (and parsed) the body never arrives.
    for (const path of ['/v1/files', '/v1/anything', '/anthropic/v1/nope', '/admin/nope', '/auth/nope', '/nope']) {
      const answer = await answerBeforeBody(
        app.url,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${20 * 1024 * 1024}\r\n`,
        2_000,
      );
      expect(answer, path).toMatch(/^HTTP\/1\.1 404/);
      expect(answer, path).toContain('"code":"not_found"');
      expect(answer, path).toContain(`Unknown route: POST ${path}`);
    }
    // The whole body sent: the client still gets the 404 (the body is read and dropped), not a reset.
    const response = await undiciRequest(`${app.url}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: Buffer.alloc(20 * 1024 * 1024, 0x20),
    });
    expect(response.statusCode).toBe(404);
    expect(((await response.body.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  // Last: it leaves the app draining.
  it('logs a 5xx with the path only, never its query parameters', async () => {
    app.app.get(DrainState).startDraining();
    const response = await client.get('/auth/me?access_token=query-secret-value-123', session);
    expect(response.status).toBe(503);
    const line = app.logs().find((text) => text.includes('"status":503') && text.includes('/auth/me'));
    expect(line).toBeDefined();
    expect(line).not.toContain('query-secret-value-123');
    expect(line).not.toContain('?');
  });
});

describe(`slow clients and connection caps (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let app: TestApp;

  beforeAll(async () => {
    // A slow provider: its answer starts after 2 s and streams for about 1 s more.
    harness = await startGatewayWithStandIns({
      standIns: { latencyMs: 2_000, chunkDelayMs: 250 },
      env: { REGISTRATION: 'open', REQUEST_TIMEOUT_MS: '1500', KEEP_ALIVE_TIMEOUT_MS: '500', MAX_CONNECTIONS: '4' },
    });
    app = harness.app;
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('does not limit responses: a stream that outlasts REQUEST_TIMEOUT_MS and KEEP_ALIVE_TIMEOUT_MS is delivered whole', async () => {
    const user = await registerUser(harness.client);
    const key = (await harness.client.post('/admin/api-keys', { name: 'slow' }, user.token)).body.key as string;
    const startedAt = Date.now();
    const response = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hello' }] }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThan(2_000);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  function connect(): net.Socket {
    const { hostname, port } = new URL(app.url);
    return net.connect(Number(port), hostname);
  }

  function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  it('closes a connection whose body trickles in slower than REQUEST_TIMEOUT_MS', async () => {
    const socket = connect();
    socket.on('error', () => undefined);
    socket.write('POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
    const trickle = setInterval(() => socket.writable && socket.write(' '), 400);
    const startedAt = Date.now();
    const closed = await closedWithin(socket, 6_000);
    clearInterval(trickle);
    expect(closed).toBe(true);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    socket.destroy();
  });

  it('closes a kept-alive connection left idle longer than KEEP_ALIVE_TIMEOUT_MS', async () => {
    const socket = connect();
    socket.on('error', () => undefined);
    const answered = new Promise<string>((resolve) => {
      socket.setEncoding('utf8');
      socket.once('data', resolve);
    });
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);
    // Fastify's default would keep it 72 s; one client could hold every MAX_CONNECTIONS socket that way.
    expect(await closedWithin(socket, 2_500)).toBe(true);
    socket.destroy();
  });

  it('closes a connection whose headers never finish', async () => {
    const socket = connect();
    socket.on('error', () => undefined);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 300);
    const closed = await closedWithin(socket, 6_000);
    clearInterval(trickle);
    expect(closed).toBe(true);
    socket.destroy();
  });

  it('refuses connections beyond MAX_CONNECTIONS and serves again once they close', async () => {
    const held = await Promise.all(
      Array.from({ length: 4 }, () => {
        const socket = connect();
        socket.on('error', () => undefined);
        return new Promise<net.Socket>((resolve) => socket.once('connect', () => resolve(socket)));
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = connect();
    extra.on('error', () => undefined);
    expect(await closedWithin(extra, 3_000)).toBe(true);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
