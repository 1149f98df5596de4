// The embedded PostgreSQL (PGlite, WASM) and its pglite-socket server, on a worker thread of the gateway's process.
// PGlite computes on the thread that owns it: on the gateway's event loop every query — the usage log's batch
// inserts above all — stalled the requests being relayed and held their throughput to one core. Here it runs beside
// them. Plain JavaScript so that the same file runs from the sources (the tests) and from dist/ (copied by tsc).
// Protocol with embedded-postgres.ts: workerData { dataDirectory, socketPath, maxConnections }; posts
// { type: 'ready' } or { type: 'failed', message }; on the message 'stop' closes the server and the database,
// posts { type: 'stopped' } and ends.
import { chmodSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const { dataDirectory, socketPath, maxConnections } = workerData;

let database;
let server;
try {
  database = await PGlite.create({ dataDir: dataDirectory });
  server = new PGLiteSocketServer({ db: database, path: socketPath, maxConnections });
  await server.start();
  chmodSync(socketPath, 0o600);
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  await database?.close().catch(() => undefined);
  parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  parentPort.close();
}

parentPort.on('message', async (message) => {
  if (message !== 'stop') return;
  await server.stop();
  await database.close();
  parentPort.postMessage({ type: 'stopped' });
  parentPort.close();
});
