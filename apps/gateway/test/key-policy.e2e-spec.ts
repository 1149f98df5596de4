import { FALLBACK_POLICIES, type FallbackPolicy, type KeyHealth } from '@uniroute/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_KEYS, startGatewayWithStandIns, USER_KEYS, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { registerUser } from './support/http.js';
import { DATABASE_KIND } from './support/test-app.js';

/**
 * CONTRACT §8 through the real gateway and the stand-ins: every fallback policy × key health × with and
 * without server keys, on `/v1/chat/completions` (JSON and stream) and the native Anthropic route; the
 * health that live traffic sets, with one retry on the fallback the policy allows; `x-uniroute-byok`.
 */
const ask = { messages: [{ role: 'user', content: 'Which key?' }] };
const HEALTH_CASES = ['none', 'unverified', 'ok', 'rejected', 'rate_limited', 'quota_exhausted'] as const;
type HealthCase = (typeof HEALTH_CASES)[number];

type User = Awaited<ReturnType<typeof userWithApiKey>>;

/** One gateway call as a client sees it. */
interface Answer {
  status: number;
  keySource: string | null;
  keyId: string | null;
  text: string;
}

async function chat(harness: Harness, user: User, model: string, options: { stream?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${harness.app.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ model, ...ask, stream: options.stream === true }),
  });
  return { status: response.status, keySource: response.headers.get('x-uniroute-key-source'), keyId: response.headers.get('x-uniroute-key-id'), text: await response.text() };
}

async function nativeAnthropic(harness: Harness, user: User, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${harness.app.url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': user.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 50, ...ask }),
  });
  return { status: response.status, keySource: response.headers.get('x-uniroute-key-source'), keyId: response.headers.get('x-uniroute-key-id'), text: await response.text() };
}

/** What §8 says should serve a request. */
function expected(policy: FallbackPolicy, health: HealthCase, serverKeys: boolean): 'user' | 'server' | 401 {
  const ownUsable = health === 'unverified' || health === 'ok';
  if (policy !== 'server_only' && ownUsable) return 'user';
  if (policy !== 'byok_only' && serverKeys) return 'server';
  return 401;
}

/** Puts the user's stored key (`provider`) in `health` directly in the table, as traffic or a test would have. */
async function setHealth(harness: Harness, userId: string, provider: string, health: KeyHealth): Promise<void> {
  const until = health === 'rate_limited' ? new Date(Date.now() + 10 * 60_000).toISOString() : null;
  await harness.app.sql(`UPDATE user_provider_keys SET health = $1, health_reason = $2, health_until = $3 WHERE user_id = $4 AND provider = $5`, [
    health,
    health === 'ok' || health === 'unverified' ? null : `set by the test: ${health}`,
    until,
    userId,
    provider,
  ]);
}

/**
 * A team with the stored key for `provider` (added by its owner) and a second user who accepted an invitation
 * as a member; each of the two holds a team API key.
 */
async function teamWithMember(harness: Harness, name: string, provider: keyof typeof USER_KEYS) {
  const owner = await registerUser(harness.client);
  const member = await registerUser(harness.client);
  const team = await harness.client.post('/admin/teams', { name }, owner.token);
  expect(team.status).toBe(201);
  const teamId: string = team.body.id;
  expect((await harness.client.post(`/admin/teams/${teamId}/provider-keys`, { provider, apiKey: USER_KEYS[provider] }, owner.token)).status).toBe(201);
  const invitation = await harness.client.post(`/admin/teams/${teamId}/invitations`, { email: member.email, role: 'member' }, owner.token);
  expect((await harness.client.post(`/admin/invitations/${invitation.body.token}/accept`, undefined, member.token)).status).toBe(200);
  const teamApiKey = async (user: { token: string }) => (await harness.client.post('/admin/api-keys', { name: 'team', teamId }, user.token)).body.key as string;
  const [memberKey, ownerKey] = [await teamApiKey(member), await teamApiKey(owner)];
  return { teamId, owner, memberKey, ownerKey };
}

