import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SERVER_KEYS, startGatewayWithStandIns, USER_KEYS, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { httpClient, registerUser } from './support/http.js';
import { DATABASE_KIND, startTestApp } from './support/test-app.js';

/**
 * CONTRACT §8 beyond routing: per-request keys (used once, never stored, logged or echoed), HMAC
 * fingerprints (409 for the same key twice in one account, a warning across accounts), and the audit log.
 */
const ask = { messages: [{ role: 'user', content: 'Whose key?' }] };

/** Everything a user could read back, and everything the gateway wrote down: no secret may be in any of it. */
async function everywhere(harness: Harness, responses: string[]): Promise<string> {
  const tables = await harness.app.sql<{ dump: string }>(
    `SELECT (SELECT coalesce(json_agg(t), '[]')::text FROM user_provider_keys t) || (SELECT coalesce(json_agg(t), '[]')::text FROM audit_events t)
            || (SELECT coalesce(json_agg(t), '[]')::text FROM provider_key_policies t) || (SELECT coalesce(json_agg(t), '[]')::text FROM api_keys t) AS dump`,
  );
  return [...responses, tables[0]!.dump, ...harness.app.logs()].join('\n');
}

describe(`§8 per-request keys (${DATABASE_KIND})`, () => {
  let harness: Harness;
  const canary = 'sk-proj-request-canary-Zq81Xw2Lr9';

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
    harness.standIns.setKeys('openai', [SERVER_KEYS.openai, USER_KEYS.openai, canary]);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('uses x-uniroute-provider-key for that one request only: it reaches the stand-in and nowhere else', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    const seen: string[] = [];
    for (const stream of [false, true]) {
      const response = await fetch(`${harness.app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json', 'x-uniroute-provider-key': canary },
        body: JSON.stringify({ model: 'gpt-4o-mini', ...ask, stream }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-uniroute-key-source')).toBe('request');
      expect(response.headers.get('x-uniroute-key-id')).toBe('request');
      expect(harness.standIns.keysSeen('openai').at(-1)).toBe(canary);
      seen.push(JSON.stringify([...response.headers]), await response.text());
    }
    // Native route too, for the routed provider only.
    const native = await fetch(`${harness.app.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': user.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'x-uniroute-provider-key': USER_KEYS.anthropic },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 20, ...ask }),
    });
    expect(native.status).toBe(200);
    expect(native.headers.get('x-uniroute-key-source')).toBe('request');
    expect(harness.standIns.keysSeen('anthropic').at(-1)).toBe(USER_KEYS.anthropic);

    // A key the provider refuses comes back as its 401, masked, and is not retried with anything else.
    const before = harness.standIns.requests.length;
    const refusedKey = 'sk-proj-stand-in-fail-401-Yy55';
    const refused = await fetch(`${harness.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json', 'x-uniroute-provider-key': refusedKey },
      body: JSON.stringify({ model: 'gpt-4o-mini', ...ask }),
    });
    expect(refused.status).toBe(401);
    const refusedText = await refused.text();
    expect(refusedText).toMatch(/x-uniroute-provider-key/);
    expect(harness.standIns.requests.length - before).toBe(1);
    seen.push(refusedText);

    // The next request without the header uses the stored key again.
    const next = await user.openai.chat.completions.create({ model: 'gpt-4o-mini', ...ask } as never).withResponse();
    expect(next.response.headers.get('x-uniroute-key-source')).toBe('user');
    seen.push(JSON.stringify((await harness.client.get('/admin/provider-keys', user.token)).body));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const all = await everywhere(harness, seen);
    expect(all).not.toContain(canary);
    expect(all).not.toContain(refusedKey);
  });
});

describe(`§8/§12 per-request keys are no unlimited key checker (${DATABASE_KIND})`, () => {
  let harness: Harness;
  const goodKey = 'sk-proj-request-good-Hh72Kk3Mm1';
  const otherGoodKey = 'sk-proj-request-good-Jj83Ll4Nn2';

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { PROVIDER_KEY_TESTS_PER_HOUR: '3' } });
    harness.standIns.setKeys('openai', [SERVER_KEYS.openai, USER_KEYS.openai, goodKey, otherGoodKey]);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const chat = (user: { apiKey: string }, requestKey?: string) =>
    harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', ...ask }, user.apiKey, requestKey === undefined ? {} : { 'x-uniroute-provider-key': requestKey });
  const nativeModels = (user: { apiKey: string }, requestKey: string) =>
    harness.client.get('/anthropic/v1/models', undefined, { 'x-api-key': user.apiKey, 'anthropic-version': '2023-06-01', 'x-uniroute-provider-key': requestKey });

  it('each key the provider refuses spends one PROVIDER_KEY_TESTS_PER_HOUR test; then the header gets 429 before any upstream call', async () => {
    const user = await userWithApiKey(harness);
    // Keys the provider accepts cost nothing: more of them than the budget all go through.
    for (let call = 0; call < 4; call += 1) expect((await chat(user, goodKey)).status).toBe(200);

    expect((await chat(user, 'sk-proj-stand-in-fail-401-Pp01')).status).toBe(401);
    expect((await nativeModels(user, 'sk-ant-stand-in-fail-401-Pp02')).status).toBe(401);
    expect((await chat(user, 'sk-proj-stand-in-fail-403-Pp03')).status).toBe(403);

    const before = harness.standIns.requests.length;
    // A key the provider has not accepted for this user yet: it would be one more test.
    const limitedChat = await chat(user, otherGoodKey);
    const limitedNative = await nativeModels(user, 'sk-ant-stand-in-fail-401-Pp04');
    for (const limited of [limitedChat, limitedNative]) {
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.body).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    }
    expect(limitedChat.text).toMatch(/PROVIDER_KEY_TESTS_PER_HOUR/);
    expect(harness.standIns.requests.length).toBe(before);
    // The same budget as test-connection.
    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    expect((await harness.client.post('/admin/provider-keys/openai/test', undefined, user.token)).status).toBe(429);
    // Requests without the header are not this limit's business, nor is the key the provider accepted (no test left to spend on it).
    expect((await chat(user)).status).toBe(200);
    expect((await chat(user, goodKey)).status).toBe(200);
    // Another user has their own budget.
    expect((await chat(await userWithApiKey(harness), goodKey)).status).toBe(200);
  });

  const spent = async (userId: string) =>
    (await harness.app.sql<{ hits: number }>('SELECT hits FROM rate_limit_counters WHERE bucket = $1 AND window_ends_at > now()', [`provider-key-test:${userId}`]))[0]?.hits ?? 0;

  // Before, test-connection and validate were limited but saving a candidate key and calling with it was not: the
  // answer (or the key's health on the settings page) told whether the provider accepted it, as often as one liked.
  it('saving candidate keys and calling with them is no way around it: a stored key refused on its first use spends a test, counted before the call', async () => {
    const user = await userWithApiKey(harness);
    const save = (provider: 'openai' | 'anthropic', apiKey: string) => harness.client.put(`/admin/provider-keys/${provider}`, { apiKey, fallbackPolicy: 'byok_only' }, user.token);
    expect((await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: goodKey }, user.token)).status).toBe(201);
    expect((await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token)).status).toBe(201);
    // Keys the provider accepts cost nothing, however often they are replaced.
    for (const key of [otherGoodKey, goodKey, otherGoodKey, goodKey]) {
      expect((await save('openai', key)).status).toBe(200);
      expect((await chat(user)).status).toBe(200);
    }
    expect(await spent(user.userId)).toBe(0);

    // Three candidates the provider refuses, through three routes: each is counted by the time its answer arrives.
    expect((await save('openai', 'sk-proj-stand-in-fail-401-Sv01')).status).toBe(200);
    expect((await chat(user)).status).toBe(401);
    expect(await spent(user.userId)).toBe(1);
    expect((await save('openai', 'sk-proj-stand-in-fail-401-Sv02')).status).toBe(200);
    expect((await harness.client.get('/v1/models', user.apiKey)).status).toBe(200);
    expect(await spent(user.userId)).toBe(2);
    expect((await save('anthropic', 'sk-ant-stand-in-fail-401-Sv03')).status).toBe(200);
    expect((await harness.client.get('/anthropic/v1/models', undefined, { 'x-api-key': user.apiKey, 'anthropic-version': '2023-06-01' })).status).toBe(401);
    expect(await spent(user.userId)).toBe(3);

    // Spent: a new key can still be saved, but its first use is refused before it reaches the provider.
    expect((await save('openai', 'sk-proj-stand-in-fail-401-Sv04')).status).toBe(200);
    const refused = await chat(user);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await harness.client.get('/v1/models', user.apiKey)).status).toBe(200);
    expect((await harness.client.post('/admin/provider-keys/openai/test', undefined, user.token)).status).toBe(429);
    expect(harness.standIns.keysSeen('openai')).not.toContain('sk-proj-stand-in-fail-401-Sv04');
    // A key the provider accepted before is no test: it is used again at once.
    expect((await save('openai', goodKey)).status).toBe(200);
    expect((await chat(user)).status).toBe(200);
  });

  it("keys saved first and used later are counted as they are used, on the caller's budget: a team's candidates stop at its member's", async () => {
    const owner = await userWithApiKey(harness);
    const member = await userWithApiKey(harness);
    const teamId: string = (await harness.client.post('/admin/teams', { name: 'Checkers' }, owner.token)).body.id;
    const invitation = await harness.client.post(`/admin/teams/${teamId}/invitations`, { email: (await harness.client.get('/auth/me', member.token)).body.email, role: 'member' }, owner.token);
    expect((await harness.client.post(`/admin/invitations/${invitation.body.token}/accept`, undefined, member.token)).status).toBe(200);
    // Every slot filled with a candidate before any is used.
    const candidates = { openai: 'sk-proj-stand-in-fail-401-Tm01', anthropic: 'sk-ant-stand-in-fail-401-Tm02', google: 'AIzaSy-stand-in-fail-401-Tm03' } as const;
    for (const [provider, apiKey] of Object.entries(candidates)) {
      expect((await harness.client.post(`/admin/teams/${teamId}/provider-keys`, { provider, apiKey }, owner.token)).status).toBe(201);
      expect((await harness.client.put(`/admin/teams/${teamId}/provider-keys/${provider}`, { fallbackPolicy: 'byok_only' }, owner.token)).status).toBe(200);
    }
    const teamApiKey: string = (await harness.client.post('/admin/api-keys', { name: 'team', teamId }, member.token)).body.key;
    expect((await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', ...ask }, teamApiKey)).status).toBe(401);
    expect((await harness.client.post('/v1/chat/completions', { model: 'claude-3-5-haiku-latest', ...ask }, teamApiKey)).status).toBe(401);
    expect((await harness.client.post('/v1/chat/completions', { model: 'gemini-2.5-flash', ...ask }, teamApiKey)).status).toBeGreaterThanOrEqual(400);
    expect(await spent(member.userId)).toBe(3);
    expect(await spent(owner.userId)).toBe(0);

    expect((await harness.client.put(`/admin/teams/${teamId}/provider-keys/openai`, { apiKey: 'sk-proj-stand-in-fail-401-Tm04' }, owner.token)).status).toBe(200);
    expect((await harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', ...ask }, teamApiKey)).status).toBe(429);
    expect(harness.standIns.keysSeen('openai')).not.toContain('sk-proj-stand-in-fail-401-Tm04');
  });

  it('GET /v1/models: x-uniroute-byok: required keeps the server key out, and a per-request key is refused with a 400', async () => {
    const user = await userWithApiKey(harness);
    const all = await harness.client.get('/v1/models', user.apiKey);
    expect(all.status, all.text).toBe(200);
    expect(all.body.data.length).toBeGreaterThan(0);

    const strict = await harness.client.get('/v1/models', user.apiKey, { 'x-uniroute-byok': 'required' });
    expect(strict.status).toBe(200);
    expect(strict.body.data).toEqual([]);
    await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
    const own = await harness.client.get('/v1/models', user.apiKey, { 'x-uniroute-byok': 'required' });
    expect(own.body.data.length).toBeGreaterThan(0);
    expect(new Set(own.body.data.map((model: { owned_by: string }) => model.owned_by))).toEqual(new Set(['anthropic']));

    const typo = await harness.client.get('/v1/models', user.apiKey, { 'x-uniroute-byok': 'please' });
    expect(typo.status).toBe(400);
    const before = harness.standIns.requests.length;
    const withKey = await harness.client.get('/v1/models', user.apiKey, { 'x-uniroute-provider-key': goodKey });
    expect(withKey.status).toBe(400);
    expect(withKey.body).toMatchObject({ error: { type: 'invalid_request_error', param: 'x-uniroute-provider-key' } });
    expect(withKey.text).not.toContain(goodKey);
    expect(harness.standIns.requests.length).toBe(before);
  });
});

/**
 * Before, a request carrying `x-uniroute-provider-key` only read the budget before going upstream and counted a refusal
 * after it: N requests sent at once with N different candidate keys all passed the read together, so a burst probed as
 * many keys as it liked. Now an attempt is counted before the call, given back when the provider did not refuse the key,
 * shared by the requests carrying the same key at the same time, and a key the provider accepted skips the budget.
 */
describe(`§12 the per-request key budget holds for requests sent at once (${DATABASE_KIND})`, () => {
  const BUDGET = 3;
  let harness: Harness;
  const goodKey = 'sk-proj-request-burst-good-Bb41Nn8Tt2';
  const neverSeenGoodKey = 'sk-proj-request-burst-other-Cc52Vv9Ww3';

  beforeAll(async () => {
    // Every answer takes a while, so the requests of a burst are all in flight together.
    harness = await startGatewayWithStandIns({ env: { PROVIDER_KEY_TESTS_PER_HOUR: String(BUDGET) }, standIns: { latencyMs: 300 } });
    harness.standIns.setKeys('openai', [SERVER_KEYS.openai, USER_KEYS.openai, goodKey, neverSeenGoodKey]);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const chat = (user: { apiKey: string }, requestKey: string) =>
    harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', ...ask }, user.apiKey, { 'x-uniroute-provider-key': requestKey });
  const spent = async (userId: string): Promise<number> =>
    (await harness.app.sql<{ hits: number }>('SELECT hits FROM rate_limit_counters WHERE bucket = $1 AND window_ends_at > now()', [`provider-key-test:${userId}`]))[0]?.hits ?? 0;

  it(`10 different keys the provider refuses, sent at once: ${BUDGET} reach it, the others get 429 without a call`, async () => {
    const user = await userWithApiKey(harness);
    const before = harness.standIns.requests.length;
    const burst = await Promise.all(Array.from({ length: 10 }, (_, index) => chat(user, `sk-proj-stand-in-fail-401-burst-${index}`)));
    expect(burst.map((response) => response.status).sort()).toEqual([...Array<number>(BUDGET).fill(401), ...Array<number>(10 - BUDGET).fill(429)]);
    expect(harness.standIns.requests.length - before).toBe(BUDGET);
    const limited = burst.find((response) => response.status === 429)!;
    expect(limited.body).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    for (const response of burst) expect(response.text).not.toMatch(/burst-\d/);
    expect(await spent(user.userId)).toBe(BUDGET);
  });

  it('20 requests at once with one new key the provider accepts all go through, and cost nothing once answered', async () => {
    const user = await userWithApiKey(harness);
    // One attempt left: the burst shares it.
    for (let index = 0; index < BUDGET - 1; index += 1) expect((await chat(user, `sk-proj-stand-in-fail-401-spent-${index}`)).status).toBe(401);
    const burst = await Promise.all(Array.from({ length: 20 }, () => chat(user, goodKey)));
    expect(burst.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    await expect.poll(() => spent(user.userId), { timeout: 5_000, interval: 100 }).toBe(BUDGET - 1);

    // A key the provider accepted skips the budget; one it has not seen still waits for it.
    expect((await chat(user, 'sk-proj-stand-in-fail-401-spent-last')).status).toBe(401);
    expect((await chat(user, goodKey)).status).toBe(200);
    const before = harness.standIns.requests.length;
    expect((await chat(user, neverSeenGoodKey)).status).toBe(429);
    expect(harness.standIns.requests.length).toBe(before);
    expect(await spent(user.userId)).toBe(BUDGET);
  });
});

describe(`§8 per-request keys turned off (${DATABASE_KIND})`, () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { ALLOW_REQUEST_KEYS: 'false' } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers 400 when the header is sent under ALLOW_REQUEST_KEYS=false, and calls no provider', async () => {
    const user = await userWithApiKey(harness);
    const before = harness.standIns.requests.length;
    const response = await fetch(`${harness.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json', 'x-uniroute-provider-key': 'sk-proj-turned-off-canary-Qq11' },
      body: JSON.stringify({ model: 'gpt-4o-mini', ...ask }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: { type: 'invalid_request_error', param: 'x-uniroute-provider-key' } });
    expect(text).not.toContain('turned-off-canary');
    expect(harness.standIns.requests.length).toBe(before);
  });
});

describe(`§8 fingerprints and the audit log (${DATABASE_KIND})`, () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('refuses the same key for a second provider of one account (409), and warns without naming the other account', async () => {
    const { client } = harness;
    const alice = await registerUser(client);
    const bob = await registerUser(client);
    const shared = 'sk-shared-between-accounts-Fp77';
    expect((await client.post('/admin/provider-keys', { provider: 'openai', apiKey: shared }, alice.token)).body.warnings).toBeUndefined();
    const twice = await client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: shared }, alice.token);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/already store this key as your OpenAI key/);
    expect(twice.text).not.toContain(shared);

    const elsewhere = await client.post('/admin/provider-keys', { provider: 'openai', apiKey: shared }, bob.token);
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.warnings).toEqual(['key_in_use_elsewhere']);
    expect(elsewhere.text).not.toContain(alice.email);
    expect(elsewhere.text).not.toContain(alice.userId);
    // Replacing one's own key with a key stored elsewhere warns too; with a key of one's own other provider is a 409.
    await client.post('/admin/provider-keys', { provider: 'google', apiKey: 'AIzaSy-bob-google-key-Fp78' }, bob.token);
    expect((await client.put('/admin/provider-keys/google', { apiKey: shared }, bob.token)).status).toBe(409);

    const rows = await harness.app.sql<{ fingerprint: string }>('SELECT fingerprint FROM user_provider_keys WHERE user_id IN ($1, $2) AND provider = $3', [alice.userId, bob.userId, 'openai']);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.fingerprint).toBe(rows[1]!.fingerprint);
  });

  it('records every key, policy, health, API-key and sign-in event for its owner only, newest first, paged, never a secret', async () => {
    const { client } = harness;
    const user = await registerUser(client);
    const stranger = await registerUser(client);
    const secret = 'sk-audit-canary-provider-key-Au99';
    const agent = { 'user-agent': 'audit-test/1.0' };
    await client.call('POST', '/admin/provider-keys', { body: { provider: 'openai', apiKey: secret }, token: user.token, headers: agent });
    await client.put('/admin/provider-keys/openai', { isActive: false }, user.token);
    await client.put('/admin/provider-keys/openai', { fallbackPolicy: 'byok_only', isActive: true }, user.token);
    await client.put('/admin/provider-keys/google', { fallbackPolicy: 'server_only' }, user.token);
    await client.post('/admin/provider-keys/openai/test', undefined, user.token);
    const apiKey = await client.post('/admin/api-keys', { name: 'ci' }, user.token);
    await client.delete(`/admin/api-keys/${apiKey.body.id}`, user.token);
    await client.delete('/admin/provider-keys/openai', user.token);
    await client.post('/auth/login', { email: user.email, password: 'not the password' });
    await client.post('/auth/login', { email: user.email, password: 'correct horse battery staple' });

    const page = await client.get('/admin/audit', user.token);
    expect(page.status).toBe(200);
    const actions = page.body.events.map((event: { action: string }) => event.action);
    expect(actions).toEqual([
      'auth.login',
      'auth.login_failed',
      'provider_key.deleted',
      'api_key.revoked',
      'api_key.created',
      'provider_key.health_changed',
      'provider_key.tested',
      'provider_key.policy_changed',
      'provider_key.policy_changed',
      'provider_key.updated',
      'provider_key.updated',
      'provider_key.created',
    ]);
    const created = page.body.events.at(-1);
    expect(created).toMatchObject({
      actor: { id: user.userId, email: user.email },
      provider: 'openai',
      outcome: 'success',
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'audit-test/1.0',
      detail: { last4: 'Au99' },
    });
    expect(page.body.events.find((event: { action: string }) => event.action === 'provider_key.tested')).toMatchObject({ outcome: 'failure', detail: { ok: false, status: 401 } });
    expect(page.body.events.find((event: { action: string }) => event.action === 'provider_key.health_changed')).toMatchObject({ detail: { from: 'unverified', to: 'rejected', via: 'test' } });
    expect(page.body.events.find((event: { action: string }) => event.action === 'auth.login_failed')).toMatchObject({ outcome: 'failure' });

    // Paged: newest first, `next` leads on without overlap, the last page says null.
    const first = await client.get('/admin/audit?limit=5', user.token);
    const second = await client.get(`/admin/audit?limit=5&before=${first.body.next}`, user.token);
    const third = await client.get(`/admin/audit?limit=5&before=${second.body.next}`, user.token);
    expect([...first.body.events, ...second.body.events, ...third.body.events].map((event: { id: string }) => event.id)).toEqual(
      page.body.events.map((event: { id: string }) => event.id),
    );
    expect(third.body.next).toBeNull();

    // Someone else's log has none of it; a cursor from it shows nothing.
    const theirs = await client.get('/admin/audit', stranger.token);
    expect(theirs.body.events.every((event: { actor: { id: string } }) => event.actor.id === stranger.userId)).toBe(true);
    expect((await client.get(`/admin/audit?before=${first.body.next}`, stranger.token)).body.events).toEqual([]);
    expect((await client.get('/admin/audit?limit=0', user.token)).status).toBe(400);
    expect((await client.get('/admin/audit?before=nope', user.token)).status).toBe(400);
    expect((await client.get('/admin/audit')).status).toBe(401);

    expect(await everywhere(harness, [page.text])).not.toContain(secret);
    expect(page.text).not.toContain('correct horse');
  });

  it('records health changes that live traffic causes, with no origin', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: 'sk-proj-stand-in-fail-429-retry-30-Hc11' }, user.token);
    await user.openai.chat.completions.create({ model: 'gpt-4o-mini', ...ask } as never);
    await expect
      .poll(async () => (await harness.client.get('/admin/audit', user.token)).body.events.find((event: { action: string }) => event.action === 'provider_key.health_changed'), { timeout: 5_000 })
      .toMatchObject({ provider: 'openai', ip: null, userAgent: null, detail: { from: 'unverified', to: 'rate_limited', via: 'request' } });
  });

  it('deletes events past AUDIT_RETENTION_DAYS', async () => {
    const user = await registerUser(harness.client);
    await harness.client.put('/admin/provider-keys/openai', { fallbackPolicy: 'byok_only' }, user.token);
    expect((await harness.client.get('/admin/audit', user.token)).body.events).toHaveLength(1);
    await harness.app.sql(`UPDATE audit_events SET at = now() - interval '366 days' WHERE actor_id = $1`, [user.userId]);
    const service = harness.app.app.get((await import('../src/audit/audit.service.js')).AuditService);
    expect(await service.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect((await harness.client.get('/admin/audit', user.token)).body.events).toEqual([]);
  });
});

