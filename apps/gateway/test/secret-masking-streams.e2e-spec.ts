import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

/**
 * An upstream stream that repeats the key it was sent, cut in two by its own writes (as TCP or a proxy may cut it):
 * the gateway relays streams chunk by chunk, and neither half alone looks like the key.
 */
const SERVER_CANARY = 'canary-5b1e-split-stream-server-key-0001';

/** An OpenAI-compatible upstream whose streamed answer quotes the request's key, split across two writes. */
async function startEchoingUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const key = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      const half = Math.floor(key.length / 2);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content: string) => `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
      response.write(chunk('Hello'));
      response.write(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"your key is ${key.slice(0, half)}`);
      setTimeout(() => {
        response.write(`${key.slice(half)}"},"finish_reason":null}]}\n\n`);
        response.end('data: [DONE]\n\n');
      }, 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe(`a key split across two chunks of a relayed stream is masked (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let upstream: Awaited<ReturnType<typeof startEchoingUpstream>>;
  let apiKey: string;

  beforeAll(async () => {
    upstream = await startEchoingUpstream();
    harness = await startGatewayWithStandIns({ env: { OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: SERVER_CANARY } });
    apiKey = (await userWithApiKey(harness)).apiKey;
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  });

  it.each([
    ['chat completions', '/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }],
    ['responses', '/v1/responses', { model: 'gpt-4o-mini', stream: true, input: 'hi' }],
  ])('%s: the client receives the stream with the key masked, and nothing else changed', async (_name, path, body) => {
    const response = await fetch(`${harness.app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(SERVER_CANARY);
    expect(text).not.toContain(SERVER_CANARY.slice(0, SERVER_CANARY.length - 4));
    expect(text).toContain(`your key is ****${SERVER_CANARY.slice(-4)}"`);
    expect(text).toContain('"content":"Hello"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});
