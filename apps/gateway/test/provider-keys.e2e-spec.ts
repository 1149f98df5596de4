import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, USER_KEYS, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { registerUser } from './support/http.js';
import { DATABASE_KIND } from './support/test-app.js';

describe(`provider keys — BYOK management (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('stores a key encrypted and shows only its last 4 characters', async () => {
    const { client, app } = harness;
    const user = await registerUser(client);
    const added = await client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      id: expect.any(String),
      provider: 'openai',
      maskedKey: `••••••••${USER_KEYS.openai.slice(-4)}`,
      last4: USER_KEYS.openai.slice(-4),
      isActive: true,
      encrypted: true,
      algorithm: 'AES-256-GCM',
      keyVersion: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastUsedAt: null,
      lastTestedAt: null,
      lastTestOk: null,
      usable: true,
      fallbackPolicy: 'byok_then_server',
      health: 'unverified',
      healthReason: null,
      healthUntil: null,
    });
    expect(added.text).not.toContain(USER_KEYS.openai);

    const rows = await app.sql<Record<string, unknown>>('SELECT * FROM user_provider_keys WHERE user_id = $1', [user.userId]);
    expect(rows).toHaveLength(1);
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(USER_KEYS.openai);
    expect(raw).not.toContain(USER_KEYS.openai.slice(0, 12));
    expect(rows[0]!.api_key_encrypted).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);

    const list = await client.get('/admin/provider-keys', user.token);
    expect(list.body).toEqual([added.body]);
    expect(list.text).not.toContain(rows[0]!.api_key_encrypted as string);
  });

  it('answers 409 for a second key of the same provider, 400 for bad input, 404 for none', async () => {
    const { client } = harness;
    const user = await registerUser(client);
    expect((await client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token)).status).toBe(201);
    const duplicate = await client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'conflict', param: 'provider' });

    for (const [body, param] of [
      [{ provider: 'mistral', apiKey: 'sk-abcdefgh1234' }, 'provider'],
      [{ provider: 'openai', apiKey: '' }, 'apiKey'],
      [{ provider: 'openai', apiKey: '     ' }, 'apiKey'],
      [{ provider: 'openai', apiKey: 'sk-with a space inside' }, 'apiKey'],
      [{ provider: 'openai', apiKey: `sk-${'x'.repeat(600)}` }, 'apiKey'],
      [{ provider: 'openai' }, 'apiKey'],
      [{ provider: 'openai', apiKey: 'sk-abcdefgh1234', userId: user.userId }, 'userId'],
    ] as const) {
      const response = await client.post('/admin/provider-keys', body, user.token);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.body.error.param).toBe(param);
      expect(response.text).not.toContain('sk-abcdefgh1234');
    }
    expect((await client.put('/admin/provider-keys/google', { isActive: false }, user.token)).status).toBe(404);
    expect((await client.delete('/admin/provider-keys/google', user.token)).status).toBe(404);
    expect((await client.put('/admin/provider-keys/anthropic', {}, user.token)).status).toBe(400);
    expect((await client.delete('/admin/provider-keys/mistral', user.token)).status).toBe(400);
  });

  it('updates, deactivates and deletes', async () => {
    const { client } = harness;
    const user = await registerUser(client);
    await client.post('/admin/provider-keys', { provider: 'google', apiKey: 'AIza-first-key-1111' }, user.token);
    const updated = await client.put('/admin/provider-keys/google', { apiKey: USER_KEYS.google }, user.token);
    expect(updated.status).toBe(200);
    expect(updated.body.last4).toBe(USER_KEYS.google.slice(-4));
    const deactivated = await client.put('/admin/provider-keys/google', { isActive: false }, user.token);
    expect(deactivated.body).toMatchObject({ isActive: false, last4: USER_KEYS.google.slice(-4) });
    expect((await client.delete('/admin/provider-keys/google', user.token)).status).toBe(204);
    expect((await client.get('/admin/provider-keys', user.token)).body).toEqual([]);
  });

  it('tests a stored key against the provider and remembers the verdict', async () => {
    const { client } = harness;
    const user = await registerUser(client);
    await client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
    const good = await client.post('/admin/provider-keys/anthropic/test', undefined, user.token);
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ ok: true, provider: 'anthropic', latencyMs: expect.any(Number), status: 200, message: expect.stringMatching(/models available/) });
    expect(harness.standIns.keysSeen('anthropic')).toContain(USER_KEYS.anthropic);

    await client.put('/admin/provider-keys/anthropic', { apiKey: 'sk-ant-api03-revoked-by-anthropic-9999' }, user.token);
    const bad = await client.post('/admin/provider-keys/anthropic/test', undefined, user.token);
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ ok: false, provider: 'anthropic', status: 401 });
    expect(bad.body.message).toMatch(/invalid x-api-key/);
    expect(bad.text).not.toContain('revoked-by-anthropic');
    const view = (await client.get('/admin/provider-keys/anthropic', user.token)).body;
    expect(view).toMatchObject({ lastTestOk: false, lastTestedAt: expect.any(String) });
  });

  it('tests Google keys with x-goog-api-key, never in the URL', async () => {
    const { client, standIns } = harness;
    const user = await registerUser(client);
    await client.post('/admin/provider-keys', { provider: 'google', apiKey: USER_KEYS.google }, user.token);
    standIns.reset();
    expect((await client.post('/admin/provider-keys/google/test', undefined, user.token)).body.ok).toBe(true);
    const [request] = standIns.requests;
    expect(request!.path).not.toContain('key=');
    expect(request!.apiKey).toBe(USER_KEYS.google);
  });

  it('validate:true refuses (422) a key the provider rejects and stores nothing', async () => {
    const { client } = harness;
    const user = await registerUser(client);
    const refused = await client.post('/admin/provider-keys', { provider: 'openai', apiKey: 'sk-wrong-key-abcdef123456', validate: true }, user.token);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'provider_key_rejected', param: 'apiKey' });
    expect(refused.text).not.toContain('sk-wrong-key-abcdef123456');
    expect((await client.get('/admin/provider-keys', user.token)).body).toEqual([]);
    const accepted = await client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai, validate: true }, user.token);
    expect(accepted.status).toBe(201);
  });

  it("keeps users apart: B cannot list, update, delete or test A's keys", async () => {
    const { client, app } = harness;
    const alice = await registerUser(client);
    const bob = await registerUser(client);
    await client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, alice.token);
    expect((await client.get('/admin/provider-keys', bob.token)).body).toEqual([]);
    expect((await client.put('/admin/provider-keys/openai', { isActive: false }, bob.token)).status).toBe(404);
    expect((await client.delete('/admin/provider-keys/openai', bob.token)).status).toBe(404);
    expect((await client.post('/admin/provider-keys/openai/test', undefined, bob.token)).status).toBe(404);
    const [row] = await app.sql<{ is_active: boolean }>('SELECT is_active FROM user_provider_keys WHERE user_id = $1', [alice.userId]);
    expect(row!.is_active).toBe(true);
  });

  it('reports a ciphertext copied to another user as unusable, and only that key', async () => {
    const { client, app } = harness;
    const alice = await userWithApiKey(harness);
    const bob = await userWithApiKey(harness);
    await client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, alice.token);
    await client.post('/admin/provider-keys', { provider: 'openai', apiKey: 'sk-bob-own-openai-key-0000' }, bob.token);
    await client.post('/admin/provider-keys', { provider: 'google', apiKey: USER_KEYS.google }, bob.token);
    await app.sql(
      `UPDATE user_provider_keys SET api_key_encrypted = (SELECT api_key_encrypted FROM user_provider_keys WHERE user_id = $1 AND provider = 'openai')
        WHERE user_id = $2 AND provider = 'openai'`,
      [alice.userId, bob.userId],
    );
    const views = (await client.get('/admin/provider-keys', bob.token)).body as Array<{ provider: string; usable: boolean }>;
    expect(views.find((view) => view.provider === 'openai')!.usable).toBe(false);
    expect(views.find((view) => view.provider === 'google')!.usable).toBe(true);

    const refused = await client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, bob.apiKey);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'provider_key_unusable' });
    expect(refused.body.error.message).toMatch(/can no longer be decrypted/);
    const tested = await client.post('/admin/provider-keys/openai/test', undefined, bob.token);
    expect(tested.body).toMatchObject({ ok: false, status: null });

    const google = await bob.openai.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }] });
    expect(google.choices[0]!.message.content).toBeTruthy();
    const alices = await alice.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(alices.choices[0]!.message.content).toBeTruthy();
  });

  it('reports which providers fall back to a server key', async () => {
    const { client } = harness;
    const user = await registerUser(client);
    await client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    const statuses = (await client.get('/admin/providers', user.token)).body;
    expect(statuses).toEqual([
      { provider: 'openai', label: 'OpenAI', serverKeyConfigured: true, fallbackAllowed: true, usesServerKey: false, fallbackPolicy: 'byok_then_server' },
      { provider: 'anthropic', label: 'Anthropic', serverKeyConfigured: true, fallbackAllowed: true, usesServerKey: true, fallbackPolicy: 'byok_then_server' },
      { provider: 'google', label: 'Google Gemini', serverKeyConfigured: true, fallbackAllowed: true, usesServerKey: true, fallbackPolicy: 'byok_then_server' },
    ]);
  });
});
