import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ConfigError, type AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** The database the gateway runs on, ready for TypeORM. */
export interface DatabaseHandle {
  readonly url: string;
  readonly embedded: boolean;
  /** Connections the TypeORM pool may open (see EMBEDDED_POOL_SIZE). */
  readonly poolSize: number;
  /** Stops the embedded server (a no-op for a PostgreSQL server). Call after the pool is closed. */
  stop(): Promise<void>;
}

/**
 * The embedded database gets one pooled connection. PGlite runs one query at a time whatever the
 * pool size, and pglite-socket's multiplexer, which interleaves several connections' queries,
 * lost the answers to some of them under concurrent writes (30 parallel API-key creations with a
 * pool of 5: two requests never answered; see test/database.e2e-spec.ts). With one connection the
 * pool queues requests instead, and a transaction can never interleave with another.
 */
export const EMBEDDED_POOL_SIZE = 1;

/** Connections beyond the TypeORM pool: the LISTEN connection, the migration lock, a CLI. */
const EXTRA_CONNECTIONS = 4;

/** Where a running embedded database advertises its loopback URL (for `keys:rotate` and as a lock). */
export function embeddedUrlFile(dataDir: string): string {
  return path.join(dataDir, 'pglite.url');
}

/**
 * Opens `DATABASE_URL` (checking it answers, so a wrong URL is one clear line, not a retry loop of
 * stack traces) or starts the embedded PGlite in `DATA_DIR`. Two processes must never open the same
 * PGlite directory, so a running gateway advertises its URL in `DATA_DIR/pglite.url`: a second
 * gateway refuses to start, and tools (`attach: true`) connect to it instead.
 */
export async function openDatabase(config: AppConfig, options: { attach?: boolean } = {}): Promise<DatabaseHandle> {
  const { url, poolSize, dataDir } = config.database;
  if (url) {
    await checkReachable(url, 'DATABASE_URL');
    return { url, embedded: false, poolSize, stop: async () => undefined };
  }
  const runningUrl = await runningEmbeddedUrl(dataDir);
  if (runningUrl) {
    if (options.attach) return { url: runningUrl, embedded: false, poolSize: EMBEDDED_POOL_SIZE, stop: async () => undefined };
    throw new ConfigError(`Invalid configuration: DATA_DIR ${dataDir} is in use by another running UniRoute gateway (set another DATA_DIR or PORT, or stop it)`);
  }
  const embedded = await startEmbeddedPostgres({ dataDir, maxConnections: EMBEDDED_POOL_SIZE + EXTRA_CONNECTIONS });
  const urlFile = embeddedUrlFile(dataDir);
  writeFileSync(urlFile, `${embedded.url}\n`, { mode: 0o600 });
  return {
    url: embedded.url,
    embedded: true,
    poolSize: EMBEDDED_POOL_SIZE,
    async stop() {
      rmSync(urlFile, { force: true });
      await embedded.stop();
    },
  };
}

async function runningEmbeddedUrl(dataDir: string): Promise<string | undefined> {
  let advertised: string;
  try {
    advertised = readFileSync(embeddedUrlFile(dataDir), 'utf8').trim();
  } catch {
    return undefined;
  }
  const client = new pg.Client({ connectionString: advertised, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return advertised;
  } catch {
    return undefined; // left behind by a process that did not stop cleanly
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkReachable(url: string, variable: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
    throw new ConfigError(`Invalid configuration: ${variable} is unreachable (${reason})`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
