import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_KEYS, startGatewayWithStandIns, USER_KEYS, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

const ask = { messages: [{ role: 'user' as const, content: 'Which key?' }] };

describe(`BYOK credential resolution (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** The key the stand-in saw on the last request to `provider`. */
  const lastKey = (provider: 'openai' | 'anthropic' | 'google') => harness.standIns.keysSeen(provider).at(-1);

  it('uses the server key until the user adds theirs, then theirs only, and follows every change at once', async () => {
    const { client } = harness;
    const alice = await userWithApiKey(harness);
    const bob = await userWithApiKey(harness);

    const first = await alice.openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', ...ask }).withResponse();
    expect(first.response.headers.get('x-uniroute-key-source')).toBe('server');
    expect(first.response.headers.get('x-uniroute-provider')).toBe('anthropic');
    expect(lastKey('anthropic')).toBe(SERVER_KEYS.anthropic);

    await client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, alice.token);
    const own = await alice.openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', ...ask }).withResponse();
    expect(own.response.headers.get('x-uniroute-key-source')).toBe('user');
    expect(lastKey('anthropic')).toBe(USER_KEYS.anthropic);

    await bob.openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', ...ask });
    expect(lastKey('anthropic')).toBe(SERVER_KEYS.anthropic);

    const replacement = 'sk-ant-api03-stand-in-demo-key-an01';
    await harness.standIns.setKeys('anthropic', [SERVER_KEYS.anthropic, USER_KEYS.anthropic, replacement]);
    await client.put('/admin/provider-keys/anthropic', { apiKey: replacement }, alice.token);
    await alice.openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', ...ask });
    expect(lastKey('anthropic')).toBe(replacement);

    await client.put('/admin/provider-keys/anthropic', { isActive: false }, alice.token);
    const inactive = await alice.openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', ...ask }).withResponse();
    expect(inactive.response.headers.get('x-uniroute-key-source')).toBe('server');

    await client.put('/admin/provider-keys/anthropic', { isActive: true }, alice.token);
    await alice.openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', ...ask });
    expect(lastKey('anthropic')).toBe(replacement);

    await client.delete('/admin/provider-keys/anthropic', alice.token);
    await alice.openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', ...ask });
    expect(lastKey('anthropic')).toBe(SERVER_KEYS.anthropic);
  });

  it('flags a user key the provider rejects on a live request and says whose key it was', async () => {
    const { client } = harness;
    const user = await userWithApiKey(harness);
    await client.post('/admin/provider-keys', { provider: 'openai', apiKey: 'sk-proj-user-key-that-was-revoked-7777' }, user.token);
    // byok_only: no retry on the server key (§8), so the provider's refusal reaches the caller.
    await client.put('/admin/provider-keys/openai', { fallbackPolicy: 'byok_only' }, user.token);
    const error = await user.openai.chat.completions.create({ model: 'gpt-4o-mini', ...ask }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401 });
    const message = (error as Error).message;
    expect(message).toMatch(/your/i);
    expect(message).not.toContain('sk-proj-user-key-that-was-revoked-7777');
    await expect.poll(async () => (await client.get('/admin/provider-keys/openai', user.token)).body.lastTestOk, { timeout: 5_000 }).toBe(false);
    expect((await client.get('/admin/provider-keys/openai', user.token)).body.health).toBe('rejected');
  });

  it('records lastUsedAt on the user key in the background', async () => {
    const { client } = harness;
    const user = await userWithApiKey(harness);
    await client.post('/admin/provider-keys', { provider: 'google', apiKey: USER_KEYS.google }, user.token);
    await user.openai.chat.completions.create({ model: 'gemini-2.0-flash', ...ask });
    expect(lastKey('google')).toBe(USER_KEYS.google);
    await expect.poll(async () => (await client.get('/admin/provider-keys/google', user.token)).body.lastUsedAt, { timeout: 8_000, interval: 250 }).not.toBeNull();
  });
});

describe(`BYOK with server-key fallback off (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { ALLOW_SERVER_KEY_FALLBACK: 'false' } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('refuses with a clear error naming the provider and the settings page, then uses the user key', async () => {
    const user = await userWithApiKey(harness);
    const refused = await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', ...ask }, user.apiKey);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ type: 'authentication_error', code: 'provider_key_missing' });
    expect(refused.body.error.message).toMatch(/OpenAI/);
    expect(refused.body.error.message).toMatch(/\/settings\/provider-keys/);
    expect(harness.standIns.requests).toHaveLength(0);

    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    const answered = await user.openai.chat.completions.create({ model: 'gpt-4o-mini', ...ask }).withResponse();
    expect(answered.response.headers.get('x-uniroute-key-source')).toBe('user');
    expect(harness.standIns.keysSeen('openai')).toEqual([USER_KEYS.openai]);

    const statuses = (await harness.client.get('/admin/providers', user.token)).body;
    expect(statuses[1]).toMatchObject({ provider: 'anthropic', serverKeyConfigured: true, fallbackAllowed: false, usesServerKey: false });
  });
});
