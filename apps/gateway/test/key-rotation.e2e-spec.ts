import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_STAND_IN_KEYS, startStandIns, type StandIns } from '@uniroute/provider-stand-ins';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_ROOT } from './support/gateway-process.js';
import { httpClient, registerUser } from './support/http.js';
import { createTestDatabase, DATABASE_KIND, startTestApp, TEST_DATABASE_URL, type TestApp } from './support/test-app.js';

const V1 = randomBytes(32).toString('base64');
const V2 = randomBytes(32).toString('base64');
const USERS = 6;
/** Rows: each user's key and one team's key (§9): rotation covers both owners. */
const ROWS = USERS + 1;
const TEAM_KEY = DEFAULT_STAND_IN_KEYS.anthropic[1]!;

/** `pnpm keys:rotate`, run exactly as an operator does, next to the serving gateway. */
function runRotateCommand(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['apps/gateway/dist/cli/rotate-keys.js'], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe(`master key rotation while the gateway serves (${DATABASE_KIND})`, () => {
  let standIns: StandIns;
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let app: TestApp | undefined;

  const start = (ring: string) =>
    startTestApp({
      dataDir,
      databaseUrl: database?.url,
      env: {
        UNIROUTE_MASTER_KEYS: ring,
        OPENAI_BASE_URL: standIns.baseUrls.openai,
        ANTHROPIC_BASE_URL: standIns.baseUrls.anthropic,
        GOOGLE_BASE_URL: standIns.baseUrls.google,
      },
    });

  beforeAll(async () => {
    await ensureBuilt();
    standIns = await startStandIns({ port: 0 });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'uniroute-rotation-'));
    database = TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  });
  afterAll(async () => {
    await app?.close();
    await standIns?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-encrypts every row to the new version while requests keep succeeding, and old versions can then be dropped', async () => {
    app = await start(`v1:${V1}`);
    const client = httpClient(app.url);
    const callers: Array<{ openai: OpenAI; userId: string }> = [];
    for (let index = 0; index < USERS; index += 1) {
      const user = await registerUser(client);
      const apiKey = (await client.post('/admin/api-keys', { name: 'rotation' }, user.token)).body.key as string;
      expect((await client.post('/admin/provider-keys', { provider: 'openai', apiKey: DEFAULT_STAND_IN_KEYS.openai[index % 2] }, user.token)).status).toBe(201);
      callers.push({ userId: user.userId, openai: new OpenAI({ apiKey, baseURL: `${app.url}/v1`, maxRetries: 0 }) });
    }
    const teamOwner = await registerUser(client);
    const teamId = (await client.post('/admin/teams', { name: 'Rotated' }, teamOwner.token)).body.id as string;
    expect((await client.post(`/admin/teams/${teamId}/provider-keys`, { provider: 'anthropic', apiKey: TEAM_KEY }, teamOwner.token)).status).toBe(201);
    const teamApiKey = (await client.post('/admin/api-keys', { name: 'team', teamId }, teamOwner.token)).body.key as string;
    const before = await app.sql<{ id: string; api_key_encrypted: string; key_version: number }>('SELECT id, api_key_encrypted, key_version FROM user_provider_keys');
    expect(before.map((row) => row.key_version)).toEqual(Array(ROWS).fill(1));

    // The operator adds v2 as the current key and restarts; v1 rows still decrypt.
    await app.close();
    app = await start(`v2:${V2},v1:${V1}`);
    for (const caller of callers) caller.openai = caller.openai.withOptions({ baseURL: `${app.url}/v1` });

    let answered = 0;
    const failures: unknown[] = [];
    let rotating = true;
    const traffic = (async () => {
      while (rotating) {
        await Promise.all(
          callers.map(({ openai }) =>
            openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] }).then(
              () => (answered += 1),
              (error: unknown) => failures.push(error),
            ),
          ),
        );
      }
    })();
    const rotation = await runRotateCommand({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url ?? '',
      UNIROUTE_MASTER_KEYS: `v2:${V2},v1:${V1}`,
      UNIROUTE_MASTER_KEY: '',
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
    });
    rotating = false;
    await traffic;

    expect(rotation.output).toContain(`${ROWS} re-encrypted to master key v2`);
    expect(rotation.code).toBe(0);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);

    const after = await app.sql<{ id: string; api_key_encrypted: string; key_version: number }>('SELECT id, api_key_encrypted, key_version FROM user_provider_keys');
    expect(after.map((row) => row.key_version)).toEqual(Array(ROWS).fill(2));
    for (const row of after) expect(row.api_key_encrypted).not.toBe(before.find((old) => old.id === row.id)!.api_key_encrypted);
    expect(JSON.stringify(after)).not.toMatch(/stand-in-openai-demo-key/);
    expect(JSON.stringify(after)).not.toContain(TEAM_KEY);

    // v1 retired: every key still works, and each user's own key is the one used.
    await app.close();
    app = await start(`v2:${V2}`);
    standIns.reset();
    for (const [index, caller] of callers.entries()) {
      const openai = caller.openai.withOptions({ baseURL: `${app.url}/v1` });
      const { response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(response.headers.get('x-uniroute-key-source')).toBe('user');
      expect(standIns.keysSeen('openai').at(-1)).toBe(DEFAULT_STAND_IN_KEYS.openai[index % 2]);
    }
    // The team's key was rotated too: its team API key still uses it with v1 gone.
    const team = await httpClient(app.url).post('/v1/chat/completions', { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }] }, teamApiKey);
    expect(team.status).toBe(200);
    expect(team.headers.get('x-uniroute-key-source')).toBe('team');
    expect(standIns.keysSeen('anthropic').at(-1)).toBe(TEAM_KEY);
  });
});