for (const serverKeys of [true, false]) {
  describe(`§8 policy × health, server keys ${serverKeys ? 'on' : 'off'} (${DATABASE_KIND})`, () => {
    let harness: Harness;
    const users = new Map<HealthCase, User>();

    beforeAll(async () => {
      harness = await startGatewayWithStandIns({ serverKeys, env: { SERVER_KEY_RPM: '0' } });
      for (const health of HEALTH_CASES) {
        const user = await userWithApiKey(harness);
        users.set(health, user);
        if (health === 'none') continue;
        for (const provider of ['openai', 'anthropic'] as const) {
          expect((await harness.client.post('/admin/provider-keys', { provider, apiKey: USER_KEYS[provider] }, user.token)).status).toBe(201);
          await setHealth(harness, user.userId, provider, health);
        }
      }
    }, 120_000);
    afterAll(async () => {
      await harness?.close();
    });

    for (const policy of FALLBACK_POLICIES) {
      it(`${policy}: chat JSON, chat stream and the native route pick the key §8 says`, async () => {
        for (const health of HEALTH_CASES) {
          const user = users.get(health)!;
          for (const provider of ['openai', 'anthropic'] as const) {
            // The round before may have moved it (an unverified key that served a request is ok now).
            if (health !== 'none') await setHealth(harness, user.userId, provider, health);
            // Also sets the policy row where no key is stored; the change reloads the cached state with its health.
            const put = await harness.client.put(`/admin/provider-keys/${provider}`, { fallbackPolicy: policy }, user.token);
            expect(put.status).toBe(200);
            expect(put.body.fallbackPolicy).toBe(policy);
            if (health === 'none') expect(put.body.key).toBeNull();
            else expect(put.body.health).toBe(health);
          }
          const want = expected(policy, health, serverKeys);
          const keyIds = await harness.client.get('/admin/provider-keys', user.token);
          const ownId = (provider: string) => keyIds.body.find((key: { provider: string }) => key.provider === provider)?.id;
          const answers = {
            json: await chat(harness, user, 'gpt-4o-mini'),
            stream: await chat(harness, user, 'gpt-4o-mini', { stream: true }),
            native: await nativeAnthropic(harness, user),
          };
          for (const [route, answer] of Object.entries(answers)) {
            const label = `${policy} × ${health} × ${route}`;
            if (want === 401) {
              expect(answer.status, label).toBe(401);
              expect(answer.text, label).toMatch(policy === 'server_only' ? /server_only/ : policy === 'byok_only' ? /byok_only/ : /No (OpenAI|Anthropic) API key/);
              continue;
            }
            expect(answer.status, label).toBe(200);
            expect(answer.keySource, label).toBe(want);
            const provider = route === 'native' ? 'anthropic' : 'openai';
            expect(answer.keyId, label).toBe(want === 'server' ? 'server' : ownId(provider));
            expect(harness.standIns.keysSeen(provider).at(-1), label).toBe(want === 'server' ? SERVER_KEYS[provider] : USER_KEYS[provider]);
          }
        }
      });
    }

    it('x-uniroute-byok: required makes one request byok_only and never looser; any other value is a 400', async () => {
      const none = users.get('none')!;
      const ok = users.get('ok')!;
      for (const provider of ['openai', 'anthropic'] as const) {
        await harness.client.put(`/admin/provider-keys/${provider}`, { fallbackPolicy: 'byok_then_server' }, none.token);
        await harness.client.put(`/admin/provider-keys/${provider}`, { fallbackPolicy: 'byok_then_server' }, ok.token);
      }
      const strict = await chat(harness, none, 'gpt-4o-mini', { headers: { 'x-uniroute-byok': 'required' } });
      expect(strict.status).toBe(401);
      expect(strict.text).toContain('x-uniroute-byok: required');
      expect((await nativeAnthropic(harness, none, { 'x-uniroute-byok': 'required' })).status).toBe(401);
      expect((await chat(harness, ok, 'gpt-4o-mini', { headers: { 'x-uniroute-byok': 'required' } })).keySource).toBe('user');
      const typo = await chat(harness, none, 'gpt-4o-mini', { headers: { 'x-uniroute-byok': 'optional' } });
      expect(typo.status).toBe(400);
      expect(JSON.parse(typo.text)).toMatchObject({ error: { type: 'invalid_request_error', param: 'x-uniroute-byok' } });
    });
  });
}

