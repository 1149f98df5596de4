import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGatewayWithStandIns, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { registerUser, uniqueEmail } from './support/http.js';
import { DATABASE_KIND } from './support/test-app.js';
import { LISTED_REVOKED_API_KEYS, MAX_API_KEYS_PER_USER } from '../src/api-keys/api-keys.service.js';

describe(`gateway API keys (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('creates a ur_ key shown once, stores only its SHA-256 and lists it without the secret', async () => {
    const { client, app } = harness;
    const user = await registerUser(client);
    const created = await client.post('/admin/api-keys', { name: '  laptop  ' }, user.token);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'laptop', key: expect.stringMatching(/^ur_[A-Za-z0-9_-]{40,}$/), prefix: created.body.key.slice(0, 10), createdAt: expect.any(String), teamId: null });

    const [row] = await app.sql<{ key_hash: string; prefix: string }>('SELECT key_hash, prefix FROM api_keys WHERE id = $1', [created.body.id]);
    expect(row!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify(await app.sql('SELECT * FROM api_keys'));
    expect(everything).not.toContain(created.body.key);

    const list = await client.get('/admin/api-keys', user.token);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ id: created.body.id, name: 'laptop', prefix: created.body.prefix, createdAt: created.body.createdAt, lastUsedAt: null, revokedAt: null, teamId: null }]);
    expect(list.text).not.toContain(created.body.key);
  });

  it('validates the name', async () => {
    const user = await registerUser(harness.client);
    for (const body of [{}, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 42 }]) {
      const response = await harness.client.post('/admin/api-keys', body, user.token);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', param: 'name' });
    }
  });

  it('needs a session token, not an API key', async () => {
    const user = await userWithApiKey(harness);
    expect((await harness.client.get('/admin/api-keys')).status).toBe(401);
    expect((await harness.client.get('/admin/api-keys', user.apiKey)).status).toBe(401);
  });

  it('records lastUsedAt asynchronously and revocation is effective at once', async () => {
    const user = await userWithApiKey(harness);
    await expect(user.openai.models.list()).resolves.toBeDefined();

    await expect.poll(async () => (await harness.client.get('/admin/api-keys', user.token)).body[0].lastUsedAt, { timeout: 8_000, interval: 250 }).not.toBeNull();

    const [key] = (await harness.client.get('/admin/api-keys', user.token)).body;
    expect((await harness.client.delete(`/admin/api-keys/${key.id}`, user.token)).status).toBe(204);
    const refused = await harness.client.get('/v1/models', user.apiKey);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    const listed = (await harness.client.get('/admin/api-keys', user.token)).body[0];
    expect(listed.revokedAt).not.toBeNull();
    expect((await harness.client.delete(`/admin/api-keys/${key.id}`, user.token)).status).toBe(404);
  });

  it("never lets one user see or revoke another's keys", async () => {
    const alice = await userWithApiKey(harness);
    const bob = await registerUser(harness.client);
    const [aliceKey] = (await harness.client.get('/admin/api-keys', alice.token)).body;
    expect((await harness.client.get('/admin/api-keys', bob.token)).body).toEqual([]);
    expect((await harness.client.delete(`/admin/api-keys/${aliceKey.id}`, bob.token)).status).toBe(404);
    expect((await harness.client.delete('/admin/api-keys/not-a-uuid', bob.token)).status).toBe(404);
    expect((await harness.client.get('/v1/models', alice.apiKey)).status).toBe(200);
  });

  it('refuses missing, unknown and malformed gateway keys on /v1', async () => {
    for (const headers of [{}, { authorization: 'Bearer ur_doesnotexist1234567890' }, { 'x-api-key': 'sk-not-ours' }, { authorization: 'Basic abc' }] as Array<Record<string, string>>) {
      const response = await harness.client.get('/v1/models', undefined, headers);
      expect(response.status).toBe(401);
      expect(response.body.error.type).toBe('authentication_error');
    }
  });

  // Before, a free account's script could create keys without end: each one a row, and every
  // GET /admin/api-keys read all of them at once (revoked ones included).
  it(`caps an account at ${MAX_API_KEYS_PER_USER} live keys, team keys included; revoking one makes room`, { timeout: 120_000 }, async () => {
    const user = await registerUser(harness.client);
    const team = await harness.client.post('/admin/teams', { name: 'cap' }, user.token);
    expect(team.status).toBe(201);
    const statuses: number[] = [];
    for (let index = 0; index < MAX_API_KEYS_PER_USER; index += 1) {
      const body = index % 2 === 0 ? { name: `key ${index}` } : { name: `team key ${index}`, teamId: team.body.id };
      statuses.push((await harness.client.post('/admin/api-keys', body, user.token)).status);
    }
    expect(statuses.every((status) => status === 201)).toBe(true);
    for (const body of [{ name: 'one too many' }, { name: 'one too many', teamId: team.body.id }]) {
      const refused = await harness.client.post('/admin/api-keys', body, user.token);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'conflict' });
    }
    // Concurrent creations cannot pass the count together.
    const [first] = (await harness.client.get('/admin/api-keys', user.token)).body;
    expect((await harness.client.delete(`/admin/api-keys/${first.id}`, user.token)).status).toBe(204);
    const burst = await Promise.all(Array.from({ length: 5 }, () => harness.client.post('/admin/api-keys', { name: 'burst' }, user.token)));
    expect(burst.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const [{ live }] = await harness.app.sql<{ live: number }>('SELECT count(*)::int AS live FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL', [user.userId]);
    expect(live).toBe(MAX_API_KEYS_PER_USER);
  });

  it(`lists every live key and the ${LISTED_REVOKED_API_KEYS} most recently revoked: creating and revoking in a loop cannot grow the list`, { timeout: 120_000 }, async () => {
    const user = await registerUser(harness.client);
    const kept = await harness.client.post('/admin/api-keys', { name: 'kept' }, user.token);
    expect(kept.status).toBe(201);
    for (let index = 0; index <= LISTED_REVOKED_API_KEYS; index += 1) {
      const created = await harness.client.post('/admin/api-keys', { name: `churn ${index}` }, user.token);
      expect(created.status).toBe(201);
      expect((await harness.client.delete(`/admin/api-keys/${created.body.id}`, user.token)).status).toBe(204);
    }
    const list = (await harness.client.get('/admin/api-keys', user.token)).body as Array<{ id: string; name: string; revokedAt: string | null }>;
    expect(list).toHaveLength(1 + LISTED_REVOKED_API_KEYS);
    expect(list.filter((key) => key.revokedAt === null).map((key) => key.id)).toEqual([kept.body.id]);
    // The oldest revoked key is the one left out; the list stays newest first.
    expect(list.map((key) => key.name)).not.toContain('churn 0');
    expect(list[0]!.name).toBe(`churn ${LISTED_REVOKED_API_KEYS}`);
  });

  it('accepts the key in x-api-key too', async () => {
    const user = await userWithApiKey(harness);
    expect((await harness.client.get('/v1/models', undefined, { 'x-api-key': user.apiKey })).status).toBe(200);
  });
});

/**
 * Before, every request with an unknown or revoked `ur_` key cost one database read, without limit: a client retrying
 * a revoked key in a hot loop, or a stranger spraying random keys, queued one query per request on the pool that every
 * user's requests wait on. Now a miss is remembered for a while, and failed reads are limited per client network.
 */
describe(`unknown and revoked API keys cost the database little (${DATABASE_KIND})`, () => {
  const FAILURES_PER_MINUTE = 5;
  let harness: Harness;
  let admin: { token: string };
  /** SQL texts the gateway ran, as they ran: the API-key lookups are counted from them. */
  let statements: string[] = [];

  beforeAll(async () => {
    // The test poses as the proxy (loopback) and picks each request's client network with X-Forwarded-For. No server
    // keys: GET /v1/models then answers 200 with an empty list and calls no provider, and nothing is rationed.
    harness = await startGatewayWithStandIns({ serverKeys: false, env: { TRUST_PROXY: '127.0.0.1/32', API_KEY_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE) } });
    admin = await registerUser(harness.client, uniqueEmail('admin'));
    const dataSource = harness.app.app.get(DataSource);
    const query = dataSource.query.bind(dataSource);
    vi.spyOn(dataSource, 'query').mockImplementation(async (text: string, ...rest: unknown[]) => {
      statements.push(text);
      return query(text, ...(rest as [unknown[]]));
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await harness?.close();
  });

  /** How many API-key lookups reached the database since the last call. */
  const keyReads = (): number => {
    const reads = statements.filter((text) => /FROM api_keys\b/.test(text) && text.includes('api_keys.key_hash = $1')).length;
    statements = [];
    return reads;
  };
  const modelsFrom = (network: string, apiKey: string) => harness.client.get('/v1/models', undefined, { authorization: `Bearer ${apiKey}`, 'x-forwarded-for': network });
  const randomKey = () => `ur_${randomBytes(32).toString('base64url')}`;
  // On PostgreSQL the replica also hears its own announcement (NOTIFY) a moment later and drops the entries again.
  const announced = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('reads an unknown key once, however often it is retried', async () => {
    const unknown = randomKey();
    keyReads();
    for (let attempt = 0; attempt < 20; attempt += 1) expect((await modelsFrom('192.0.2.10', unknown)).status).toBe(401);
    expect(keyReads()).toBe(1);
  });

  it("reads a revoked key once in a hot loop, and the user's other key keeps working", async () => {
    const user = await userWithApiKey(harness);
    const other: string = (await harness.client.post('/admin/api-keys', { name: 'other' }, user.token)).body.key;
    expect((await modelsFrom('192.0.2.11', user.apiKey)).status).toBe(200);
    const [revoked] = (await harness.client.get('/admin/api-keys', user.token)).body.filter((key: { name: string }) => key.name === 'sdk');
    expect((await harness.client.delete(`/admin/api-keys/${revoked.id}`, user.token)).status).toBe(204);
    await announced();
    keyReads();
    const statuses = await Promise.all(Array.from({ length: 30 }, () => modelsFrom('192.0.2.11', user.apiKey).then((response) => response.status)));
    for (let attempt = 0; attempt < 20; attempt += 1) statuses.push((await modelsFrom('192.0.2.11', user.apiKey)).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(keyReads()).toBe(1);
    // The revoked key's miss says nothing about the user: their other key works, from the same network.
    expect((await modelsFrom('192.0.2.11', other)).status).toBe(200);
  });

  it(`refuses a network after ${FAILURES_PER_MINUTE} failed keys with 429, reading nothing more; its valid keys still work`, async () => {
    const user = await userWithApiKey(harness);
    // Used once before the spray (from anywhere): a key the gateway has seen valid.
    expect((await modelsFrom('203.0.113.1', user.apiKey)).status).toBe(200);
    const rejectedBefore = await limitRejections(harness);
    keyReads();
    // A burst at once: the limit holds for requests that are all in flight together.
    const spray = await Promise.all(Array.from({ length: FAILURES_PER_MINUTE + 15 }, () => modelsFrom('198.51.100.7', randomKey())));
    const statuses = spray.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array<number>(FAILURES_PER_MINUTE).fill(401), ...Array<number>(15).fill(429)]);
    expect(keyReads()).toBe(FAILURES_PER_MINUTE);
    const refused = spray.find((response) => response.status === 429)!;
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.text).not.toMatch(/ur_[A-Za-z0-9_-]{20,}/);
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await modelsFrom('198.51.100.7', randomKey())).status).toBe(429);
    expect(keyReads()).toBe(0);
    expect(await limitRejections(harness)).toBe(rejectedBefore + 25);

    // Behind the same NAT, a user with a valid key is not locked out by the sprayer.
    expect((await modelsFrom('198.51.100.7', user.apiKey)).status).toBe(200);
    // Other networks are not this one's business.
    expect((await modelsFrom('198.51.100.8', randomKey())).status).toBe(401);
  });

  it("a disabled user's key is read once while disabled, and works again the moment they are re-enabled", async () => {
    const user = await userWithApiKey(harness);
    expect((await modelsFrom('192.0.2.12', user.apiKey)).status).toBe(200);
    expect((await harness.client.call('PATCH', `/admin/users/${user.userId}`, { body: { disabled: true }, token: admin.token })).status).toBe(200);
    await announced();
    keyReads();
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await modelsFrom('192.0.2.12', user.apiKey)).status).toBe(401);
    expect(keyReads()).toBe(1);
    expect((await harness.client.call('PATCH', `/admin/users/${user.userId}`, { body: { disabled: false }, token: admin.token })).status).toBe(200);
    expect((await modelsFrom('192.0.2.12', user.apiKey)).status).toBe(200);
  });
});

/**
 * A key the gateway has seen valid is looked up even from a network past its limit once its cache entry expired: a
 * sprayer behind a shared NAT does not lock out the users behind it every PRINCIPAL_CACHE_TTL_SECONDS.
 */
describe(`API-key failure limit and expired cache entries (${DATABASE_KIND})`, () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ serverKeys: false, env: { TRUST_PROXY: '127.0.0.1/32', API_KEY_FAILURES_PER_MINUTE: '2', PRINCIPAL_CACHE_TTL_SECONDS: '1' } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const modelsFrom = (network: string, apiKey: string) => harness.client.get('/v1/models', undefined, { authorization: `Bearer ${apiKey}`, 'x-forwarded-for': network });

  it('keeps serving a known valid key from a refused network after its cache entry expired; a never-seen key waits', async () => {
    const user = await userWithApiKey(harness);
    const fresh: string = (await harness.client.post('/admin/api-keys', { name: 'never used' }, user.token)).body.key;
    expect((await modelsFrom('2001:db8:1:2::10', user.apiKey)).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt += 1) await modelsFrom('2001:db8:1:2::11', `ur_${randomBytes(32).toString('base64url')}`);
    // Another address of the same /64 is the same network.
    expect((await modelsFrom('2001:db8:1:2::12', `ur_${randomBytes(32).toString('base64url')}`)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect((await modelsFrom('2001:db8:1:2::10', user.apiKey)).status).toBe(200);
    // A key this gateway has never seen valid is, from a refused network, indistinguishable from a guess until read.
    expect((await modelsFrom('2001:db8:1:2::10', fresh)).status).toBe(429);
    expect((await modelsFrom('2001:db8:9:9::10', fresh)).status).toBe(200);
  });
});

async function limitRejections(harness: Harness): Promise<number> {
  const text = (await harness.client.get('/metrics')).text;
  const match = /^uniroute_limit_rejections_total\{reason="api_key_failures"\} (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}
