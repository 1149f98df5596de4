import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

/**
 * Issue 11 (§12): an upstream that echoes the key it received (OpenAI-compatible proxies, Azure, vLLM do)
 * must not hand the operator's server key, or a user's key, to the caller or to the logs — whatever the
 * key looks like. These canaries match none of the `sk-…`/`AIza…` patterns on purpose.
 */
const CANARY = {
  openai: 'canary-7f3a91c2-openai-server-0001',
  anthropic: 'canary-7f3a91c2-anthropic-server-0002',
  google: 'canary-7f3a91c2-google-server-0003',
} as const;
const USER_CANARY = 'canary-7f3a91c2-users-own-key-0004';
const ALL_CANARIES = [...Object.values(CANARY), USER_CANARY];

const ANTHROPIC_HEADERS = { 'anthropic-version': '2023-06-01' };

describe(`exact secrets masked in everything relayed from an upstream (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let apiKey: string;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({
      serverKeys: false,
      env: { OPENAI_API_KEY: CANARY.openai, ANTHROPIC_API_KEY: CANARY.anthropic, GOOGLE_API_KEY: CANARY.google },
      standIns: { keys: { openai: [CANARY.openai, USER_CANARY], anthropic: [CANARY.anthropic, USER_CANARY], google: [CANARY.google] } },
    });
    apiKey = (await userWithApiKey(harness)).apiKey;
  }, 60_000);
  afterAll(async () => {
    // The log audit runs last, over every line the app wrote during the file.
    await harness?.close();
  });
  beforeEach(() => harness.standIns.reset());

  const expectNoCanary = (text: string) => {
    for (const canary of ALL_CANARIES) expect(text).not.toContain(canary);
  };

  it.each([
    ['JSON, 401', 401, false],
    ['JSON, 500', 500, false],
    ['stream, 429', 429, true],
  ] as const)('chat completions relayed from OpenAI (%s): the server key is masked', async (_label, status, stream) => {
    harness.standIns.inject({ provider: 'openai', status, echoApiKey: true });
    const response = await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream }, apiKey);

    expect(response.status).toBe(status);
    expectNoCanary(response.text);
    // The echo did arrive, masked: the test would see a leak.
    expect(response.text).toContain('****0001');
  });

  it('chat completions translated from Anthropic and Gemini: the server keys are masked', async () => {
    harness.standIns.inject({ provider: 'anthropic', status: 401, echoApiKey: true });
    harness.standIns.inject({ provider: 'google', status: 503, echoApiKey: true });
    const claude = await harness.client.post('/v1/chat/completions', { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }] }, apiKey);
    const gemini = await harness.client.post('/v1/chat/completions', { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }], stream: true }, apiKey);

    expect(claude.status).toBe(401);
    expect(gemini.status).toBe(503);
    expectNoCanary(claude.text + gemini.text);
    expect(claude.text).toContain('****0002');
    expect(gemini.text).toContain('****0003');
  });

  it('native Anthropic and Gemini routes: the relayed error bodies have the server keys masked', async () => {
    harness.standIns.inject({ provider: 'anthropic', status: 401, echoApiKey: true });
    harness.standIns.inject({ provider: 'google', status: 500, echoApiKey: true });
    const anthropic = await harness.client.post(
      '/anthropic/v1/messages',
      { model: 'claude-3-5-haiku-latest', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] },
      undefined,
      { 'x-api-key': apiKey, ...ANTHROPIC_HEADERS },
    );
    const gemini = await harness.client.post('/google/v1beta/models/gemini-2.0-flash:generateContent?alt=json', { contents: [{ parts: [{ text: 'hi' }] }] }, undefined, {
      'x-goog-api-key': apiKey,
    });

    expect(anthropic.status).toBe(401);
    expect(gemini.status).toBe(500);
    expectNoCanary(anthropic.text + gemini.text);
    expect(anthropic.text).toContain('****0002');
    expect(gemini.text).toContain('****0003');
  });

  it('successful answers translated from Anthropic and Gemini (JSON and stream): a key the answer repeats is masked', async () => {
    // The stand-ins answer "Echo: <last user text>": an answer that repeats a key, as a model or a careless proxy might.
    const ask = (model: string, stream: boolean, key: string) =>
      harness.client.post('/v1/chat/completions', { model, messages: [{ role: 'user', content: `the key is ${key}` }], stream }, apiKey);
    const answers = [
      await ask('claude-3-5-haiku-latest', false, CANARY.anthropic),
      await ask('claude-3-5-haiku-latest', true, CANARY.anthropic),
      await ask('gemini-2.0-flash', false, CANARY.google),
      await ask('gemini-2.0-flash', true, CANARY.google),
    ];
    for (const answer of answers) expect(answer.status).toBe(200);
    const text = answers.map((answer) => answer.text).join('\n');
    expectNoCanary(text);
    expect(text).toContain('****0002');
    expect(text).toContain('****0003');
  });

  it('an upstream message cut at 1,000 characters: a key straddling the cut is masked whole, not shortened into a leak', async () => {
    // " Key received: " is 15 characters: the key starts at 995, across the cut at 1,000.
    const body = { type: 'error', error: { type: 'invalid_request_error', message: 'x'.repeat(980) } };
    harness.standIns.inject({ provider: 'anthropic', status: 400, body, echoApiKey: true });
    const response = await harness.client.post('/v1/chat/completions', { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }] }, apiKey);

    expect(response.status).toBe(400);
    expect(response.text).toContain('Key received: ****');
    expect(response.text).not.toContain(`Key received: ${CANARY.anthropic.slice(0, 4)}`);
  });

  it("a user's own key of any shape: masked in chat errors, test-connection and validate", async () => {
    const user = await userWithApiKey(harness);
    expect((await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_CANARY }, user.token)).status).toBe(201);
    // byok_only: the provider's refusal reaches the caller instead of a retry on the server key (§8).
    expect((await harness.client.put('/admin/provider-keys/openai', { fallbackPolicy: 'byok_only' }, user.token)).status).toBe(200);

    harness.standIns.inject({ provider: 'openai', apiKey: USER_CANARY, status: 401, echoApiKey: true, times: 2 });
    const chat = await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, user.apiKey);
    const tested = await harness.client.post('/admin/provider-keys/openai/test', undefined, user.token);
    harness.standIns.inject({ provider: 'anthropic', apiKey: USER_CANARY, status: 401, echoApiKey: true });
    // Another account: the same key for a second provider of one account is a 409 before any test (§8 fingerprints).
    const other = await userWithApiKey(harness);
    const validated = await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_CANARY, validate: true }, other.token);

    expect(chat.status).toBe(401);
    expect(tested.status).toBe(200);
    expect(tested.body.ok).toBe(false);
    expect(validated.status).toBe(422);
    expectNoCanary(chat.text + tested.text + validated.text);
    for (const text of [chat.text, tested.text, validated.text]) expect(text).toContain('****0004');
  });

  it('no log line carries any of the keys, and 5xx lines carry no query string', async () => {
    harness.standIns.inject({ provider: 'google', status: 502, echoApiKey: true });
    const response = await harness.client.post('/google/v1beta/models/gemini-2.0-flash:generateContent?alt=json&canary=query-secret-1234', { contents: [{ parts: [{ text: 'hi' }] }] }, undefined, {
      'x-goog-api-key': apiKey,
    });
    expect(response.status).toBe(502);

    const logs = harness.app.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.some((line) => line.includes('"status":502'))).toBe(true);
    for (const line of logs) {
      expectNoCanary(line);
      expect(line).not.toContain('query-secret-1234');
    }
  });
});
