import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitService } from '../src/rate-limit/rate-limit.service.js';
import { SessionsService } from '../src/auth/sessions.service.js';
import { DATABASE_KIND, startTestApp, type TestApp } from './support/test-app.js';
import { httpClient, registerUser, uniqueEmail } from './support/http.js';

describe(`accounts and sessions (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    app = await startTestApp({ env: { LOGIN_MAX_ATTEMPTS: '3' } });
    client = httpClient(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('registers, logs in and answers /auth/me', async () => {
    const email = uniqueEmail('Ada');
    const registered = await client.post('/auth/register', { email, password: 'correct horse battery staple' });
    expect(registered.status).toBe(201);
    expect(registered.body.user).toEqual({ id: expect.any(String), email: email.toLowerCase(), role: expect.stringMatching(/^(admin|user)$/), createdAt: expect.any(String) });
    expect(registered.body.accessToken).toMatch(/^eyJ/);
    expect(registered.body).not.toHaveProperty('user.passwordHash');

    const login = await client.post('/auth/login', { email: email.toUpperCase(), password: 'correct horse battery staple' });
    expect(login.status).toBe(200);
    const me = await client.get('/auth/me', login.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(registered.body.user);
  });

  it('stores only an argon2id hash of the password', async () => {
    const { email } = await registerUser(client);
    const [row] = await app.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [email]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(row!.password_hash).not.toContain('correct horse');
  });

  it('refuses a duplicate email with 409 in OpenAI error shape', async () => {
    const { email } = await registerUser(client);
    const duplicate = await client.post('/auth/register', { email: email.toUpperCase(), password: 'another password 123' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({ error: { message: expect.stringContaining('already exists'), type: 'invalid_request_error', code: 'conflict', param: 'email' } });
  });

  it.each([
    [{ email: 'not-an-email', password: 'long enough password' }, 'email'],
    [{ email: uniqueEmail(), password: 'short' }, 'password'],
    [{ email: uniqueEmail() }, 'password'],
    [{ email: uniqueEmail(), password: 'long enough password', admin: true }, 'admin'],
  ])('rejects invalid registration input %j with 400 naming the field', async (body, param) => {
    const response = await client.post('/auth/register', body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'validation_failed', param });
  });

  it('answers malformed JSON with 400 in OpenAI error shape', async () => {
    const response = await client.call('POST', '/auth/register', { rawBody: '{"email":' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
  });

  it('gives the same 401 for an unknown email and a wrong password', async () => {
    const { email } = await registerUser(client);
    const wrongPassword = await client.post('/auth/login', { email, password: 'wrong password 123' });
    const unknownEmail = await client.post('/auth/login', { email: uniqueEmail('ghost'), password: 'wrong password 123' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.error.type).toBe('authentication_error');
  });

  it('rate-limits login attempts per account with 429 and retry-after', async () => {
    const { email } = await registerUser(client);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await client.post('/auth/login', { email, password: 'wrong password 123' })).status).toBe(401);
    }
    const limited = await client.post('/auth/login', { email, password: 'correct horse battery staple' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.type).toBe('rate_limit_error');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses missing, forged, alg:none and expired session tokens', async () => {
    const { token } = await registerUser(client);
    const [header, payload] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${token.split('.')[2]}`;
    const expiredPayload = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url');
    const expired = `${header}.${expiredPayload}.${token.split('.')[2]}`;
    for (const bad of [undefined, 'garbage', none, forged, expired]) {
      const response = await client.get('/auth/me', bad);
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'unauthenticated' });
    }
  });

  /** A session token signed with the app's own secret: what someone holding JWT_SECRET, or an old build, could mint. */
  function signSessionToken(claims: Record<string, unknown>): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
    return `${unsigned}.${createHmac('sha256', app.config.jwt.secret).update(unsigned).digest('base64url')}`;
  }

  it('refuses a correctly signed token without exp, or without a session id', async () => {
    const { token } = await registerUser(client);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; jti: string; exp: number; iat: number };
    expect(claims).toEqual({ sub: expect.any(String), jti: expect.any(String), iat: expect.any(Number), exp: expect.any(Number) });
    // The same claims re-signed are accepted: the refusals below are about the missing claim alone.
    expect((await client.get('/auth/me', signSessionToken(claims))).status).toBe(200);
    const { exp: _exp, ...withoutExp } = claims;
    const { jti: _jti, ...withoutJti } = claims;
    for (const bad of [withoutExp, withoutJti, { ...claims, exp: String(claims.exp) }, { ...claims, jti: 'not-a-uuid' }]) {
      const response = await client.get('/auth/me', signSessionToken(bad));
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthenticated');
    }
  });

  it('logout revokes that session only, at once', async () => {
    const { email, token } = await registerUser(client);
    const other = (await client.post('/auth/login', { email, password: 'correct horse battery staple' })).body.accessToken as string;
    expect((await client.get('/auth/me', token)).status).toBe(200);
    const logout = await client.post('/auth/logout', undefined, token);
    expect(logout.status).toBe(204);
    expect((await client.get('/auth/me', token)).status).toBe(401);
    expect((await client.post('/admin/api-keys', { name: 'after-logout' }, token)).status).toBe(401);
    expect((await client.post('/auth/logout', undefined, token)).status).toBe(401);
    expect((await client.get('/auth/me', other)).status).toBe(200);
  });

  it('a password change needs the current password, keeps this session and revokes every other one', async () => {
    const { email, token } = await registerUser(client);
    const other = (await client.post('/auth/login', { email, password: 'correct horse battery staple' })).body.accessToken as string;
    const wrong = await client.post('/auth/password', { currentPassword: 'not my password', newPassword: 'a brand new password' }, token);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_credentials', param: 'currentPassword' });
    expect((await client.post('/auth/password', { currentPassword: 'correct horse battery staple', newPassword: 'short' }, token)).status).toBe(400);

    const changed = await client.post('/auth/password', { currentPassword: 'correct horse battery staple', newPassword: 'a brand new password' }, token);
    expect(changed.status).toBe(204);
    expect((await client.get('/auth/me', token)).status).toBe(200);
    expect((await client.get('/auth/me', other)).status).toBe(401);
    expect((await client.post('/auth/login', { email, password: 'correct horse battery staple' })).status).toBe(401);
    expect((await client.post('/auth/login', { email, password: 'a brand new password' })).status).toBe(200);
    expect(app.logs().join('\n')).not.toContain('a brand new password');
  });

  it('counts a wrong current password as a failed login attempt', async () => {
    const { email, token } = await registerUser(client);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await client.post('/auth/password', { currentPassword: 'guess number ' + attempt, newPassword: 'attacker password 1' }, token)).status).toBe(401);
    }
    expect((await client.post('/auth/password', { currentPassword: 'correct horse battery staple', newPassword: 'attacker password 1' }, token)).status).toBe(429);
    expect((await client.post('/auth/login', { email, password: 'correct horse battery staple' })).status).toBe(429);
  });

  it('purges rate-limit rows of ended windows and expired sessions, and keeps live ones', async () => {
    await app.sql(
      `INSERT INTO rate_limit_counters (bucket, hits, window_ends_at) VALUES
         ('test:ended', 3, now() - interval '1 second'), ('test:live', 3, now() + interval '1 hour')`,
    );
    const { userId } = await registerUser(client);
    await app.sql(`INSERT INTO sessions (user_id, expires_at) VALUES ($1, now() - interval '1 second')`, [userId]);
    expect(await app.app.get(RateLimitService).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await app.app.get(SessionsService).purgeExpired()).toBeGreaterThanOrEqual(1);
    const buckets = (await app.sql<{ bucket: string }>(`SELECT bucket FROM rate_limit_counters WHERE bucket LIKE 'test:%'`)).map((row) => row.bucket);
    expect(buckets).toEqual(['test:live']);
    expect(await app.sql(`SELECT 1 FROM sessions WHERE expires_at < now()`)).toEqual([]);
    expect(await app.sql(`SELECT 1 FROM sessions WHERE user_id = $1`, [userId])).toHaveLength(1);
  });

  it('answers unknown API routes with a 404 in OpenAI error shape', async () => {
    const response = await client.get('/admin/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ type: 'not_found_error', code: 'not_found' });
  });

  it('serves health and readiness', async () => {
    expect((await client.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await client.get('/readyz')).body).toEqual({ status: 'ready', database: 'up' });
  });
});
