import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, registerUser } from './support/http.js';
import { createTestDatabase, DATABASE_KIND, startTestApp, TEST_DATABASE_URL, type TestApp } from './support/test-app.js';

describe(`the database (${DATABASE_KIND})`, () => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let app: TestApp | undefined;
  const env = { UNIROUTE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), JWT_SECRET: 's'.repeat(40) };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'uniroute-db-'));
    database = TEST_DATABASE_URL ? await createTestDatabase() : undefined;
    app = await startTestApp({ dataDir, databaseUrl: database?.url, env });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs concurrent transactions without one seeing or breaking another', async () => {
    const dataSource = app!.app.get(DataSource);
    await dataSource.query('CREATE TABLE IF NOT EXISTS concurrency_probe (tx integer, step integer)');
    // Each transaction writes, yields while the others are started, then must see exactly its own
    // rows: on one shared session (typeorm-pglite) they would see each other's uncommitted writes.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, tx) =>
        dataSource.transaction(async (manager) => {
          await manager.query('INSERT INTO concurrency_probe VALUES ($1, 1)', [tx]);
          await manager.query('SELECT pg_sleep(0.02)');
          await manager.query('INSERT INTO concurrency_probe VALUES ($1, 2)', [tx]);
          const mine = await manager.query('SELECT count(*)::int AS n FROM concurrency_probe WHERE tx = $1', [tx]);
          if (tx % 3 === 0) throw Object.assign(new Error('rollback on purpose'), { tx });
          return mine[0].n as number;
        }).catch((error: { tx?: number }) => (error.tx === tx ? 'rolled back' : Promise.reject(error))),
      ),
    );
    expect(results.filter((result) => result === 2)).toHaveLength(8);
    expect(results.filter((result) => result === 'rolled back')).toHaveLength(4);
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM concurrency_probe');
    expect(n).toBe(16);
  });

  // On PGlite behind pglite-socket with a pool of 5 connections, two of these requests never got
  // an answer: the reason the embedded database has one pooled connection (open-database.ts).
  it('serves concurrent HTTP requests that write', async () => {
    const client = httpClient(app!.url);
    const user = await registerUser(client);
    const created = await Promise.all(Array.from({ length: 30 }, (_, index) => client.post('/admin/api-keys', { name: `parallel-${index}` }, user.token)));
    expect(created.map((response) => response.status)).toEqual(Array(30).fill(201));
    expect((await client.get('/admin/api-keys', user.token)).body).toHaveLength(30);
  });

  it('keeps every account, key and setting across a restart', async () => {
    const client = httpClient(app!.url);
    const user = await registerUser(client);
    const apiKey = (await client.post('/admin/api-keys', { name: 'survivor' }, user.token)).body.key as string;
    await client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: 'sk-ant-api03-restart-test-key-0042' }, user.token);

    await app!.close();
    app = await startTestApp({ dataDir, databaseUrl: database?.url, env });
    const again = httpClient(app.url);
    const login = await again.post('/auth/login', { email: user.email, password: 'correct horse battery staple' });
    expect(login.status).toBe(200);
    expect((await again.get('/admin/api-keys', login.body.accessToken)).body.map((key: { name: string }) => key.name)).toEqual(['survivor']);
    expect((await again.get('/admin/provider-keys', login.body.accessToken)).body[0]).toMatchObject({ provider: 'anthropic', last4: '0042', usable: true });
    expect((await again.get('/v1/models', apiKey)).status).toBe(200);
  });

  it.skipIf(DATABASE_KIND !== 'pglite')('refuses a second gateway on the same DATA_DIR with one clear line', async () => {
    await expect(startTestApp({ dataDir, env })).rejects.toThrow(/^Invalid configuration: DATA_DIR .* is in use by another running UniRoute gateway/);
  });

  // PGlite has no authentication: whoever reaches it is the superuser. A TCP port on 127.0.0.1 let
  // any local account read every hash and ciphertext and rewrite a password hash (CONTRACT §12).
  describe.skipIf(DATABASE_KIND !== 'pglite')('the embedded database accepts only the gateway', () => {
    const advertised = () => readFileSync(path.join(dataDir, 'pglite.url'), 'utf8').trim();

    it('listens on no TCP port, on a socket only its owner can open', () => {
      const url = new URL(advertised());
      const socketDirectory = url.searchParams.get('host')!;
      expect(socketDirectory.startsWith('/')).toBe(true);
      expect(url.port).toBe('');
      expect(statSync(socketDirectory).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(socketDirectory, '.s.PGSQL.5432')).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    });

    it('still serves its owner (the gateway, keys:rotate) through that socket', async () => {
      const client = new pg.Client({ connectionString: advertised() });
      await client.connect();
      try {
        expect((await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    });

    // Another local account, as an attacker on a shared host would be: `nobody`.
    it.skipIf(process.getuid?.() !== 0)('refuses another local user, who gets no connection at all', () => {
      const socketPath = path.join(new URL(advertised()).searchParams.get('host')!, '.s.PGSQL.5432');
      const attempt = spawnSync(
        process.execPath,
        ['-e', "require('node:net').connect(process.argv[1]).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (error) => { console.log(error.code); process.exit(3); });", socketPath],
        { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 15_000 },
      );
      expect(attempt.stdout).not.toContain('CONNECTED');
      expect(attempt.stdout.trim()).toBe('EACCES');
    });
  });
});
