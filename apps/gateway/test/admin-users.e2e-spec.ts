import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KIND, startTestApp, type TestApp } from './support/test-app.js';
import { httpClient, registerUser, uniqueEmail, type TestResponse } from './support/http.js';

const PASSWORD = 'correct horse battery staple';
/** The principal caches' time to live in this file (the default is 60 s; the rule is "at most 60"). */
const CACHE_TTL_SECONDS = 1;

/** Polls `check` until it holds; fails after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    if (await check()) return Date.now() - startedAt;
    if (Date.now() - startedAt > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`admin users API and roles (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;
  let admin: { email: string; token: string; userId: string };

  /** A user with a session and an API key that one gateway request has warmed into the cache. */
  async function warmedUser(label: string) {
    const user = await registerUser(client, uniqueEmail(label));
    const apiKey: string = (await client.post('/admin/api-keys', { name: label }, user.token)).body.key;
    expect((await client.get('/v1/models', apiKey)).status).toBe(200);
    expect((await client.get('/auth/me', user.token)).status).toBe(200);
    return { ...user, apiKey };
  }

  beforeAll(async () => {
    app = await startTestApp({ env: { PRINCIPAL_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS) } });
    client = httpClient(app.url);
    admin = await registerUser(client, uniqueEmail('first'));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('makes the first account admin and every later one user, and says so on login and /auth/me', async () => {
    expect((await client.get('/auth/me', admin.token)).body.role).toBe('admin');
    const later = await registerUser(client);
    expect((await client.get('/auth/me', later.token)).body.role).toBe('user');
    const login = await client.post('/auth/login', { email: later.email, password: PASSWORD });
    expect(login.body.user.role).toBe('user');
    expect((await client.post('/auth/login', { email: admin.email, password: PASSWORD })).body.user.role).toBe('admin');
  });

  it('refuses every admin route to a plain user (403) and to a stranger (401)', async () => {
    const user = await registerUser(client);
    const attempts = [
      () => client.get('/admin/users', user.token),
      () => client.call('PATCH', `/admin/users/${user.userId}`, { body: { role: 'admin' }, token: user.token }),
      () => client.call('PATCH', `/admin/users/${admin.userId}`, { body: { disabled: true }, token: user.token }),
      () => client.delete(`/admin/users/${admin.userId}`, user.token),
      () => client.post('/admin/invitations', {}, user.token),
      () => client.get('/admin/invitations', user.token),
    ];
    for (const attempt of attempts) {
      const response = await attempt();
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ type: 'permission_error', code: 'permission_denied' });
    }
    // An API key is not a session, even an admin's.
    const adminKey: string = (await client.post('/admin/api-keys', { name: 'not-a-session' }, admin.token)).body.key;
    expect((await client.get('/admin/users', adminKey)).status).toBe(401);
    expect((await client.get('/admin/users')).status).toBe(401);
    const [row] = await app.sql<{ role: string }>('SELECT role FROM users WHERE id = $1', [user.userId]);
    expect(row!.role).toBe('user');
  });

  it('lists users newest first, a page at a time, without password hashes', async () => {
    const newest = [await registerUser(client), await registerUser(client), await registerUser(client)].reverse();
    const first = await client.get('/admin/users?limit=2', admin.token);
    expect(first.status).toBe(200);
    expect(first.body.data.map((user: { id: string }) => user.id)).toEqual(newest.slice(0, 2).map((user) => user.userId));
    expect(first.body.data[0]).toEqual({ id: newest[0]!.userId, email: newest[0]!.email, role: 'user', disabled: false, createdAt: expect.any(String), lastLoginAt: null });
    expect(first.text).not.toMatch(/argon2|password/i);
    const second = await client.get(`/admin/users?limit=2&before=${first.body.nextCursor}`, admin.token);
    expect(second.body.data[0].id).toBe(newest[2]!.userId);

    let cursor: string | null = null;
    const seen: string[] = [];
    do {
      const page: TestResponse<{ data: Array<{ id: string }>; nextCursor: string | null }> = await client.get(`/admin/users?limit=100${cursor ? `&before=${cursor}` : ''}`, admin.token);
      seen.push(...page.body.data.map((user) => user.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toContain(admin.userId);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each(['limit=0', 'limit=101', 'limit=ten', 'before=not-a-uuid', 'admin=true'])('answers a bad query %s with 400', async (query) => {
    const response = await client.get(`/admin/users?${query}`, admin.token);
    expect(response.status).toBe(400);
    expect(response.body.error.type).toBe('invalid_request_error');
  });

  it('validates PATCH bodies and answers unknown users with 404', async () => {
    const user = await registerUser(client);
    for (const body of [{ role: 'root' }, { disabled: 'yes' }, { email: 'x@example.com' }]) {
      const response = await client.call('PATCH', `/admin/users/${user.userId}`, { body, token: admin.token });
      expect(response.status).toBe(400);
    }
    expect((await client.call('PATCH', '/admin/users/00000000-0000-4000-8000-000000000000', { body: { disabled: true }, token: admin.token })).status).toBe(404);
    expect((await client.delete('/admin/users/not-a-uuid', admin.token)).status).toBe(404);
  });

  it('never lets the last active admin be demoted, disabled or deleted', async () => {
    for (const attempt of [
      () => client.call('PATCH', `/admin/users/${admin.userId}`, { body: { role: 'user' }, token: admin.token }),
      () => client.call('PATCH', `/admin/users/${admin.userId}`, { body: { disabled: true }, token: admin.token }),
      () => client.delete(`/admin/users/${admin.userId}`, admin.token),
    ]) {
      const response = await attempt();
      expect(response.status).toBe(409);
      expect(response.body.error.message).toMatch(/last active admin/);
    }
    // Two admins demoting each other at once: one of them stays admin.
    const second = await registerUser(client);
    expect((await client.call('PATCH', `/admin/users/${second.userId}`, { body: { role: 'admin' }, token: admin.token })).status).toBe(200);
    const results = await Promise.all([
      client.call('PATCH', `/admin/users/${second.userId}`, { body: { role: 'user' }, token: admin.token }),
      client.call('PATCH', `/admin/users/${admin.userId}`, { body: { role: 'user' }, token: second.token }),
    ]);
    // The loser is refused either by the last-admin rule (409) or, demoted first, by its new role (403).
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    expect(results.filter((result) => result.status === 403 || result.status === 409)).toHaveLength(1);
    const [{ count }] = (await app.sql<{ count: number }>(`SELECT count(*)::int AS count FROM users WHERE role = 'admin' AND disabled_at IS NULL`)) as [{ count: number }];
    expect(count).toBe(1);
    // Whoever is still admin restores the original admin for the tests below.
    const survivor = results[0]!.status === 200 ? admin : second;
    if (survivor === second) {
      expect((await client.call('PATCH', `/admin/users/${admin.userId}`, { body: { role: 'admin' }, token: second.token })).status).toBe(200);
      expect((await client.call('PATCH', `/admin/users/${second.userId}`, { body: { role: 'user' }, token: admin.token })).status).toBe(200);
    }
  });

  it('a role change applies to the next request: promoted users can administer, demoted ones cannot', async () => {
    const user = await registerUser(client);
    expect((await client.get('/admin/users', user.token)).status).toBe(403);
    const promoted = await client.call('PATCH', `/admin/users/${user.userId}`, { body: { role: 'admin' }, token: admin.token });
    expect(promoted.body).toMatchObject({ id: user.userId, role: 'admin', disabled: false });
    expect((await client.get('/admin/users', user.token)).status).toBe(200);
    expect((await client.call('PATCH', `/admin/users/${user.userId}`, { body: { role: 'user' }, token: admin.token })).status).toBe(200);
    expect((await client.get('/admin/users', user.token)).status).toBe(403);
  });

  it('a disabled user’s warmed API key and session stop working at once; login says disabled; re-enabling restores the key', async () => {
    const user = await warmedUser('disabled');
    const disabled = await client.call('PATCH', `/admin/users/${user.userId}`, { body: { disabled: true }, token: admin.token });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect((await client.get('/v1/models', user.apiKey)).status).toBe(401);
    const session = await client.get('/auth/me', user.token);
    expect(session.status).toBe(401);
    expect(session.body.error.code).toBe('unauthenticated');
    const login = await client.post('/auth/login', { email: user.email, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.text).not.toContain('accessToken');

    expect((await client.call('PATCH', `/admin/users/${user.userId}`, { body: { disabled: false }, token: admin.token })).status).toBe(200);
    expect((await client.get('/v1/models', user.apiKey)).status).toBe(200);
    // Disabling revoked the sessions it had: the user signs in again.
    expect((await client.get('/auth/me', user.token)).status).toBe(401);
    expect((await client.post('/auth/login', { email: user.email, password: PASSWORD })).status).toBe(200);
  });

  it('a deleted user’s warmed API key and session stop working at once, and their rows are gone', async () => {
    const user = await warmedUser('deleted');
    expect((await client.delete(`/admin/users/${user.userId}`, admin.token)).status).toBe(204);
    expect((await client.get('/v1/models', user.apiKey)).status).toBe(401);
    expect((await client.get('/auth/me', user.token)).status).toBe(401);
    expect(await app.sql('SELECT 1 FROM api_keys WHERE user_id = $1 UNION ALL SELECT 1 FROM sessions WHERE user_id = $1', [user.userId])).toEqual([]);
    expect((await client.delete(`/admin/users/${user.userId}`, admin.token)).status).toBe(404);
  });

  it(`a user deleted or disabled behind the gateway’s back (SQL) is refused within the cache TTL (${CACHE_TTL_SECONDS} s here, at most 60)`, async () => {
    const deleted = await warmedUser('sql-deleted');
    const disabled = await warmedUser('sql-disabled');
    await app.sql('DELETE FROM users WHERE id = $1', [deleted.userId]);
    await app.sql('UPDATE users SET disabled_at = now() WHERE id = $1', [disabled.userId]);
    const limitMs = CACHE_TTL_SECONDS * 1000 + 1_500;
    await within(limitMs, async () => (await client.get('/v1/models', deleted.apiKey)).status === 401);
    await within(limitMs, async () => (await client.get('/v1/models', disabled.apiKey)).status === 401);
    await within(limitMs, async () => (await client.get('/auth/me', disabled.token)).status === 401);
    expect((await client.get('/auth/me', deleted.token)).status).toBe(401);
  });
});
