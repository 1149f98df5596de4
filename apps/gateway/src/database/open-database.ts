import pg from 'pg';
import { ConfigError, type AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** The database the gateway runs on, ready for TypeORM. */
export interface DatabaseHandle {
  readonly url: string;
  readonly embedded: boolean;
  /** Stops the embedded server (a no-op for a PostgreSQL server). Call after the pool is closed. */
  stop(): Promise<void>;
}

/** Connections beyond the TypeORM pool: the LISTEN connection for cache invalidation and the readiness probe. */
const EXTRA_CONNECTIONS = 4;

/**
 * Opens `DATABASE_URL` (checking it answers, so a wrong URL is one clear line, not a retry loop of
 * stack traces) or starts the embedded PGlite in `DATA_DIR`.
 */
export async function openDatabase(config: AppConfig): Promise<DatabaseHandle> {
  const { url, poolSize, dataDir } = config.database;
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dataDir, maxConnections: poolSize + EXTRA_CONNECTIONS });
    return { url: embedded.url, embedded: true, stop: () => embedded.stop() };
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
    throw new ConfigError(`Invalid configuration: DATABASE_URL is unreachable (${reason})`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return { url, embedded: false, stop: async () => undefined };
}
