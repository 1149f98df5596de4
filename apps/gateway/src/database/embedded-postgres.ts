import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** A running embedded PostgreSQL (PGlite) reachable over the PostgreSQL wire protocol. */
export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/** libpq's and `pg`'s socket file name: `<directory>/.s.PGSQL.<port>`. */
const SOCKET_FILE = '.s.PGSQL.5432';
/** sun_path holds 108 bytes on Linux (104 on macOS); stay below both. */
const MAX_SOCKET_PATH = 100;

/**
 * Starts PGlite persisted in `dataDir` and serves it with pglite-socket, so that the gateway talks
 * to it through the ordinary `pg` driver: one code path for the embedded and the server database.
 * Both run on a worker thread (embedded-postgres.worker.mjs): PGlite computes on the thread that owns
 * it, and on the event loop its queries held up every request being relayed.
 * (typeorm-pglite shares one session between every query, which breaks as soon as two requests run
 * transactions at once.) How many connections the gateway opens: see EMBEDDED_POOL_SIZE.
 *
 * PGlite has no authentication: whoever reaches the server is the superuser. So it listens on no
 * TCP port but on a Unix socket in a directory only this user can enter (`DATA_DIR/run`, 0700; the
 * socket 0600) — another local account can neither read the hashes and ciphertexts nor rewrite a
 * password hash (CONTRACT §12). The data files themselves sit in `DATA_DIR`, made 0700 too.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; maxConnections: number }): Promise<EmbeddedPostgres> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(options.dataDir, 0o700);
  const directory = path.join(options.dataDir, 'pglite');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const socket = privateSocketDirectory(options.dataDir);
  const socketPath = path.join(socket.directory, SOCKET_FILE);
  // The caller has established that no gateway is running on this DATA_DIR: a socket file left by
  // a process that was killed would otherwise make listen() fail with EADDRINUSE.
  rmSync(socketPath, { force: true });

  const worker = new Worker(new URL('./embedded-postgres.worker.mjs', import.meta.url), {
    workerData: { dataDirectory: directory, socketPath, maxConnections: options.maxConnections },
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => {
      worker.off('message', started);
      worker.off('exit', exited);
      void worker.terminate();
      reject(new Error(`the embedded database did not start: ${error.message}`));
    };
    const exited = (code: number) => failed(new Error(`its thread exited with ${code}`));
    const started = (message: WorkerMessage) => {
      worker.off('error', failed);
      worker.off('exit', exited);
      if (message.type === 'ready') resolve();
      else failed(new Error(message.type === 'failed' ? message.message : `unexpected message ${message.type}`));
    };
    worker.once('message', started);
    worker.once('error', failed);
    worker.once('exit', exited);
  });
  // The database dying under a running gateway is as fatal as it was on the main thread: crash with the reason.
  let stopping = false;
  let exited = false;
  const crashed = (error: Error) => {
    throw new Error(`the embedded database failed: ${error.message}`, { cause: error });
  };
  worker.on('error', crashed);
  worker.once('exit', (code) => {
    exited = true;
    if (!stopping) crashed(new Error(`its thread exited with ${code}`));
  });
  return {
    // `pg` reads a `host` that is a path as the socket's directory (libpq's convention).
    url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socket.directory)}`,
    async stop() {
      stopping = true;
      worker.off('error', crashed);
      if (!exited) {
        const stopped = new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.once('exit', () => resolve());
          worker.once('error', () => resolve());
        });
        worker.postMessage('stop');
        await stopped;
        await worker.terminate();
      }
      rmSync(socketPath, { force: true });
      if (socket.temporary) rmSync(socket.directory, { recursive: true, force: true });
    },
  };
}

type WorkerMessage = { type: 'ready' } | { type: 'stopped' } | { type: 'failed'; message: string };

/**
 * `DATA_DIR/run`, or — when DATA_DIR's path is too long for a socket address — a fresh directory
 * under the system's temp directory, made by mkdtemp with mode 0700: just as private.
 */
function privateSocketDirectory(dataDir: string): { directory: string; temporary: boolean } {
  const inDataDir = path.join(dataDir, 'run');
  if (path.join(inDataDir, SOCKET_FILE).length <= MAX_SOCKET_PATH) {
    mkdirSync(inDataDir, { recursive: true, mode: 0o700 });
    chmodSync(inDataDir, 0o700);
    return { directory: inDataDir, temporary: false };
  }
  return { directory: mkdtempSync(path.join(tmpdir(), 'uniroute-db-')), temporary: true };
}
