import net from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STAND_IN_KEYS, startStandIns, type StandIns } from '@uniroute/provider-stand-ins';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  createDatabase,
  ensureBuilt,
  postgresUnavailable,
  productionEnv,
  spawnGateway,
  startGatewayProcess,
  type GatewayProcess,
} from './support/gateway-process.js';
import { httpClient, uniqueEmail } from './support/http.js';

/**
 * The production build, started exactly as the container's CMD does (`node apps/gateway/dist/main.js`
 * from the repository root, NODE_ENV=production), against a fresh database on the local PostgreSQL.
 */
const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`production.e2e-spec: skipped: ${unavailable}`);

/** Opens a TCP connection: `undefined` when it connects, else the error (ECONNREFUSED once nothing listens). */
function tryConnect(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error));
  });
}

/** Asserts a start-up failure is exactly one line on stderr naming `variable`, with no stack trace. */
function expectOneLineNaming(stderr: string, variable: string): void {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toContain(variable);
  expect(lines[0]).toMatch(/^Invalid configuration: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(unavailable !== undefined)('the production build on PostgreSQL, as the container runs it', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;

  beforeAll(async () => {
    await ensureBuilt();
    database = await createDatabase('prod');
  }, 300_000);
  afterAll(async () => {
    await database?.drop();
  });

  describe('serving', () => {
    let gateway: GatewayProcess;

    beforeAll(async () => {
      gateway = await startGatewayProcess(productionEnv(database.url));
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    it('migrates the empty database on start and answers the probes', async () => {
      const client = httpClient(gateway.url);
      expect((await client.get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await client.get('/readyz')).body).toEqual({ status: 'ready', database: 'up' });
      const lines = gateway.stdout().trim().split('\n').map((line) => JSON.parse(line) as { level: string; msg: string; migrations?: string[] });
      expect(lines.find((line) => line.msg === 'database migrated')?.migrations?.length).toBeGreaterThan(0);
      // Production has no generated development secrets to warn about.
      expect(lines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([]);
    });

    it('registers, logs in and answers with the session', async () => {
      const client = httpClient(gateway.url);
      const email = uniqueEmail('prod');
      const registered = await client.post('/auth/register', { email, password: 'correct horse battery staple' });
      expect(registered.status).toBe(201);
      const login = await client.post('/auth/login', { email, password: 'correct horse battery staple' });
      expect(login.status).toBe(200);
      const me = await client.get('/auth/me', login.body.accessToken);
      expect(me.body).toMatchObject({ email, id: registered.body.user.id });
    });

    it.skipIf(!existsSync(path.join(REPO_ROOT, 'apps/web/dist/index.html')))('serves the settings SPA and the docs from the same port', async () => {
      const client = httpClient(gateway.url);
      const page = await client.get('/settings/provider-keys');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<div id="app"></div>');
      expect((await client.get('/docs')).text).toContain('swagger-ui');
    });
  });

  describe('refusing to start on bad configuration: one clear line on stderr, no stack trace', () => {
    const cases: Array<[string, Record<string, string | undefined>, string]> = [
      ['no UNIROUTE_MASTER_KEY', { UNIROUTE_MASTER_KEY: undefined }, 'UNIROUTE_MASTER_KEY'],
      ['no JWT_SECRET', { JWT_SECRET: undefined }, 'JWT_SECRET'],
      ['a malformed UNIROUTE_MASTER_KEY', { UNIROUTE_MASTER_KEY: 'not-32-bytes-of-base64' }, 'UNIROUTE_MASTER_KEY'],
      ['an unreachable DATABASE_URL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:9/uniroute' }, 'DATABASE_URL'],
    ];
    it.each(cases)('%s', async (_label, overrides, variable) => {
      const spawned = spawnGateway(productionEnv(database.url, overrides));
      const { code } = await spawned.exited;
      expect(code).toBe(1);
      expectOneLineNaming(spawned.stderr(), variable);
      expect(spawned.stdout()).not.toMatch(/\n\s+at /);
    });
  });

  describe('graceful shutdown on SIGTERM', () => {
    let standIns: StandIns;

    beforeAll(async () => {
      // 8 chunks 250 ms apart: a stream that runs for about 2 s.
      standIns = await startStandIns({ port: 0, chunkDelayMs: 250, streamChunks: 8 });
    });
    afterAll(async () => {
      await standIns?.close();
    });

    async function gatewayWithStream(shutdownTimeoutMs: number) {
      const gateway = await startGatewayProcess(
        productionEnv(database.url, { OPENAI_BASE_URL: standIns.baseUrls.openai, OPENAI_API_KEY: DEFAULT_STAND_IN_KEYS.openai[0], SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) }),
      );
      const client = httpClient(gateway.url);
      const user = await client.post('/auth/register', { email: uniqueEmail('drain'), password: 'correct horse battery staple' });
      const key = await client.post('/admin/api-keys', { name: 'drain' }, user.body.accessToken);
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'one two three four five six seven eight' }] }),
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value, { stream: true });
      const rest = (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return { text, complete: true };
            text += decoder.decode(value, { stream: true });
          }
        } catch {
          return { text, complete: false };
        }
      })();
      return { gateway, firstChunk: text, rest };
    }

    it('refuses new connections, lets the open stream finish with [DONE], then exits 0', async () => {
      const { gateway, firstChunk, rest } = await gatewayWithStream(15_000);
      expect(firstChunk).toContain('data: ');
      gateway.child.kill('SIGTERM');
      // The listener closes as soon as the signal is handled; the stream has ~1.5 s left.
      let connectError: NodeJS.ErrnoException | undefined;
      for (let attempt = 0; attempt < 40 && connectError?.code !== 'ECONNREFUSED'; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        connectError = await tryConnect(gateway.port);
      }
      expect(connectError?.code).toBe('ECONNREFUSED');
      expect(gateway.child.exitCode).toBeNull(); // still draining the stream

      const stream = await rest;
      expect(stream.complete).toBe(true);
      expect(stream.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(await gateway.exited).toEqual({ code: 0, signal: null });
      const messages = gateway.stdout().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toContain('shutting down');
    });

    it('cuts what is still running after SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
      const { gateway, rest } = await gatewayWithStream(400);
      const startedAt = Date.now();
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      // Cut, not finished: the stream had ~1.75 s left when the 400 ms ran out.
      expect((await rest).complete).toBe(false);
      expect(gateway.stdout()).toContain('still running after SHUTDOWN_TIMEOUT_MS');
    });
  });
});
