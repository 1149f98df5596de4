import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { SUITE_LOG_DIR } from './test-app.js';

/** The repository root: the container's working directory, where `node apps/gateway/dist/main.js` runs. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The container's command (Dockerfile CMD), relative to the repository root. */
export const GATEWAY_ENTRY = 'apps/gateway/dist/main.js';

/** The PostgreSQL server these tests create their databases on: CI's, or the local one. */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why PostgreSQL-backed process tests cannot run here, or `undefined` when a server answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL answers at ${new URL(ADMIN_DATABASE_URL).host} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh, empty database on that server, dropped (connections and all) by `drop`. */
export async function createDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `uniroute_${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Builds what `node apps/gateway/dist/main.js` needs (shared, migrations, the gateway, the SPA)
 * when it is missing or older than its sources, with `scripts/lib.mjs` as `pnpm start` does.
 * Test files run in parallel workers: a lock directory keeps two from building at once.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(REPO_ROOT, '.tmp', 'build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 5 minutes was left by a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000 || attempt > 1_500) rmSync(lock, { recursive: true, force: true });
      await delay(200);
    }
  }
  try {
    const lib = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts/lib.mjs')).href)) as { buildWhatIsMissing(): Promise<void> };
    await lib.buildWhatIsMissing();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Production settings as an operator's `.env` would give them; fresh secrets each time. */
export function productionEnv(databaseUrl: string, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    UNIROUTE_MASTER_KEY: randomBytes(32).toString('base64'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    DATABASE_POOL_SIZE: '4',
    // Most tests register users freely; registration tests set REGISTRATION themselves.
    REGISTRATION: 'open',
    REGISTRATION_MAX_PER_IP: '100000',
    // Generous abuse limits (§12) for tests about something else; a test about them overrides these.
    SERVER_KEY_RPM: '100000',
    MAX_INFLIGHT_PER_USER: '10000',
    PROVIDER_KEY_TESTS_PER_HOUR: '10000',
    ...overrides,
  };
}

/** One gateway process. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:port`, from its "listening" log line. */
  readonly url: string;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the built gateway exactly as the container does, with only `env` (plus PATH) in its environment. */
export function spawnGateway(env: Record<string, string | undefined>): Spawned {
  const child = spawn(process.execPath, [GATEWAY_ENTRY], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  mkdirSync(SUITE_LOG_DIR, { recursive: true });
  // Its log lines join the suite-wide secret audit (scripts/audit-logs.mjs).
  const suiteLog = path.join(SUITE_LOG_DIR, `process-${child.pid}-${randomUUID()}.log`);
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    appendFileSync(suiteLog, chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Starts the built gateway and waits until it listens (or fails with its stderr). */
export async function startGatewayProcess(env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<GatewayProcess> {
  const spawned = spawnGateway(env);
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void spawned.exited.then(() => (exitedEarly = true));
  for (;;) {
    const listening = spawned
      .stdout()
      .split('\n')
      .map((line) => {
        try {
          return JSON.parse(line) as { msg?: string; url?: string };
        } catch {
          return undefined;
        }
      })
      .find((line) => line?.msg === 'UniRoute gateway listening');
    if (listening?.url) {
      const url = listening.url;
      return {
        ...spawned,
        url,
        port: Number(new URL(url).port),
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill(signal);
          return spawned.exited;
        },
      };
    }
    if (exitedEarly) throw new Error(`gateway exited before listening: ${spawned.stderr() || spawned.stdout()}`);
    if (Date.now() > deadline) {
      spawned.child.kill('SIGKILL');
      throw new Error(`gateway did not listen within ${timeoutMs} ms: ${spawned.stderr() || spawned.stdout().slice(-2000)}`);
    }
    await delay(50);
  }
}
