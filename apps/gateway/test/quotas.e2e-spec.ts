import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SERVER_KEYS, startGatewayWithStandIns, USER_KEYS, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';
import { answerBeforeBody } from './support/raw-socket.js';

/**
 * Issue 11 (§12), as an attacker with free accounts and a script would try it: spend the operator's
 * server keys without limit, hold hundreds of hung requests so everyone else waits, and use
 * test-connection as a key checker.
 */
const SERVER_KEY_RPM = 5;
const MAX_INFLIGHT_PER_USER = 64;
const PROVIDER_KEY_TESTS_PER_HOUR = 3;

const chat = (content = 'hi', extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const anthropicMessage = { model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] };

/** A minute window must not turn over in the middle of a rationing test: wait for the next one when it is close. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await delay(left + 200);
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(25);
  }
  return false;
}


describe(`abuse limits on the gateway routes (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({
      env: {
        SERVER_KEY_RPM: String(SERVER_KEY_RPM),
        MAX_INFLIGHT_PER_USER: String(MAX_INFLIGHT_PER_USER),
        PROVIDER_KEY_TESTS_PER_HOUR: String(PROVIDER_KEY_TESTS_PER_HOUR),
        // The value a fresh install runs with: no per-origin connection cap.
        UPSTREAM_CONNECTIONS: undefined,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(() => harness.standIns.reset());

  const metric = async (pattern: RegExp): Promise<number> => {
    const text = (await harness.client.get('/metrics')).text;
    const match = pattern.exec(text);
    return match ? Number(match[1]) : Number.NaN;
  };
  const inflight = () => metric(/^uniroute_inflight_requests (\d+)/m);

  describe('SERVER_KEY_RPM', () => {
    it('refuses a user past the limit on server keys with 429 and Retry-After, on chat, native routes and /v1/models alike', async () => {
      await awayFromMinuteEnd();
      const user = await userWithApiKey(harness);
      const rejectedBefore = await metric(/^uniroute_limit_rejections_total\{reason="server_key_rpm"\} (\d+)/m);

      const statuses: number[] = [];
      for (let index = 0; index < SERVER_KEY_RPM; index += 1) statuses.push((await harness.client.post('/v1/chat/completions', chat(), user.apiKey)).status);
      const refused = await harness.client.post('/v1/chat/completions', chat(), user.apiKey);
      const refusedStream = await harness.client.post('/v1/chat/completions', chat('hi', { stream: true }), user.apiKey);
      const native = await harness.client.post('/anthropic/v1/messages', anthropicMessage, undefined, { 'x-api-key': user.apiKey, 'anthropic-version': '2023-06-01' });
      const models = await harness.client.get('/v1/models', user.apiKey);

      expect(statuses).toEqual(Array(SERVER_KEY_RPM).fill(200));
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null });
      expect(refused.body.error.message).toMatch(/SERVER_KEY_RPM/);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refusedStream.status).toBe(429);
      expect(native.status).toBe(429);
      expect(native.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(models.status).toBe(429);
      // Nothing refused went upstream.
      expect(harness.standIns.keysSeen('openai').filter((key) => key === SERVER_KEYS.openai)).toHaveLength(SERVER_KEY_RPM);
      expect(harness.standIns.keysSeen('anthropic')).toHaveLength(0);
      expect(await metric(/^uniroute_limit_rejections_total\{reason="server_key_rpm"\} (\d+)/m)).toBeGreaterThanOrEqual(rejectedBefore + 4);
    });

    it("never rations a user's own key, and counts each user separately", async () => {
      await awayFromMinuteEnd();
      const own = await userWithApiKey(harness);
      await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, own.token);
      const other = await userWithApiKey(harness);

      const ownStatuses = await Promise.all(Array.from({ length: SERVER_KEY_RPM * 3 }, () => harness.client.post('/v1/chat/completions', chat(), own.apiKey)));
      // A burst of concurrent requests on the server key: exactly the limit gets through.
      const burst = await Promise.all(Array.from({ length: SERVER_KEY_RPM * 3 }, () => harness.client.post('/v1/chat/completions', chat(), other.apiKey)));

      expect(ownStatuses.map((response) => response.status)).toEqual(Array(SERVER_KEY_RPM * 3).fill(200));
      expect(ownStatuses[0]!.headers.get('x-uniroute-key-source')).toBe('user');
      expect(burst.filter((response) => response.status === 200)).toHaveLength(SERVER_KEY_RPM);
      expect(burst.filter((response) => response.status === 429)).toHaveLength(SERVER_KEY_RPM * 2);
    });
  });

  describe('MAX_INFLIGHT_PER_USER', () => {
    it('refuses the request past the cap with 429, counts per user, and frees every slot on abort and on errors', async () => {
      const attacker = await userWithApiKey(harness);
      await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, attacker.token);
      const bystander = await userWithApiKey(harness);
      harness.standIns.inject({ provider: 'openai', apiKey: USER_KEYS.openai, hang: true, times: MAX_INFLIGHT_PER_USER });
      const abort = new AbortController();
      const hung = Array.from({ length: MAX_INFLIGHT_PER_USER }, () =>
        fetch(`${harness.app.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${attacker.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(chat('hang')),
          signal: abort.signal,
        }).catch(() => undefined),
      );
      expect(await until(() => harness.standIns.requests.length >= MAX_INFLIGHT_PER_USER, 10_000)).toBe(true);

      const overCap = await harness.client.post('/v1/chat/completions', chat(), attacker.apiKey);
      const overCapNative = await harness.client.get('/anthropic/v1/models', undefined, { 'x-api-key': attacker.apiKey, 'anthropic-version': '2023-06-01' });
      const otherUser = await harness.client.get('/anthropic/v1/models', undefined, { 'x-api-key': bystander.apiKey, 'anthropic-version': '2023-06-01' });
      expect(overCap.status).toBe(429);
      expect(overCap.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect(overCap.body.error.message).toMatch(/MAX_INFLIGHT_PER_USER/);
      expect(overCapNative.status).toBe(429);
      expect(otherUser.status).toBe(200);
      // Refused before its body is read: a 20 MiB upload still being sent gets the 429 at once.
      const overCapUpload = await answerBeforeBody(
        harness.app.url,
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${attacker.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${20 * 1024 * 1024}\r\n`,
        2_000,
      );
      expect(overCapUpload).toMatch(/^HTTP\/1\.1 429/);
      expect(overCapUpload).toMatch(/\r\nretry-after: 1\r\n/i);
      expect(overCapUpload).toContain('MAX_INFLIGHT_PER_USER');
      expect(await inflight()).toBe(MAX_INFLIGHT_PER_USER);
      expect(await metric(/^uniroute_limit_rejections_total\{reason="max_inflight"\} (\d+)/m)).toBeGreaterThanOrEqual(2);

      abort.abort();
      await Promise.all(hung);
      expect(await until(async () => (await inflight()) === 0, 5_000)).toBe(true);

      // Upstream errors, a stream and JSON answers: every one gives its slot back.
      harness.standIns.inject({ provider: 'openai', status: 500, times: 3 });
      const failed = await Promise.all(Array.from({ length: 3 }, () => harness.client.post('/v1/chat/completions', chat(), attacker.apiKey)));
      const streamed = await harness.client.post('/v1/chat/completions', chat('stream', { stream: true }), attacker.apiKey);
      const refill = await Promise.all(Array.from({ length: MAX_INFLIGHT_PER_USER }, () => harness.client.post('/v1/chat/completions', chat(), attacker.apiKey)));
      expect(failed.map((response) => response.status)).toEqual([500, 500, 500]);
      expect(streamed.status).toBe(200);
      expect(refill.every((response) => response.status === 200)).toBe(true);
      expect(await until(async () => (await inflight()) === 0, 5_000)).toBe(true);
    }, 60_000);

    it("does not let one user's hung requests delay another user's (300 hung across five accounts)", async () => {
      const attackers = await Promise.all(Array.from({ length: 5 }, () => userWithApiKey(harness)));
      for (const attacker of attackers) await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, attacker.token);
      const victim = await userWithApiKey(harness);
      const hungPerAttacker = 60;
      harness.standIns.inject({ provider: 'openai', apiKey: USER_KEYS.openai, hang: true, times: hungPerAttacker * attackers.length });
      const abort = new AbortController();
      const hung = attackers.flatMap((attacker) =>
        Array.from({ length: hungPerAttacker }, () =>
          fetch(`${harness.app.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${attacker.apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify(chat('hang')),
            signal: abort.signal,
          }).catch(() => undefined),
        ),
      );
      // Wait until the gateway holds them all (or as many as it lets through upstream).
      await until(async () => (await inflight()) >= hungPerAttacker * attackers.length, 15_000);
      await until(() => harness.standIns.requests.length >= hungPerAttacker * attackers.length, 5_000);

      const startedAt = Date.now();
      const victimAnswer = await fetch(`${harness.app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${victim.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat('me first')),
        signal: AbortSignal.timeout(3_000),
      }).catch(() => undefined);
      const victimModels = await fetch(`${harness.app.url}/v1/models`, { headers: { authorization: `Bearer ${victim.apiKey}` }, signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
      const elapsedMs = Date.now() - startedAt;

      abort.abort();
      await Promise.all(hung);
      expect(victimAnswer?.status).toBe(200);
      expect(victimModels?.status).toBe(200);
      expect(elapsedMs).toBeLessThan(3_000);
      expect(await until(async () => (await inflight()) === 0, 10_000)).toBe(true);
    }, 90_000);
  });

  describe('PROVIDER_KEY_TESTS_PER_HOUR', () => {
    it('limits test-connection and validate: true together, per user, with 429 and Retry-After', async () => {
      const checker = await userWithApiKey(harness);
      await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, checker.token);
      const statuses: number[] = [];
      for (let index = 0; index < PROVIDER_KEY_TESTS_PER_HOUR - 1; index += 1) statuses.push((await harness.client.post('/admin/provider-keys/openai/test', undefined, checker.token)).status);
      const validated = await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic, validate: true }, checker.token);
      const refusedTest = await harness.client.post('/admin/provider-keys/openai/test', undefined, checker.token);
      const refusedValidate = await harness.client.put('/admin/provider-keys/openai', { apiKey: 'sk-guessed-key-to-check-0000001', validate: true }, checker.token);
      const someoneElse = await userWithApiKey(harness);
      await harness.client.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, someoneElse.token);
      const otherUsersTest = await harness.client.post('/admin/provider-keys/openai/test', undefined, someoneElse.token);

      expect(statuses).toEqual(Array(PROVIDER_KEY_TESTS_PER_HOUR - 1).fill(200));
      expect(validated.status).toBe(201);
      expect(refusedTest.status).toBe(429);
      expect(refusedTest.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect(Number(refusedTest.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refusedValidate.status).toBe(429);
      expect(otherUsersTest.status).toBe(200);
      // The refused ones never reached the provider: 2 tests + 1 validation + the other user's test.
      expect(harness.standIns.requests).toHaveLength(PROVIDER_KEY_TESTS_PER_HOUR + 1);
      expect(harness.standIns.keysSeen('openai')).not.toContain('sk-guessed-key-to-check-0000001');
    });
  });
});
