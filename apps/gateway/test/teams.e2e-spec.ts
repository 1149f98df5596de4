import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_KEYS, startGatewayWithStandIns, USER_KEYS, type Harness } from './support/gateway-with-stand-ins.js';
import { registerUser, uniqueEmail } from './support/http.js';
import { DATABASE_KIND } from './support/test-app.js';

/**
 * CONTRACT §9 as a stranger with a free account and a script sees it: every team route × owner, admin,
 * member, non-member and removed member; a canary team key that only the provider stand-in may ever see;
 * who pays decided by the API key; revocation at once.
 */
const CANARY = 'sk-ant-team-canary-Vq73Lm0Px4Rt';
const ask = { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'Who pays?' }] };
const NIL_TEAM = '00000000-0000-4000-8000-000000000000';

type User = { email: string; token: string; userId: string };
type Role = 'owner' | 'admin' | 'member' | 'stranger' | 'removed';
const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'stranger', 'removed'];

describe(`§9 teams (${DATABASE_KIND})`, () => {
  let harness: Harness;
  const responses: string[] = [];

  beforeAll(async () => {
    harness = await startGatewayWithStandIns();
    harness.standIns.setKeys('anthropic', [SERVER_KEYS.anthropic, USER_KEYS.anthropic, CANARY]);
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** Every call goes through here, so the canary scan sees every answer the gateway gave. */
  async function call(method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>) {
    const response = await harness.client.call(method, path, { token, body, headers });
    responses.push(response.text, JSON.stringify([...response.headers]));
    return response;
  }

  async function invite(teamId: string, by: User, email: string, role: 'admin' | 'member' = 'member') {
    const response = await call('POST', `/admin/teams/${teamId}/invitations`, by.token, { email, role });
    expect(response.status).toBe(201);
    return response.body as { id: string; token: string; expiresAt: string; url: string };
  }

  async function join(teamId: string, by: User, role: 'admin' | 'member' = 'member'): Promise<User> {
    const user = await registerUser(harness.client);
    const { token } = await invite(teamId, by, user.email, role);
    const accepted = await call('POST', `/admin/invitations/${token}/accept`, user.token);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ teamId, role });
    return user;
  }

  async function apiKey(user: User, teamId?: string): Promise<string> {
    const created = await call('POST', '/admin/api-keys', user.token, { name: teamId ? 'team' : 'personal', ...(teamId ? { teamId } : {}) });
    expect(created.status).toBe(201);
    expect(created.body.teamId).toBe(teamId ?? null);
    return created.body.key;
  }

  async function chat(key: string, extra: Record<string, string> = {}) {
    return call('POST', '/v1/chat/completions', undefined, ask, { authorization: `Bearer ${key}`, ...extra });
  }

  /** A team with one user in each role, and one who was a member and was removed. */
  async function teamOfFive() {
    const owner = await registerUser(harness.client);
    const created = await call('POST', '/admin/teams', owner.token, { name: '  Platform  ' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Platform', role: 'owner', createdAt: expect.any(String) });
    const teamId: string = created.body.id;
    const admin = await join(teamId, owner, 'admin');
    const member = await join(teamId, admin, 'member');
    const removed = await join(teamId, owner, 'member');
    expect((await call('DELETE', `/admin/teams/${teamId}/members/${removed.userId}`, admin.token)).status).toBe(204);
    const stranger = await registerUser(harness.client);
    return { teamId, users: { owner, admin, member, stranger, removed } as Record<Role, User> };
  }

  it('answers every team route by role: non-members and removed members 404, members cannot write', async () => {
    const { teamId, users } = await teamOfFive();
    expect((await call('POST', `/admin/teams/${teamId}/provider-keys`, users.owner.token, { provider: 'anthropic', apiKey: CANARY })).status).toBe(201);
    const base = `/admin/teams/${teamId}`;
    const read = { owner: 200, admin: 200, member: 200, stranger: 404, removed: 404 };
    const write = { owner: 200, admin: 200, member: 403, stranger: 404, removed: 404 };
    const created = { ...write, owner: 201, admin: 201 };
    const noContent = { ...write, owner: 204, admin: 204 };
    type Case = { name: string; expect: Record<Role, number>; run: (user: User, role: Role) => Promise<{ status: number; body: any }> };
    const cases: Case[] = [
      { name: 'GET team', expect: read, run: (user) => call('GET', base, user.token) },
      { name: 'PATCH team', expect: write, run: (user) => call('PATCH', base, user.token, { name: 'Renamed' }) },
      { name: 'GET members', expect: read, run: (user) => call('GET', `${base}/members`, user.token) },
      { name: 'POST invitation', expect: created, run: (user) => call('POST', `${base}/invitations`, user.token, { email: uniqueEmail('inv'), role: 'member' }) },
      { name: 'GET invitations', expect: write, run: (user) => call('GET', `${base}/invitations`, user.token) },
      {
        name: 'DELETE invitation',
        expect: noContent,
        run: async (user) => call('DELETE', `${base}/invitations/${(await invite(teamId, users.owner, uniqueEmail('x'))).id}`, user.token),
      },
      { name: 'PATCH member role', expect: write, run: (user) => call('PATCH', `${base}/members/${users.member.userId}`, user.token, { role: 'member' }) },
      { name: 'DELETE another member', expect: { ...noContent, owner: 404, admin: 404 }, run: (user) => call('DELETE', `${base}/members/${NIL_TEAM}`, user.token) },
      { name: 'GET provider keys', expect: read, run: (user) => call('GET', `${base}/provider-keys`, user.token) },
      { name: 'GET provider key', expect: read, run: (user) => call('GET', `${base}/provider-keys/anthropic`, user.token) },
      { name: 'POST provider key', expect: { ...created, owner: 409, admin: 409 }, run: (user) => call('POST', `${base}/provider-keys`, user.token, { provider: 'anthropic', apiKey: 'sk-ant-other-0000' }) },
      { name: 'PUT provider key policy', expect: write, run: (user) => call('PUT', `${base}/provider-keys/anthropic`, user.token, { fallbackPolicy: 'byok_then_server' }) },
      { name: 'DELETE provider key', expect: { ...noContent, owner: 404, admin: 404 }, run: (user) => call('DELETE', `${base}/provider-keys/google`, user.token) },
      { name: 'POST provider key test', expect: write, run: (user) => call('POST', `${base}/provider-keys/anthropic/test`, user.token) },
      { name: 'POST team API key', expect: { ...created, member: 201 }, run: (user) => call('POST', '/admin/api-keys', user.token, { name: 'k', teamId }) },
      { name: 'DELETE team', expect: { owner: 0, admin: 403, member: 403, stranger: 404, removed: 404 }, run: (user) => call('DELETE', base, user.token) },
    ];
    for (const testCase of cases) {
      for (const role of ROLES) {
        if (testCase.expect[role] === 0) continue;
        const response = await testCase.run(users[role], role);
        expect({ route: testCase.name, role, status: response.status }).toEqual({ route: testCase.name, role, status: testCase.expect[role] });
        if (response.status === 404 && (role === 'stranger' || role === 'removed')) {
          // Exactly what a team that does not exist answers: nothing about this one.
          expect(response.body.error).toMatchObject({ type: 'not_found_error', code: 'not_found' });
          expect(JSON.stringify(response.body)).not.toContain('Renamed');
        }
        if (response.status === 403) expect(response.body.error).toMatchObject({ type: 'permission_error' });
      }
    }
    // A team that does not exist and a malformed id: the same 404 a stranger gets.
    const stranger = users.stranger.token;
    for (const path of [`/admin/teams/${NIL_TEAM}`, '/admin/teams/not-a-uuid', `/admin/teams/${NIL_TEAM}/provider-keys`]) {
      const response = await call('GET', path, stranger);
      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe((await call('GET', `/admin/teams/${teamId}`, stranger)).body.error.message);
    }
    // Members read the key masked, never more.
    const masked = await call('GET', `${base}/provider-keys/anthropic`, users.member.token);
    expect(masked.body).toMatchObject({ maskedKey: `••••••••${CANARY.slice(-4)}`, last4: CANARY.slice(-4), encrypted: true });
    // The stranger's list of teams and the removed member's are empty.
    expect((await call('GET', '/admin/teams', users.stranger.token)).body).toEqual([]);
    expect((await call('GET', '/admin/teams', users.removed.token)).body).toEqual([]);
    expect((await call('GET', '/admin/teams', users.member.token)).body).toEqual([{ id: teamId, name: 'Renamed', role: 'member', memberCount: 3, createdAt: expect.any(String) }]);
    // The owner deletes it; everything under it is gone for everyone.
    expect((await call('DELETE', base, users.owner.token)).status).toBe(204);
    expect((await call('GET', base, users.owner.token)).status).toBe(404);
    expect(await harness.app.sql('SELECT 1 FROM user_provider_keys WHERE team_id = $1', [teamId])).toEqual([]);
  });

  it('leaving, the last owner, ownership transfer and role rules', async () => {
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'T' })).body.id;
    const admin = await join(teamId, owner, 'admin');
    const member = await join(teamId, owner, 'member');
    const base = `/admin/teams/${teamId}`;

    const ownerLeaves = await call('DELETE', `${base}/members/${owner.userId}`, owner.token);
    expect(ownerLeaves.status).toBe(409);
    expect(ownerLeaves.body.error.message).toMatch(/transfer ownership/);
    expect((await call('DELETE', `${base}/members/${owner.userId}`, admin.token)).status).toBe(403);
    expect((await call('PATCH', `${base}/members/${owner.userId}`, owner.token, { role: 'admin' })).status).toBe(409);
    // Only the owner transfers; an admin cannot make themself the owner.
    expect((await call('PATCH', `${base}/members/${admin.userId}`, admin.token, { role: 'owner' })).status).toBe(403);
    expect((await call('PATCH', `${base}/members/${member.userId}`, member.token, { role: 'admin' })).status).toBe(403);
    expect((await call('PATCH', `${base}/members/${member.userId}`, owner.token, { role: 'superuser' })).status).toBe(400);

    const transferred = await call('PATCH', `${base}/members/${admin.userId}`, owner.token, { role: 'owner' });
    expect(transferred.status).toBe(200);
    expect(transferred.body).toMatchObject({ userId: admin.userId, role: 'owner' });
    const roles = Object.fromEntries(((await call('GET', `${base}/members`, member.token)).body as Array<{ userId: string; role: string }>).map((m) => [m.userId, m.role]));
    expect(roles).toEqual({ [owner.userId]: 'admin', [admin.userId]: 'owner', [member.userId]: 'member' });
    const [{ owners }] = await harness.app.sql<{ owners: string }>(`SELECT count(*)::text AS owners FROM team_members WHERE team_id = $1 AND role = 'owner'`, [teamId]);
    expect(owners).toBe('1');
    // The former owner is an admin now: can leave; the member leaves too.
    expect((await call('DELETE', `${base}/members/${member.userId}`, member.token)).status).toBe(204);
    expect((await call('DELETE', `${base}/members/${owner.userId}`, owner.token)).status).toBe(204);
    expect((await call('GET', base, owner.token)).status).toBe(404);
    expect((await call('DELETE', base, owner.token)).status).toBe(404);
  });

  it('invitations: single use, email-bound, only the hash stored, never revealing the team', async () => {
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Secret project name' })).body.id;
    const invitee = await registerUser(harness.client);
    const other = await registerUser(harness.client);
    const invitation = await invite(teamId, owner, invitee.email.toUpperCase());
    expect(invitation.token).toMatch(/^tinv_/);
    expect(invitation.url).toContain(encodeURIComponent(invitation.token));
    const stored = JSON.stringify(await harness.app.sql('SELECT * FROM team_invitations WHERE team_id = $1', [teamId]));
    expect(stored).not.toContain(invitation.token);

    const forSomeoneElse = await call('POST', `/admin/invitations/${invitation.token}/accept`, other.token);
    expect(forSomeoneElse.status).toBe(404);
    expect(forSomeoneElse.text).not.toContain(teamId);
    expect(forSomeoneElse.text).not.toContain('Secret project');
    expect((await call('POST', `/admin/invitations/tinv_${'A'.repeat(43)}/accept`, other.token)).body).toEqual(forSomeoneElse.body);
    expect((await call('POST', `/admin/invitations/${invitation.token}/accept`)).status).toBe(401);

    expect((await call('POST', `/admin/invitations/${invitation.token}/accept`, invitee.token)).status).toBe(200);
    expect((await call('POST', `/admin/invitations/${invitation.token}/accept`, invitee.token)).status).toBe(404);
    // Already a member: a second invitation is refused when it is made.
    expect((await call('POST', `/admin/teams/${teamId}/invitations`, owner.token, { email: invitee.email, role: 'member' })).status).toBe(409);
    // An expired one is as good as none.
    const late = await invite(teamId, owner, other.email);
    await harness.app.sql(`UPDATE team_invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [late.id]);
    expect((await call('POST', `/admin/invitations/${late.token}/accept`, other.token)).status).toBe(404);
    // Owner is never granted by invitation; bad input is a 400 in the error shape.
    for (const body of [{ email: other.email, role: 'owner' }, { email: 'not-an-email', role: 'member' }, { role: 'member' }]) {
      const response = await call('POST', `/admin/teams/${teamId}/invitations`, owner.token, body);
      expect(response.status).toBe(400);
      expect(response.body.error.type).toBe('invalid_request_error');
    }
  });

  it('a team of three shares an Anthropic key: who pays is decided by the API key', async () => {
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Sharing' })).body.id;
    const admin = await join(teamId, owner, 'admin');
    const member = await join(teamId, admin, 'member');
    const teamKeyView = await call('POST', `/admin/teams/${teamId}/provider-keys`, admin.token, { provider: 'anthropic', apiKey: CANARY });
    expect(teamKeyView.status).toBe(201);
    const teamKeyId: string = teamKeyView.body.id;
    // The member has a personal Anthropic key of their own.
    expect((await call('POST', '/admin/provider-keys', member.token, { provider: 'anthropic', apiKey: USER_KEYS.anthropic })).status).toBe(201);
    const lastKey = () => harness.standIns.keysSeen('anthropic').at(-1);

    for (const user of [owner, admin, member]) {
      const response = await chat(await apiKey(user, teamId));
      expect(response.status).toBe(200);
      expect(response.headers.get('x-uniroute-key-source')).toBe('team');
      expect(response.headers.get('x-uniroute-team-id')).toBe(teamId);
      expect(response.headers.get('x-uniroute-key-id')).toBe(teamKeyId);
      expect(lastKey()).toBe(CANARY);
    }
    const stream = await call('POST', '/v1/chat/completions', undefined, { ...ask, stream: true }, { authorization: `Bearer ${await apiKey(member, teamId)}` });
    expect(stream.headers.get('x-uniroute-key-source')).toBe('team');
    expect(stream.text).toContain('[DONE]');

    // A personal key never uses the team's key: the member's own, else (the owner has none) the server's.
    const personal = await chat(await apiKey(member));
    expect(personal.headers.get('x-uniroute-key-source')).toBe('user');
    expect(personal.headers.get('x-uniroute-team-id')).toBeNull();
    expect(lastKey()).toBe(USER_KEYS.anthropic);
    const ownerPersonal = await chat(await apiKey(owner));
    expect(ownerPersonal.headers.get('x-uniroute-key-source')).toBe('server');
    expect(lastKey()).toBe(SERVER_KEYS.anthropic);

    // Switched off: the team's requests fall back to the server key per the team's policy — never the member's own key.
    const memberTeamKey = await apiKey(member, teamId);
    expect((await call('PUT', `/admin/teams/${teamId}/provider-keys/anthropic`, admin.token, { isActive: false })).status).toBe(200);
    const serverForTeam = await chat(memberTeamKey);
    expect(serverForTeam.headers.get('x-uniroute-key-source')).toBe('server');
    expect(serverForTeam.headers.get('x-uniroute-team-id')).toBe(teamId);
    expect(lastKey()).toBe(SERVER_KEYS.anthropic);
    // The team's policy byok_only: no server key, and still not the member's personal key.
    expect((await call('PUT', `/admin/teams/${teamId}/provider-keys/anthropic`, admin.token, { fallbackPolicy: 'byok_only' })).status).toBe(200);
    const refused = await chat(memberTeamKey);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/team/);
    expect(refused.body.error.message).toMatch(/never your own/);
    // The member's personal policy is theirs: it never applies to the team key.
    expect((await chat(await apiKey(member))).headers.get('x-uniroute-key-source')).toBe('user');
    // Back on, deleted: gone at once.
    expect((await call('PUT', `/admin/teams/${teamId}/provider-keys/anthropic`, admin.token, { isActive: true })).status).toBe(200);
    expect((await chat(memberTeamKey)).headers.get('x-uniroute-key-source')).toBe('team');
    expect((await call('DELETE', `/admin/teams/${teamId}/provider-keys/anthropic`, owner.token)).status).toBe(204);
    expect((await chat(memberTeamKey)).status).toBe(401);
    expect((await call('PUT', `/admin/teams/${teamId}/provider-keys/anthropic`, admin.token, { fallbackPolicy: 'byok_then_server' })).status).toBe(200);
    expect((await chat(memberTeamKey)).headers.get('x-uniroute-key-source')).toBe('server');

    // /v1/models with a team key names the team too.
    const models = await call('GET', '/v1/models', undefined, undefined, { authorization: `Bearer ${memberTeamKey}` });
    expect(models.status).toBe(200);
    expect(models.headers.get('x-uniroute-team-id')).toBe(teamId);

    // A non-member cannot mint a key for the team: the same 404 as a team that does not exist.
    const outsider = await registerUser(harness.client);
    const minted = await call('POST', '/admin/api-keys', outsider.token, { name: 'x', teamId });
    expect(minted.status).toBe(404);
    expect((await call('POST', '/admin/api-keys', outsider.token, { name: 'x', teamId: NIL_TEAM })).body).toEqual(minted.body);
    expect((await call('POST', '/admin/api-keys', outsider.token, { name: 'x', teamId: 'nope' })).status).toBe(400);
  });

  it('the native Anthropic route and embeddings use the team key for a team API key, with the same headers', async () => {
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Native' })).body.id;
    const anthropicKeyId: string = (await call('POST', `${base(teamId)}/provider-keys`, owner.token, { provider: 'anthropic', apiKey: CANARY })).body.id;
    const openaiKeyId: string = (await call('POST', `${base(teamId)}/provider-keys`, owner.token, { provider: 'openai', apiKey: USER_KEYS.openai })).body.id;
    const key = await apiKey(owner, teamId);

    const native = await call('POST', '/anthropic/v1/messages', undefined, { model: 'claude-3-5-haiku-latest', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }, {
      'x-api-key': key,
      'anthropic-version': '2023-06-01',
    });
    expect(native.status).toBe(200);
    expect(native.headers.get('x-uniroute-key-source')).toBe('team');
    expect(native.headers.get('x-uniroute-team-id')).toBe(teamId);
    expect(native.headers.get('x-uniroute-key-id')).toBe(anthropicKeyId);
    expect(harness.standIns.keysSeen('anthropic').at(-1)).toBe(CANARY);

    const embeddings = await call('POST', '/v1/embeddings', undefined, { model: 'text-embedding-3-small', input: 'hi' }, { authorization: `Bearer ${key}` });
    expect(embeddings.status).toBe(200);
    expect(embeddings.headers.get('x-uniroute-key-source')).toBe('team');
    expect(embeddings.headers.get('x-uniroute-team-id')).toBe(teamId);
    expect(embeddings.headers.get('x-uniroute-key-id')).toBe(openaiKeyId);
    expect(harness.standIns.keysSeen('openai').at(-1)).toBe(USER_KEYS.openai);
  });

  it("a removed member's team API keys stop at once; the team's own survive; deleting the team ends them all", async () => {
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Revocation' })).body.id;
    const member = await join(teamId, owner);
    const memberKey = await apiKey(member, teamId);
    const ownerKey = await apiKey(owner, teamId);
    expect((await chat(memberKey)).status).toBe(200);
    expect((await call('DELETE', `/admin/teams/${teamId}/members/${member.userId}`, owner.token)).status).toBe(204);
    expect((await chat(memberKey)).status).toBe(401);
    expect((await chat(ownerKey)).status).toBe(200);
    const [row] = await harness.app.sql<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE team_id = $1 AND user_id = $2', [teamId, member.userId]);
    expect(row!.revoked_at).not.toBeNull();
    // Invited again, the old key stays revoked.
    const again = await invite(teamId, owner, member.email);
    expect((await call('POST', `/admin/invitations/${again.token}/accept`, member.token)).status).toBe(200);
    expect((await chat(memberKey)).status).toBe(401);
    // Deleting the team ends every team API key it had.
    expect((await call('DELETE', base(teamId), owner.token)).status).toBe(204);
    expect((await chat(ownerKey)).status).toBe(401);
  });

  it("an owner's account deleted by a gateway admin: the team passes to its longest-standing admin; a team alone goes with it", async () => {
    const gatewayAdmin = await registerUser(harness.client);
    // Made a gateway admin before its first authenticated call (no cached principal yet).
    await harness.app.sql(`UPDATE users SET role = 'admin' WHERE id = $1`, [gatewayAdmin.userId]);
    const owner = await registerUser(harness.client);
    const shared: string = (await call('POST', '/admin/teams', owner.token, { name: 'Inherited' })).body.id;
    const alone: string = (await call('POST', '/admin/teams', owner.token, { name: 'Alone' })).body.id;
    const member = await join(shared, owner, 'member');
    const admin = await join(shared, owner, 'admin');
    expect((await call('DELETE', `/admin/users/${owner.userId}`, gatewayAdmin.token)).status).toBe(204);
    const members = (await call('GET', `${base(shared)}/members`, member.token)).body as Array<{ userId: string; role: string }>;
    expect(Object.fromEntries(members.map((m) => [m.userId, m.role]))).toEqual({ [admin.userId]: 'owner', [member.userId]: 'member' });
    expect(await harness.app.sql('SELECT id FROM teams WHERE id = $1', [alone])).toEqual([]);
    // The heir really owns it: can transfer and delete.
    expect((await call('DELETE', base(shared), admin.token)).status).toBe(204);
  });

  it('every team action is in the audit log of the team admins, not of members or strangers', async () => {
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Audited' })).body.id;
    const admin = await join(teamId, owner, 'admin');
    const member = await join(teamId, admin);
    await call('PATCH', base(teamId), admin.token, { name: 'Audited 2' });
    await call('POST', `${base(teamId)}/provider-keys`, admin.token, { provider: 'anthropic', apiKey: CANARY });
    await call('PATCH', `${base(teamId)}/members/${member.userId}`, admin.token, { role: 'member' });
    await apiKey(member, teamId);
    await apiKey(member, teamId);
    const memberKeys = (await call('GET', '/admin/api-keys', member.token)).body as Array<{ id: string; teamId: string | null }>;
    expect((await call('DELETE', `/admin/api-keys/${memberKeys.find((key) => key.teamId === teamId)!.id}`, member.token)).status).toBe(204);
    const extra = await join(teamId, owner);
    await call('DELETE', `${base(teamId)}/members/${extra.userId}`, admin.token);
    await call('PATCH', `${base(teamId)}/members/${admin.userId}`, owner.token, { role: 'owner' });
    const actions = async (user: User) => {
      const page = await call('GET', '/admin/audit?limit=200', user.token);
      expect(page.status).toBe(200);
      return (page.body.events as Array<{ action: string; teamId?: string | null }>).filter((event) => event.teamId === teamId).map((event) => event.action);
    };
    await expect.poll(async () => (await actions(owner)).length, { timeout: 8_000, interval: 250 }).toBeGreaterThanOrEqual(13);
    expect(new Set(await actions(owner))).toEqual(
      new Set([
        'team.created',
        'team.member_invited',
        'team.member_joined',
        'team.renamed',
        'provider_key.created',
        'api_key.created',
        'api_key.revoked',
        'team.member_removed',
        'team.ownership_transferred',
      ]),
    );
    expect(await actions(admin)).toEqual(await actions(owner));
    // A member sees only their own events; a stranger nothing of the team.
    expect(new Set(await actions(member))).toEqual(new Set(['team.member_joined', 'api_key.created', 'api_key.revoked']));
    expect(await actions(await registerUser(harness.client))).toEqual([]);
  });

  it("a team key's ciphertext copied to a user's row or another team's does not decrypt there", async () => {
    const owner = await registerUser(harness.client);
    const teamA: string = (await call('POST', '/admin/teams', owner.token, { name: 'A' })).body.id;
    const teamB: string = (await call('POST', '/admin/teams', owner.token, { name: 'B' })).body.id;
    expect((await call('POST', `${base(teamA)}/provider-keys`, owner.token, { provider: 'anthropic', apiKey: CANARY })).status).toBe(201);
    expect((await call('POST', `${base(teamB)}/provider-keys`, owner.token, { provider: 'anthropic', apiKey: USER_KEYS.anthropic })).status).toBe(201);
    expect((await call('POST', '/admin/provider-keys', owner.token, { provider: 'anthropic', apiKey: USER_KEYS.anthropic })).status).toBe(201);
    const copy = `UPDATE user_provider_keys SET api_key_encrypted = source.api_key_encrypted, key_version = source.key_version
                    FROM (SELECT api_key_encrypted, key_version FROM user_provider_keys WHERE team_id = $1 AND provider = 'anthropic') AS source
                   WHERE user_provider_keys.provider = 'anthropic' AND (user_provider_keys.user_id = $2 OR user_provider_keys.team_id = $3)`;
    await harness.app.sql(copy, [teamA, owner.userId, teamB]);
    expect((await call('GET', '/admin/provider-keys/anthropic', owner.token)).body.usable).toBe(false);
    expect((await call('GET', `${base(teamB)}/provider-keys/anthropic`, owner.token)).body.usable).toBe(false);
    expect((await call('GET', `${base(teamA)}/provider-keys/anthropic`, owner.token)).body.usable).toBe(true);
    const unusable = await chat(await apiKey(owner, teamB));
    expect(unusable.status).toBe(401);
    expect(unusable.body.error).toMatchObject({ code: 'provider_key_unusable' });
    expect(unusable.body.error.message).toMatch(/team admin/);
  });

  // Before, an invitation outlived its creator's rights: an admin about to be removed could invite a second account of
  // theirs as admin and, once removed, accept it — back in, with the team's keys, whatever the owner did.
  it("a removed or demoted admin's open invitations stop working; the owner's still do", async () => {
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Backdoor' })).body.id;
    const rogue = await join(teamId, owner, 'admin');
    const demoted = await join(teamId, owner, 'admin');
    const [alt, otherAlt, hire] = [await registerUser(harness.client), await registerUser(harness.client), await registerUser(harness.client)];
    const backdoor = await invite(teamId, rogue, alt.email, 'admin');
    const second = await invite(teamId, demoted, otherAlt.email, 'admin');
    const legit = await invite(teamId, owner, hire.email, 'member');
    expect((await call('GET', `${base(teamId)}/invitations`, owner.token)).body).toHaveLength(3);

    expect((await call('DELETE', `${base(teamId)}/members/${rogue.userId}`, owner.token)).status).toBe(204);
    expect((await call('PATCH', `${base(teamId)}/members/${demoted.userId}`, owner.token, { role: 'member' })).status).toBe(200);

    for (const [invitation, user] of [[backdoor, alt], [second, otherAlt]] as const) {
      expect((await call('POST', `/admin/invitations/${invitation.token}/accept`, user.token)).status).toBe(404);
      expect((await call('GET', base(teamId), user.token)).status).toBe(404);
    }
    expect((await call('GET', `${base(teamId)}/invitations`, owner.token)).body.map((open: { id: string }) => open.id)).toEqual([legit.id]);
    expect((await call('POST', `/admin/invitations/${legit.token}/accept`, hire.token)).status).toBe(200);
  });

  // Disabling an account has to end what it set up: its team invitations would otherwise still admit new accounts
  // (registration included, under REGISTRATION=invite), as admins that can invite more, with no gateway admin the wiser.
  it("a disabled user's open team invitations stop working, for joining and for registering, and stay revoked when it is enabled again", async () => {
    const gatewayAdmin = await registerUser(harness.client);
    await harness.app.sql(`UPDATE users SET role = 'admin' WHERE id = $1`, [gatewayAdmin.userId]);
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Sock farm' })).body.id;
    const sock = await registerUser(harness.client);
    const joining = await invite(teamId, owner, sock.email, 'admin');
    const newcomer = uniqueEmail('sock');
    const registering = await invite(teamId, owner, newcomer, 'admin');

    expect((await call('PATCH', `/admin/users/${owner.userId}`, gatewayAdmin.token, { disabled: true })).status).toBe(200);

    expect((await call('POST', `/admin/invitations/${joining.token}/accept`, sock.token)).status).toBe(404);
    const refused = await call('POST', '/auth/register', undefined, { email: newcomer, password: 'correct horse battery staple', invitation: registering.token });
    expect(refused.status).toBe(403);
    expect(await harness.app.sql('SELECT 1 FROM users WHERE email = $1', [newcomer])).toEqual([]);
    expect(await harness.app.sql('SELECT user_id FROM team_members WHERE team_id = $1', [teamId])).toEqual([{ user_id: owner.userId }]);

    expect((await call('PATCH', `/admin/users/${owner.userId}`, gatewayAdmin.token, { disabled: false })).status).toBe(200);
    expect((await call('POST', `/admin/invitations/${joining.token}/accept`, sock.token)).status).toBe(404);
    expect(await harness.app.sql('SELECT 1 FROM team_invitations WHERE team_id = $1', [teamId])).toEqual([]);
  });

  it('the canary team key is seen only by the provider: no table, log line or response carries it', async () => {
    // Earlier tests stored, used, masked, tested and deleted it; make sure it is stored now too.
    const owner = await registerUser(harness.client);
    const teamId: string = (await call('POST', '/admin/teams', owner.token, { name: 'Canary' })).body.id;
    await call('POST', `${base(teamId)}/provider-keys`, owner.token, { provider: 'anthropic', apiKey: CANARY });
    await call('POST', `${base(teamId)}/provider-keys/anthropic/test`, owner.token);
    await chat(await apiKey(owner, teamId));
    expect(harness.standIns.keysSeen('anthropic')).toContain(CANARY);
    const [{ dump }] = await harness.app.sql<{ dump: string }>(
      `SELECT concat_ws(E'\\n',
         (SELECT coalesce(json_agg(t), '[]')::text FROM user_provider_keys t), (SELECT coalesce(json_agg(t), '[]')::text FROM audit_events t),
         (SELECT coalesce(json_agg(t), '[]')::text FROM teams t), (SELECT coalesce(json_agg(t), '[]')::text FROM team_members t),
         (SELECT coalesce(json_agg(t), '[]')::text FROM team_invitations t), (SELECT coalesce(json_agg(t), '[]')::text FROM api_keys t),
         (SELECT coalesce(json_agg(t), '[]')::text FROM provider_key_policies t)) AS dump`,
    );
    expect(dump).toContain(teamId);
    const everything = [dump, ...harness.app.logs(), ...responses].join('\n');
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(CANARY.slice(0, -4));
  });
});

function base(teamId: string): string {
  return `/admin/teams/${teamId}`;
}
