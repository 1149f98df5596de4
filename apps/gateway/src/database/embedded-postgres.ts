import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A running embedded PostgreSQL (PGlite) reachable over the PostgreSQL wire protocol. */
export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite persisted in `dataDir` and serves it on a loopback port with pglite-socket, so that
 * the gateway talks to it through the ordinary `pg` driver: one code path for the embedded and the
 * server database. (typeorm-pglite shares one session between every query, which breaks as soon
 * as two requests run transactions at once.) How many connections the gateway opens: see
 * EMBEDDED_POOL_SIZE in open-database.ts.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; maxConnections: number }): Promise<EmbeddedPostgres> {
  const directory = path.join(options.dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const database = await PGlite.create({ dataDir: directory });
  const server = new PGLiteSocketServer({ db: database, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections });
  await server.start();
  const address = server.getServerConn();
  const port = Number.parseInt(address.slice(address.lastIndexOf(':') + 1), 10);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await database.close();
    },
  };
}