describe(`§8 key health from live traffic and tests (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { SERVER_KEY_RPM: '0' } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const keyView = async (user: User, provider: string) => (await harness.client.get(`/admin/provider-keys/${provider}`, user.token)).body;

  it('a 401 on a JSON request marks the key rejected and the request is retried once on the server key; a successful test clears it', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    harness.standIns.inject({ provider: 'openai', apiKey: USER_KEYS.openai, status: 401 });
    const before = harness.standIns.requests.length;

    const retried = await chat(harness, user, 'gpt-4o-mini');
    expect(retried.status).toBe(200);
    expect(retried.keySource).toBe('server');
    expect(retried.keyId).toBe('server');
    expect(harness.standIns.requests.slice(before).map((request) => request.apiKey)).toEqual([USER_KEYS.openai, SERVER_KEYS.openai]);
    await expect.poll(async () => (await keyView(user, 'openai')).health, { timeout: 5_000 }).toBe('rejected');
    expect((await keyView(user, 'openai')).healthReason).toMatch(/OpenAI rejected this key \(HTTP 401\)/);

    // Skipped now: the next request goes straight to the server key.
    const next = harness.standIns.requests.length;
    expect((await chat(harness, user, 'gpt-4o-mini')).keySource).toBe('server');
    expect(harness.standIns.requests.slice(next).map((request) => request.apiKey)).toEqual([SERVER_KEYS.openai]);

    const test = await harness.client.post('/admin/provider-keys/openai/test', undefined, user.token);
    expect(test.body.ok).toBe(true);
    expect(await keyView(user, 'openai')).toMatchObject({ health: 'ok', healthReason: null, healthUntil: null });
    expect((await chat(harness, user, 'gpt-4o-mini')).keySource).toBe('user');
  });

  it('a 403 on a stream that has not sent a byte is retried on the server key and streams from it', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
    // Refused twice: the request, and the check the gateway makes of a 403 (the key itself is refused, not just this request).
    harness.standIns.inject({ provider: 'anthropic', apiKey: USER_KEYS.anthropic, status: 403, times: 2 });
    const stream = await chat(harness, user, 'claude-3-5-haiku-latest', { stream: true });
    expect(stream.status).toBe(200);
    expect(stream.keySource).toBe('server');
    expect(stream.text).toContain('data: [DONE]');
    await expect.poll(async () => (await keyView(user, 'anthropic')).health, { timeout: 5_000 }).toBe('rejected');
  });

  it('under byok_only a rejected key fails with the provider’s 401, once, and the next request fails without reaching the provider', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, user.token);
    await harness.client.put('/admin/provider-keys/openai', { fallbackPolicy: 'byok_only' }, user.token);
    harness.standIns.inject({ provider: 'openai', apiKey: USER_KEYS.openai, status: 401 });
    const before = harness.standIns.requests.length;
    const refused = await chat(harness, user, 'gpt-4o-mini');
    expect(refused.status).toBe(401);
    expect(refused.text).toMatch(/OpenAI rejected your API key/);
    expect(refused.text).not.toContain(USER_KEYS.openai);
    expect(harness.standIns.requests.length - before).toBe(1);
    const next = await chat(harness, user, 'gpt-4o-mini');
    expect(next.status).toBe(401);
    expect(next.text).toMatch(/byok_only/);
    expect(harness.standIns.requests.length - before).toBe(1);
  });

  it('a 429 rests the key until Retry-After, with the native route falling back meanwhile', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
    harness.standIns.inject({ provider: 'anthropic', apiKey: USER_KEYS.anthropic, status: 429, headers: { 'retry-after': '2' } });
    const limited = await nativeAnthropic(harness, user);
    expect(limited.status).toBe(200);
    expect(limited.keySource).toBe('server');
    const view = await expect.poll(async () => (await keyView(user, 'anthropic')).health, { timeout: 5_000 }).toBe('rate_limited');
    void view;
    const until = Date.parse((await keyView(user, 'anthropic')).healthUntil);
    expect(until - Date.now()).toBeGreaterThan(0);
    expect(until - Date.now()).toBeLessThanOrEqual(2_500);
    expect((await nativeAnthropic(harness, user)).keySource).toBe('server');
    await new Promise((resolve) => setTimeout(resolve, until - Date.now() + 100));
    expect((await nativeAnthropic(harness, user)).keySource).toBe('user');
    await expect.poll(async () => (await keyView(user, 'anthropic')).health, { timeout: 5_000 }).toBe('ok');
  });

  it('a key out of credit (402 / billing error) is quota_exhausted, from a request and from a test', async () => {
    const user = await userWithApiKey(harness);
    const broke = 'sk-ant-api03-stand-in-fail-402-an77';
    await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: broke }, user.token);
    expect((await chat(harness, user, 'claude-3-5-haiku-latest')).keySource).toBe('server');
    await expect.poll(async () => (await keyView(user, 'anthropic')).health, { timeout: 5_000 }).toBe('quota_exhausted');

    const other = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: 'sk-proj-stand-in-fail-402-oa77' }, other.token);
    const test = await harness.client.post('/admin/provider-keys/openai/test', undefined, other.token);
    expect(test.body.ok).toBe(false);
    expect(await keyView(other, 'openai')).toMatchObject({ health: 'quota_exhausted', lastTestOk: false });
  });

  // OpenAI names an unknown request parameter in its 400 (`param`, code `unknown_parameter`). The billing check used to
  // search the whole error body for "insufficient_quota": one team member who sent a field of that name marked the
  // team's key out of credit — skipped for the whole team until an admin replaced or tested it, with the team's
  // traffic moved onto the operator's server key meanwhile.
  it("a team member's request field named like a billing error does not take the team's key out of service", async () => {
    const { teamId, owner, memberKey, ownerKey } = await teamWithMember(harness, 'billing echo', 'openai');
    const teamChat = (apiKey: string, extra: Record<string, unknown> = {}) =>
      fetch(`${harness.app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', ...ask, ...extra }),
      });

    harness.standIns.inject({
      provider: 'openai',
      status: 400,
      body: { error: { message: "Unknown parameter: 'insufficient_quota'.", type: 'invalid_request_error', param: 'insufficient_quota', code: 'unknown_parameter' } },
    });
    const echoed = await teamChat(memberKey, { insufficient_quota: true });
    expect(echoed.status).toBe(400);

    const next = await teamChat(ownerKey);
    expect(next.status).toBe(200);
    expect(next.headers.get('x-uniroute-key-source')).toBe('team');
    const view = (await harness.client.get(`/admin/teams/${teamId}/provider-keys/openai`, owner.token)).body;
    expect(view.health).not.toBe('quota_exhausted');
  });

  it("a 403 about the request, not the key (Gemini: a file it cannot reach), is the member's own error: the team's key stays in service", async () => {
    const { teamId, owner, memberKey, ownerKey } = await teamWithMember(harness, 'file probe', 'google');
    const fileMissing = {
      error: { code: 403, message: 'You do not have permission to access the File abc123 or it may not exist.', status: 'PERMISSION_DENIED' },
    };
    const generate = (apiKey: string) =>
      fetch(`${harness.app.url}/google/v1beta/models/gemini-2.0-flash:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123', mimeType: 'text/plain' } }] }] }),
      });
    const teamChat = (apiKey: string) =>
      fetch(`${harness.app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.0-flash', ...ask }),
      });

    // The native route and /v1/chat/completions: each 403 goes back as it is, on the team's key, with no retry on the server key.
    for (const call of [generate, teamChat]) {
      harness.standIns.inject({ provider: 'google', apiKey: USER_KEYS.google, status: 403, body: fileMissing });
      const before = harness.standIns.requests.length;
      const refused = await call(memberKey);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-uniroute-key-source')).toBe('team');
      expect(await refused.text()).toMatch(/permission to access the File abc123/);
      const upstream = harness.standIns.requests.slice(before);
      expect(upstream.every((request) => request.apiKey === USER_KEYS.google)).toBe(true);
      // The first 403 is checked with the connection test (the key lists its models: it is fine); the second within the minute is not checked again.
      expect(upstream.map((request) => request.path.includes(':generateContent') ? 'generate' : 'check')).toEqual(call === generate ? ['generate', 'check'] : ['generate']);
    }

    const next = await teamChat(ownerKey);
    expect(next.status).toBe(200);
    expect(next.headers.get('x-uniroute-key-source')).toBe('team');
    const view = (await harness.client.get(`/admin/teams/${teamId}/provider-keys/google`, owner.token)).body;
    expect(view.health).not.toBe('rejected');
  });

  it('a 403 for a key the provider refuses outright (its check is refused too) marks it rejected, on the native route as well', async () => {
    const user = await userWithApiKey(harness);
    const forbidden = 'AIzaSy-stand-in-fail-403-gg42';
    await harness.client.post('/admin/provider-keys', { provider: 'google', apiKey: forbidden }, user.token);
    const before = harness.standIns.requests.length;
    const answer = await fetch(`${harness.app.url}/google/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': user.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-uniroute-key-source')).toBe('server');
    expect(harness.standIns.requests.slice(before).map((request) => request.apiKey)).toEqual([forbidden, forbidden, SERVER_KEYS.google]);
    await expect.poll(async () => (await keyView(user, 'google')).health, { timeout: 5_000 }).toBe('rejected');
  });

  it('a replaced key starts unverified and is used again', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.post('/admin/provider-keys', { provider: 'google', apiKey: 'AIzaSy-stand-in-fail-401-gg77' }, user.token);
    expect((await chat(harness, user, 'gemini-2.0-flash')).keySource).toBe('server');
    await expect.poll(async () => (await keyView(user, 'google')).health, { timeout: 5_000 }).toBe('rejected');
    const replaced = await harness.client.put('/admin/provider-keys/google', { apiKey: USER_KEYS.google }, user.token);
    expect(replaced.body).toMatchObject({ health: 'unverified', healthReason: null });
    expect((await chat(harness, user, 'gemini-2.0-flash')).keySource).toBe('user');
    await expect.poll(async () => (await keyView(user, 'google')).health, { timeout: 5_000 }).toBe('ok');
  });

  it('GET /admin/providers reports the policy and whether requests fall back now', async () => {
    const user = await userWithApiKey(harness);
    await harness.client.put('/admin/provider-keys/anthropic', { fallbackPolicy: 'byok_only' }, user.token);
    const statuses = (await harness.client.get('/admin/providers', user.token)).body as { provider: string; fallbackPolicy: string; usesServerKey: boolean }[];
    expect(statuses.find((status) => status.provider === 'anthropic')).toMatchObject({ fallbackPolicy: 'byok_only', usesServerKey: false });
    expect(statuses.find((status) => status.provider === 'openai')).toMatchObject({ fallbackPolicy: 'byok_then_server', usesServerKey: true });
  });

  it('refuses an unknown policy with a 400 and a policy-only PUT with another field missing a key with a 404', async () => {
    const user = await userWithApiKey(harness);
    const bad = await harness.client.put('/admin/provider-keys/openai', { fallbackPolicy: 'sometimes' }, user.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/fallbackPolicy must be one of/);
    expect((await harness.client.put('/admin/provider-keys/openai', { fallbackPolicy: 'byok_only', isActive: false }, user.token)).status).toBe(404);
  });
});
