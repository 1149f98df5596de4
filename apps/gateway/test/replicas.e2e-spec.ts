import { startStandIns, type StandIns } from '@uniroute/provider-stand-ins';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_KEYS, USER_KEYS } from './support/gateway-with-stand-ins.js';
import { createDatabase, ensureBuilt, postgresUnavailable, productionEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { httpClient, uniqueEmail } from './support/http.js';

/**
 * Two gateway replicas (built dist, separate processes) on one PostgreSQL database: a change made
 * through A reaches B's per-process caches within a second (LISTEN/NOTIFY), and login limits are
 * counted in the database, so they hold across replicas.
 */
const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`replicas.e2e-spec: skipped: ${unavailable}`);

const PROPAGATION_LIMIT_MS = 1_000;
const LOGIN_MAX_ATTEMPTS = 3;

/** Polls `check` until it returns true; resolves with how long that took, or fails after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    if (await check()) return Date.now() - startedAt;
    if (Date.now() - startedAt > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(unavailable !== undefined)('two replicas on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let standIns: StandIns;
  let replicaA: GatewayProcess;
  let replicaB: GatewayProcess;
  /** The first account on the database, so the admin (§12). */
  let adminToken: string;

  beforeAll(async () => {
    await ensureBuilt();
    database = await createDatabase('replicas');
    standIns = await startStandIns({ port: 0 });
    // The same secrets on every replica, as an operator's shared .env gives them.
    const env = productionEnv(database.url, {
      OPENAI_BASE_URL: standIns.baseUrls.openai,
      ANTHROPIC_BASE_URL: standIns.baseUrls.anthropic,
      GOOGLE_BASE_URL: standIns.baseUrls.google,
      LOGIN_MAX_ATTEMPTS: String(LOGIN_MAX_ATTEMPTS),
    });
    // Both start at once on the empty database: the advisory lock lets one migrate, the other wait.
    // A generous start-up limit: the suite shares a small, busy machine.
    [replicaA, replicaB] = await Promise.all([startGatewayProcess(env, 120_000), startGatewayProcess(env, 120_000)]);
    const admin = await httpClient(replicaA.url).post('/auth/register', { email: uniqueEmail('admin'), password: 'correct horse battery staple' });
    expect(admin.body.user.role).toBe('admin');
    adminToken = admin.body.accessToken;
  }, 300_000);
  afterAll(async () => {
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await standIns?.close();
    await database?.drop();
  });

  it('both came up on the empty database and migrated it once', async () => {
    const migrated = [replicaA, replicaB].filter((replica) => replica.stdout().includes('"msg":"database migrated"'));
    expect(migrated).toHaveLength(1);
    for (const replica of [replicaA, replicaB]) expect((await httpClient(replica.url).get('/readyz')).status).toBe(200);
  });

  it('a provider-key add, update and delete and an API-key revoke through A take effect on B within a second', async () => {
    const a = httpClient(replicaA.url);
    const b = httpClient(replicaB.url);
    const user = await a.post('/auth/register', { email: uniqueEmail('replicas'), password: 'correct horse battery staple' });
    const token: string = user.body.accessToken;
    const apiKey: string = (await a.post('/admin/api-keys', { name: 'replicas' }, token)).body.key;
    const chatOnB = () => b.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, apiKey);
    const lastOpenAiKey = () => standIns.keysSeen('openai').at(-1);

    // B serves the user first: its caches now hold "this key is theirs" and "no OpenAI key".
    const before = await chatOnB();
    expect(before.status).toBe(401);
    expect(before.body.error.code).toBe('provider_key_missing');

    expect((await a.post('/admin/provider-keys', { provider: 'openai', apiKey: USER_KEYS.openai }, token)).status).toBe(201);
    const added = await within(PROPAGATION_LIMIT_MS, async () => (await chatOnB()).status === 200);
    expect(lastOpenAiKey()).toBe(USER_KEYS.openai);

    // The stand-ins accept the server's demo key too: the user switches to it.
    expect((await a.put('/admin/provider-keys/openai', { apiKey: SERVER_KEYS.openai }, token)).status).toBe(200);
    const updated = await within(PROPAGATION_LIMIT_MS, async () => (await chatOnB()).status === 200 && lastOpenAiKey() === SERVER_KEYS.openai);

    expect((await a.delete('/admin/provider-keys/openai', token)).status).toBe(204);
    const deleted = await within(PROPAGATION_LIMIT_MS, async () => (await chatOnB()).body?.error?.code === 'provider_key_missing');

    const keyId = (await a.get('/admin/api-keys', token)).body[0].id;
    expect((await a.delete(`/admin/api-keys/${keyId}`, token)).status).toBe(204);
    const revoked = await within(PROPAGATION_LIMIT_MS, async () => (await chatOnB()).status === 401 && (await b.get('/v1/models', apiKey)).status === 401);

    for (const elapsed of [added, updated, deleted, revoked]) expect(elapsed).toBeLessThanOrEqual(PROPAGATION_LIMIT_MS);
  });

  it('a provider 401 through A marks the key rejected, and B skips it within a second (byok_only: fails without calling the provider)', async () => {
    const a = httpClient(replicaA.url);
    const b = httpClient(replicaB.url);
    const user = await a.post('/auth/register', { email: uniqueEmail('health'), password: 'correct horse battery staple' });
    const token: string = user.body.accessToken;
    const apiKey: string = (await a.post('/admin/api-keys', { name: 'health' }, token)).body.key;
    const ownKey = USER_KEYS.anthropic;
    expect((await a.post('/admin/provider-keys', { provider: 'anthropic', apiKey: ownKey }, token)).status).toBe(201);
    expect((await a.put('/admin/provider-keys/anthropic', { fallbackPolicy: 'byok_only' }, token)).status).toBe(200);
    const chat = (replica: ReturnType<typeof httpClient>) =>
      replica.post('/v1/chat/completions', { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }] }, apiKey);

    // B serves the user with their key first: its cache holds the key as working.
    const warm = await chat(b);
    expect(warm.status).toBe(200);
    expect(warm.headers.get('x-uniroute-key-id')).toBe((await a.get('/admin/provider-keys/anthropic', token)).body.id);

    standIns.inject({ provider: 'anthropic', apiKey: ownKey, status: 401 });
    const refused = await chat(a);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/Anthropic rejected your API key/);

    const skippedOnB = await within(PROPAGATION_LIMIT_MS, async () => {
      const seen = standIns.requests.length;
      const answer = await chat(b);
      return answer.status === 401 && /byok_only/.test(answer.body.error.message) && standIns.requests.length === seen;
    });
    expect(skippedOnB).toBeLessThanOrEqual(PROPAGATION_LIMIT_MS);
    expect((await b.get('/admin/provider-keys/anthropic', token)).body).toMatchObject({ health: 'rejected', lastTestOk: false });
  });

  it('a user disabled through A loses their warmed API key and session on B within a second; a deleted one too', async () => {
    const a = httpClient(replicaA.url);
    const b = httpClient(replicaB.url);
    const warmedOnB = async (label: string) => {
      const user = await a.post('/auth/register', { email: uniqueEmail(label), password: 'correct horse battery staple' });
      const token: string = user.body.accessToken;
      const apiKey: string = (await a.post('/admin/api-keys', { name: label }, token)).body.key;
      // B caches "this key is theirs" and "this session is live".
      expect((await b.get('/v1/models', apiKey)).status).toBe(200);
      expect((await b.get('/auth/me', token)).status).toBe(200);
      return { id: user.body.user.id as string, token, apiKey };
    };

    const disabled = await warmedOnB('disabled');
    expect((await a.call('PATCH', `/admin/users/${disabled.id}`, { body: { disabled: true }, token: adminToken })).status).toBe(200);
    const keyRefused = await within(PROPAGATION_LIMIT_MS, async () => (await b.get('/v1/models', disabled.apiKey)).status === 401);
    const sessionRefused = await within(PROPAGATION_LIMIT_MS, async () => (await b.get('/auth/me', disabled.token)).status === 401);

    const deleted = await warmedOnB('deleted');
    expect((await a.delete(`/admin/users/${deleted.id}`, adminToken)).status).toBe(204);
    const deletedKeyRefused = await within(PROPAGATION_LIMIT_MS, async () => (await b.get('/v1/models', deleted.apiKey)).status === 401);
    expect((await b.get('/auth/me', deleted.token)).status).toBe(401);

    for (const elapsed of [keyRefused, sessionRefused, deletedKeyRefused]) expect(elapsed).toBeLessThanOrEqual(PROPAGATION_LIMIT_MS);
  });

  it('a logout and a password change through A revoke the sessions B has cached', async () => {
    const a = httpClient(replicaA.url);
    const b = httpClient(replicaB.url);
    const email = uniqueEmail('sessions');
    const first: string = (await a.post('/auth/register', { email, password: 'correct horse battery staple' })).body.accessToken;
    const second: string = (await b.post('/auth/login', { email, password: 'correct horse battery staple' })).body.accessToken;
    const third: string = (await b.post('/auth/login', { email, password: 'correct horse battery staple' })).body.accessToken;
    for (const token of [first, second, third]) expect((await b.get('/auth/me', token)).status).toBe(200);

    expect((await a.post('/auth/logout', undefined, second)).status).toBe(204);
    await within(PROPAGATION_LIMIT_MS, async () => (await b.get('/auth/me', second)).status === 401);
    expect((await a.post('/auth/password', { currentPassword: 'correct horse battery staple', newPassword: 'another long password' }, first)).status).toBe(204);
    await within(PROPAGATION_LIMIT_MS, async () => (await b.get('/auth/me', third)).status === 401);
    expect((await b.get('/auth/me', first)).status).toBe(200);
  });

  it('counts login attempts across replicas', async () => {
    const a = httpClient(replicaA.url);
    const b = httpClient(replicaB.url);
    const email = uniqueEmail('limits');
    await a.post('/auth/register', { email, password: 'correct horse battery staple' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LOGIN_MAX_ATTEMPTS + 1; attempt += 1) {
      const replica = attempt % 2 === 0 ? a : b;
      statuses.push((await replica.post('/auth/login', { email, password: 'a wrong password here' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // The limit is the account's, wherever the next attempt lands, even with the right password.
    const blocked = await a.post('/auth/login', { email, password: 'correct horse battery staple' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
