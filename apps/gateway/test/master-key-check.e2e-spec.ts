import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, registerUser } from './support/http.js';
import { createTestDatabase, DATABASE_KIND, startTestApp, TEST_DATABASE_URL } from './support/test-app.js';

// CONTRACT §12: stored keys that no ring version decrypts stop start-up with one line naming
// UNIROUTE_MASTER_KEY — before, a wrong master key was only noticed by users ("unusable" keys).
describe(`the start-up master-key check (${DATABASE_KIND})`, () => {
  const keyA = Buffer.alloc(32, 1).toString('base64');
  const keyB = Buffer.alloc(32, 2).toString('base64');
  const jwt = { JWT_SECRET: 'm'.repeat(40) };
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const start = (env: Record<string, string | undefined>) => startTestApp({ dataDir, databaseUrl: database?.url, env: { ...jwt, ...env } });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'uniroute-ring-'));
    database = TEST_DATABASE_URL ? await createTestDatabase() : undefined;
    const app = await start({ UNIROUTE_MASTER_KEY: keyA });
    const client = httpClient(app.url);
    for (const provider of ['openai', 'anthropic'] as const) {
      const user = await registerUser(client);
      expect((await client.post('/admin/provider-keys', { provider, apiKey: `sk-ring-check-${provider}-0001` }, user.token)).status).toBe(201);
    }
    await app.close();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses another master key with one line naming UNIROUTE_MASTER_KEY', async () => {
    await expect(start({ UNIROUTE_MASTER_KEY: keyB })).rejects.toThrow(/^Invalid configuration: UNIROUTE_MASTER_KEY does not decrypt the stored provider keys sealed with master key v1 \(the ring's v1 does not decrypt them\)[^\n]*$/);
  });

  it('refuses a ring that lacks the version the keys are sealed with', async () => {
    await expect(start({ UNIROUTE_MASTER_KEYS: `v2:${keyA}` })).rejects.toThrow(/^Invalid configuration: UNIROUTE_MASTER_KEY .*\(v1 is not in the key ring\)/);
  });

  it('starts with the right key, and with a rotation ring that still holds it', async () => {
    for (const env of [{ UNIROUTE_MASTER_KEY: keyA }, { UNIROUTE_MASTER_KEYS: `v2:${keyB},v1:${keyA}` }]) {
      const app = await start(env);
      await app.close();
    }
  });

  it('is not stopped by one damaged row while the ring opens the others', async () => {
    const app = await start({ UNIROUTE_MASTER_KEY: keyA });
    const dataSource = app.app.get(DataSource);
    const [row] = await dataSource.query(`SELECT id, api_key_encrypted FROM user_provider_keys WHERE provider = 'openai'`);
    // The ciphertext of another row: the AAD (user, provider) no longer matches, so it cannot open.
    await dataSource.query(`UPDATE user_provider_keys SET api_key_encrypted = (SELECT api_key_encrypted FROM user_provider_keys WHERE provider = 'anthropic') WHERE id = $1`, [row.id]);
    await app.close();
    const again = await start({ UNIROUTE_MASTER_KEY: keyA });
    await again.app.get(DataSource).query(`UPDATE user_provider_keys SET api_key_encrypted = $1 WHERE id = $2`, [row.api_key_encrypted, row.id]);
    await again.close();
  });
});