// Audit events are written 500 to a statement. With TRUST_PROXY=true (behind a proxy that appends to
// X-Forwarded-For) `request.ip` is whatever text the client put first there; the column is a varchar(64).
describe(`the audit log under TRUST_PROXY=true (${DATABASE_KIND})`, () => {
  it("one request with a forged over-long client address loses no one else's events, and is logged with it cut", { timeout: 120_000 }, async () => {
    const app = await startTestApp({ env: { TRUST_PROXY: 'true' } });
    try {
      const client = httpClient(app.url);
      const victim = await registerUser(client);
      const attacker = await registerUser(client);
      // No timed flush from here on: both events below wait in one batch, as under load.
      const audit = app.app.get((await import('../src/audit/audit.service.js')).AuditService);
      await audit.beforeApplicationShutdown();

      const forged = `203.0.113.${'9'.repeat(100)}`;
      expect((await client.post('/admin/api-keys', { name: 'victim key' }, victim.token)).status).toBe(201);
      expect((await client.post('/admin/api-keys', { name: 'attacker key' }, attacker.token, { 'x-forwarded-for': forged })).status).toBe(201);

      const victimEvents = (await client.get('/admin/audit', victim.token)).body.events;
      expect(victimEvents).toEqual([expect.objectContaining({ action: 'api_key.created', ip: '127.0.0.1' })]);
      const attackerEvents = (await client.get('/admin/audit', attacker.token)).body.events;
      expect(attackerEvents).toEqual([expect.objectContaining({ action: 'api_key.created', ip: forged.slice(0, 64) })]);
    } finally {
      await app.close();
    }
  });
});
