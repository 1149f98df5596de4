import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp, type RunningApp } from '../../src/create-app.js';
import { DATABASE_HANDLE } from '../../src/database/database.tokens.js';
import type { DatabaseHandle } from '../../src/database/open-database.js';

/** Every log line any test app wrote goes here too, for the suite-wide secret audit (scripts/test.mjs). */
export const SUITE_LOG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../.tmp/suite-logs');

/** `TEST_DATABASE_URL` (a PostgreSQL server, e.g. in CI) or unset: the embedded PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const DATABASE_KIND = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestApp extends RunningApp {
  /** Every log line so far (JSON text). */
  logs(): string[];
  /** Run SQL against the app's database directly (security tests read the raw table). */
  sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** The database URL for a second process on the same database. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Reuse a data directory (restart tests) instead of a fresh one. */
  dataDir?: string;
  /** Reuse a database on the PostgreSQL server instead of creating a fresh one. */
  databaseUrl?: string;
}

/** A fresh database on the PostgreSQL server for one test file: no shared state, no migration races. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('createTestDatabase needs TEST_DATABASE_URL');
  const name = `uniroute_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Starts the real gateway on a random port, on PGlite or a fresh PostgreSQL database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'uniroute-test-'));
  const ownsDataDir = options.dataDir === undefined;
  const database = !options.databaseUrl && TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  const databaseUrl = options.databaseUrl ?? database?.url;

  const lines: string[] = [];
  mkdirSync(SUITE_LOG_DIR, { recursive: true });
  const suiteLog = path.join(SUITE_LOG_DIR, `${process.pid}-${randomUUID()}.log`);
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    appendFileSync(suiteLog, text);
    for (const line of text.split('\n')) if (line) lines.push(line);
  });

  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    DATABASE_POOL_SIZE: '5',
    UNIROUTE_MASTER_KEY: randomBytes(32).toString('base64'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: databaseUrl,
    // Most tests register users freely; registration tests set REGISTRATION themselves.
    REGISTRATION: 'open',
    REGISTRATION_MAX_PER_IP: '100000',
    // Generous abuse limits (§12) for tests about something else; quotas.e2e-spec.ts sets its own.
    SERVER_KEY_RPM: '100000',
    MAX_INFLIGHT_PER_USER: '10000',
    PROVIDER_KEY_TESTS_PER_HOUR: '10000',
    API_KEY_FAILURES_PER_MINUTE: '100000',
    // No load shedding (also the default): this process hosts the gateway, the stand-ins and the client on one event loop, so its
    // delay under a busy test is not the gateway's. load-shedding.e2e-spec.ts turns it on.
    SHED_EVENT_LOOP_DELAY_MS: '0',
    ...options.env,
  };
  const running = await createApp({ env, logDestination: destination });
  return {
    ...running,
    dataDir,
    databaseUrl,
    logs: () => [...lines],
    async sql<T>(text: string, values: unknown[] = []) {
      const client = new pg.Client({ connectionString: databaseUrl ?? running.app.get<DatabaseHandle>(DATABASE_HANDLE).url });
      await client.connect();
      try {
        return (await client.query(text, values)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async close() {
      await running.close();
      await database?.drop();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
