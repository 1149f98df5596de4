import { startStandIns, type StandIns } from '@uniroute/provider-stand-ins';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_KEYS, USER_KEYS } from './support/gateway-with-stand-ins.js';
import { createDatabase, ensureBuilt, postgresUnavailable, productionEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { httpClient, uniqueEmail } from './support/http.js';

/**
 * §9 revocation across replicas: two gateway processes on one PostgreSQL database. Traffic with a
 * member's team API key runs on B while the member is removed through A: no request that B starts
 * more than a second after the removal answered is served on the old membership. The same for a
 * team key deactivated or deleted, and for the team deleted.
 */
const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`teams-replicas.e2e-spec: skipped: ${unavailable}`);

const PROPAGATION_LIMIT_MS = 1_000;
const PASSWORD = 'correct horse battery staple';
const ask = { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }] };

type Client = ReturnType<typeof httpClient>;

/** One request's start time and answer. */
interface Served {
  startedAt: number;
  status: number;
  keySource: string | null;
}

/** Sends requests back to back on `client` with `apiKey` until `stop()`; every answer with its start time. */
function traffic(client: Client, apiKey: string) {
  const served: Served[] = [];
  let running = true;
  const loops = [0, 1].map(async () => {
    while (running) {
      const startedAt = Date.now();
      const response = await client.post('/v1/chat/completions', ask, apiKey);
      served.push({ startedAt, status: response.status, keySource: response.headers.get('x-uniroute-key-source') });
    }
  });
  return {
    served,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe.skipIf(unavailable !== undefined)('§9 teams on two replicas on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let standIns: StandIns;
  let replicaA: GatewayProcess;
  let replicaB: GatewayProcess;

  beforeAll(async () => {
    await ensureBuilt();
    database = await createDatabase('teams_replicas');
    standIns = await startStandIns({ port: 0 });
    const env = productionEnv(database.url, {
      OPENAI_BASE_URL: standIns.baseUrls.openai,
      ANTHROPIC_BASE_URL: standIns.baseUrls.anthropic,
      GOOGLE_BASE_URL: standIns.baseUrls.google,
      ANTHROPIC_API_KEY: SERVER_KEYS.anthropic,
    });
    [replicaA, replicaB] = await Promise.all([startGatewayProcess(env, 120_000), startGatewayProcess(env, 120_000)]);
    // The first account is the gateway's admin (§12); the team tests use later ones.
    await httpClient(replicaA.url).post('/auth/register', { email: uniqueEmail('admin'), password: PASSWORD });
  }, 300_000);
  afterAll(async () => {
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await standIns?.close();
    await database?.drop();
  });

  async function register(client: Client) {
    const response = await client.post('/auth/register', { email: uniqueEmail('team'), password: PASSWORD });
    expect(response.status).toBe(201);
    return { email: response.body.user.email as string, token: response.body.accessToken as string, userId: response.body.user.id as string };
  }

  /** A team (owner + member) with a team Anthropic key, both with a team API key. */
  async function team(a: Client) {
    const owner = await register(a);
    const member = await register(a);
    const teamId: string = (await a.post('/admin/teams', { name: 'Replicated' }, owner.token)).body.id;
    const invitation = await a.post(`/admin/teams/${teamId}/invitations`, { email: member.email, role: 'member' }, owner.token);
    expect((await a.post(`/admin/invitations/${invitation.body.token}/accept`, undefined, member.token)).status).toBe(200);
    expect((await a.post(`/admin/teams/${teamId}/provider-keys`, { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, owner.token)).status).toBe(201);
    const memberKey: string = (await a.post('/admin/api-keys', { name: 'm', teamId }, member.token)).body.key;
    const ownerKey: string = (await a.post('/admin/api-keys', { name: 'o', teamId }, owner.token)).body.key;
    return { owner, member, teamId, memberKey, ownerKey };
  }

  /** Asserts that nothing B started more than a second after `changedAt` was served as before. */
  function assertNoneServedAfter(served: Served[], changedAt: number, stillServed: (answer: Served) => boolean): void {
    const late = served.filter((answer) => answer.startedAt > changedAt + PROPAGATION_LIMIT_MS && stillServed(answer));
    expect(late).toEqual([]);
    // The traffic really ran past the limit, and was served before the change.
    expect(served.some((answer) => answer.startedAt > changedAt + PROPAGATION_LIMIT_MS)).toBe(true);
    expect(served.some((answer) => answer.startedAt < changedAt && stillServed(answer))).toBe(true);
  }

  it("removing a member through A stops their team API key on B, under traffic, within a second; the owner's keeps working", async () => {
    const a = httpClient(replicaA.url);
    const b = httpClient(replicaB.url);
    const { owner, member, teamId, memberKey, ownerKey } = await team(a);
    // B has the member's team key and the team's credential cached.
    expect((await b.post('/v1/chat/completions', ask, memberKey)).headers.get('x-uniroute-key-source')).toBe('team');
    const load = traffic(b, memberKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await a.delete(`/admin/teams/${teamId}/members/${member.userId}`, owner.token)).status).toBe(204);
    const removedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, PROPAGATION_LIMIT_MS + 500));
    await load.stop();
    assertNoneServedAfter(load.served, removedAt, (answer) => answer.status === 200);
    expect(load.served.at(-1)!.status).toBe(401);
    expect((await b.post('/v1/chat/completions', ask, ownerKey)).status).toBe(200);
  });

  it("a team key switched off, then deleted, through A is no longer used on B within a second; deleting the team ends its API keys on B", async () => {
    const a = httpClient(replicaA.url);
    const b = httpClient(replicaB.url);
    const { owner, teamId, ownerKey } = await team(a);
    expect((await b.post('/v1/chat/completions', ask, ownerKey)).headers.get('x-uniroute-key-source')).toBe('team');

    let load = traffic(b, ownerKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await a.put(`/admin/teams/${teamId}/provider-keys/anthropic`, { isActive: false }, owner.token)).status).toBe(200);
    let changedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, PROPAGATION_LIMIT_MS + 500));
    await load.stop();
    assertNoneServedAfter(load.served, changedAt, (answer) => answer.keySource === 'team');
    expect(load.served.at(-1)).toMatchObject({ status: 200, keySource: 'server' });

    expect((await a.put(`/admin/teams/${teamId}/provider-keys/anthropic`, { isActive: true, fallbackPolicy: 'byok_only' }, owner.token)).status).toBe(200);
    expect((await b.post('/v1/chat/completions', ask, ownerKey)).status).toBe(200);
    load = traffic(b, ownerKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await a.delete(`/admin/teams/${teamId}/provider-keys/anthropic`, owner.token)).status).toBe(204);
    changedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, PROPAGATION_LIMIT_MS + 500));
    await load.stop();
    assertNoneServedAfter(load.served, changedAt, (answer) => answer.status === 200);

    expect((await a.put(`/admin/teams/${teamId}/provider-keys/anthropic`, { fallbackPolicy: 'byok_then_server' }, owner.token)).status).toBe(200);
    expect((await b.post('/v1/chat/completions', ask, ownerKey)).status).toBe(200);
    load = traffic(b, ownerKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await a.delete(`/admin/teams/${teamId}`, owner.token)).status).toBe(204);
    changedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, PROPAGATION_LIMIT_MS + 500));
    await load.stop();
    assertNoneServedAfter(load.served, changedAt, (answer) => answer.status === 200);
    expect(load.served.at(-1)!.status).toBe(401);
  });
});
