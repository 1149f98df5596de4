import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KIND, startTestApp, type TestApp } from './support/test-app.js';
import { httpClient, uniqueEmail } from './support/http.js';

const PASSWORD = 'correct horse battery staple';

describe(`registration under REGISTRATION=invite, the default (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;
  let adminToken: string;
  const register = (email: string, invitation?: string) => client.post('/auth/register', { email, password: PASSWORD, ...(invitation === undefined ? {} : { invitation }) });
  const invite = async (body: Record<string, unknown> = {}) => {
    const response = await client.post('/admin/invitations', body, adminToken);
    expect(response.status).toBe(201);
    return response.body as { token: string; url: string; expiresAt: string };
  };
  const expectRefused = (response: Awaited<ReturnType<typeof register>>) => {
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ type: 'permission_error', code: 'permission_denied' });
    expect(response.text).not.toContain('accessToken');
  };

  beforeAll(async () => {
    // The harness opens registration for the other files; unset, the default applies.
    app = await startTestApp({ env: { REGISTRATION: undefined } });
    client = httpClient(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lets exactly one of several concurrent first registrations in, as the admin', async () => {
    expect((await client.get('/auth/registration')).body).toEqual({ mode: 'invite', firstAccount: true });
    const emails = Array.from({ length: 4 }, () => uniqueEmail('first'));
    const results = await Promise.all(emails.map((email) => register(email)));
    const created = results.filter((result) => result.status === 201);
    expect(created).toHaveLength(1);
    expect(created[0]!.body.user.role).toBe('admin');
    for (const refused of results.filter((result) => result.status !== 201)) expectRefused(refused);
    adminToken = created[0]!.body.accessToken;
    expect(await app.sql(`SELECT role FROM users`)).toEqual([{ role: 'admin' }]);
    expect((await client.get('/auth/registration')).body).toEqual({ mode: 'invite', firstAccount: false });
  });

  it('refuses a registration without, or with a made-up, invitation', async () => {
    expectRefused(await register(uniqueEmail('uninvited')));
    expectRefused(await register(uniqueEmail('forger'), 'inv_made-up-token'));
    expectRefused(await register(uniqueEmail('forger'), ''));
  });

  it('rejects a malformed invitation field with 400', async () => {
    for (const invitation of [123, 'x'.repeat(201), ['inv_a']]) {
      const response = await client.post('/auth/register', { email: uniqueEmail(), password: PASSWORD, invitation });
      expect(response.status).toBe(400);
      expect(response.body.error.param).toBe('invitation');
    }
  });

  it('an invitation works once: 201 {token, url, expiresAt}, only its hash stored, listed without the token', async () => {
    const before = Date.now();
    const invitation = await invite({ expiresInHours: 2 });
    expect(invitation.token).toMatch(/^inv_[A-Za-z0-9_-]{40,}$/);
    expect(invitation.url).toBe(`${app.url}/register?invitation=${invitation.token}`);
    const expiresAt = Date.parse(invitation.expiresAt);
    expect(expiresAt - before).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(expiresAt - before).toBeLessThan(2 * 3600_000 + 60_000);
    const stored = JSON.stringify(await app.sql('SELECT * FROM invitations'));
    expect(stored).not.toContain(invitation.token);
    expect(stored).not.toContain(invitation.token.slice(4, 20));

    const listed = await client.get('/admin/invitations', adminToken);
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(invitation.token);
    expect(listed.body).toContainEqual({ id: expect.any(String), email: null, createdAt: expect.any(String), expiresAt: invitation.expiresAt });

    const used = await register(uniqueEmail('invited'), invitation.token);
    expect(used.status).toBe(201);
    expect(used.body.user.role).toBe('user');
    expectRefused(await register(uniqueEmail('second-use'), invitation.token));
    expect((await client.get('/admin/invitations', adminToken)).body.map((item: { expiresAt: string }) => item.expiresAt)).not.toContain(invitation.expiresAt);
  });

  it('an invitation bound to an email works only for that email (any case)', async () => {
    const email = uniqueEmail('Bound');
    const invitation = await invite({ email });
    expectRefused(await register(uniqueEmail('thief'), invitation.token));
    expect((await register(email.toUpperCase(), invitation.token)).status).toBe(201);
  });

  it('refuses an expired invitation', async () => {
    const invitation = await invite();
    const listed = (await client.get('/admin/invitations', adminToken)).body as Array<{ id: string; expiresAt: string }>;
    const id = listed.find((item) => item.expiresAt === invitation.expiresAt)!.id;
    await app.sql(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expectRefused(await register(uniqueEmail('late'), invitation.token));
  });

  it('a revoked invitation stops working and leaves the list; revoking again is 404', async () => {
    const invitation = await invite();
    const listed = (await client.get('/admin/invitations', adminToken)).body as Array<{ id: string; expiresAt: string }>;
    const id = listed.find((item) => item.expiresAt === invitation.expiresAt)!.id;
    expect((await client.delete(`/admin/invitations/${id}`, adminToken)).status).toBe(204);
    expectRefused(await register(uniqueEmail('revoked'), invitation.token));
    expect((await client.get('/admin/invitations', adminToken)).body.map((item: { id: string }) => item.id)).not.toContain(id);
    expect((await client.delete(`/admin/invitations/${id}`, adminToken)).status).toBe(404);
    expect((await client.delete('/admin/invitations/not-a-uuid', adminToken)).status).toBe(404);
  });

  it('one token used by several registrations at once: exactly one wins', async () => {
    const invitation = await invite();
    const results = await Promise.all(Array.from({ length: 5 }, () => register(uniqueEmail('racer'), invitation.token)));
    expect(results.filter((result) => result.status === 201)).toHaveLength(1);
    for (const refused of results.filter((result) => result.status !== 201)) expectRefused(refused);
  });

  it('a registration that fails (taken email) does not use up the invitation', async () => {
    const taken = uniqueEmail('taken');
    expect((await register(taken, (await invite()).token)).status).toBe(201);
    const invitation = await invite();
    expect((await register(taken, invitation.token)).status).toBe(409);
    expect((await register(uniqueEmail('retry'), invitation.token)).status).toBe(201);
  });

  it.each([{ expiresInHours: 0 }, { expiresInHours: 721 }, { expiresInHours: 1.5 }, { email: 'not-an-email' }, { role: 'admin' }])('rejects the invitation body %j with 400', async (body) => {
    const response = await client.post('/admin/invitations', body, adminToken);
    expect(response.status).toBe(400);
  });
  it("a team invitation (§9) lets its invitee — and only that email — register, joining the team in the same transaction", async () => {
    const teamId = (await client.post('/admin/teams', { name: 'Invited team' }, adminToken)).body.id as string;
    const email = uniqueEmail('team-invitee');
    const invitation = await client.post(`/admin/teams/${teamId}/invitations`, { email, role: 'admin' }, adminToken);
    expect(invitation.status).toBe(201);
    const token = invitation.body.token as string;

    const someoneElse = await register(uniqueEmail('not-invited'), token);
    expectRefused(someoneElse);
    expect(someoneElse.text).not.toContain(teamId);
    expectRefused(await register(email, `${token}x`));

    const registered = await register(email.toUpperCase(), token);
    expect(registered.status).toBe(201);
    expect(registered.body.user.role).toBe('user');
    const teams = await client.get('/admin/teams', registered.body.accessToken);
    expect(teams.body).toEqual([{ id: teamId, name: 'Invited team', role: 'admin', memberCount: 2, createdAt: expect.any(String) }]);
    // Single use: neither a second registration nor an accept gets in with it.
    expectRefused(await register(uniqueEmail('again'), token));
    expect((await client.post(`/admin/invitations/${token}/accept`, undefined, registered.body.accessToken)).status).toBe(404);
    const [row] = await app.sql<{ used_by: string }>('SELECT used_by FROM team_invitations WHERE team_id = $1', [teamId]);
    expect(row!.used_by).toBe(registered.body.user.id);
  });
});

describe(`registration under REGISTRATION=closed (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    app = await startTestApp({ env: { REGISTRATION: 'closed', REGISTRATION_MAX_PER_IP: '4', PUBLIC_URL: 'https://gateway.example.com/' } });
    client = httpClient(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lets the first account in, then no one (even with an invitation), and limits attempts per IP', async () => {
    expect((await client.get('/auth/registration')).body).toEqual({ mode: 'closed', firstAccount: true });
    const first = await client.post('/auth/register', { email: uniqueEmail('owner'), password: PASSWORD });
    expect(first.status).toBe(201);
    expect(first.body.user.role).toBe('admin');

    const invitation = await client.post('/admin/invitations', {}, first.body.accessToken);
    // PUBLIC_URL (trailing slash trimmed) rather than the request's origin.
    expect(invitation.body.url).toBe(`https://gateway.example.com/register?invitation=${invitation.body.token}`);
    for (const body of [{}, { invitation: invitation.body.token }]) {
      const refused = await client.post('/auth/register', { email: uniqueEmail('late'), password: PASSWORD, ...body });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/closed/);
    }
    // Four attempts from this IP so far (REGISTRATION_MAX_PER_IP=4): the fifth is refused before anything else.
    await client.post('/auth/register', { email: uniqueEmail('late'), password: PASSWORD });
    const limited = await client.post('/auth/register', { email: uniqueEmail('late'), password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body.error.type).toBe('rate_limit_error');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
