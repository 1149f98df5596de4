#!/usr/bin/env node
// Starts the provider stand-ins for manual runs, Playwright and the benchmark:
// builds dist when it is missing or older than src, listens on STAND_INS_PORT
// (default 9100) at 127.0.0.1 and prints the lines that point UniRoute at it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDirectory = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(packageDirectory, 'dist', 'index.js');

/** Newest modification time among the compiled sources, so an edited src triggers a rebuild. */
function newestSourceTime(directory) {
  let newest = 0;
  for (const entryName of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entryName.name);
    if (entryName.isDirectory()) newest = Math.max(newest, newestSourceTime(path));
    else if (entryName.name.endsWith('.ts') && !entryName.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const stale = !existsSync(entry) || statSync(entry).mtimeMs < newestSourceTime(join(packageDirectory, 'src'));
  if (!stale) return;
  console.log('Building @uniroute/provider-stand-ins (dist is missing or older than src)…');
  const tsc = createRequire(join(packageDirectory, 'package.json')).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(packageDirectory, 'tsconfig.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('Building the stand-ins failed; see the compiler output above.');
    process.exit(1);
  }
}

function readNonNegativeInteger(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got "${raw}".`);
    process.exit(1);
  }
  return value;
}

buildIfNeeded();
const { startStandIns, DEFAULT_STAND_IN_KEYS } = await import(pathToFileURL(entry).href);

const port = readNonNegativeInteger('STAND_INS_PORT', 9100);
let standIns;
try {
  standIns = await startStandIns({
    port,
    host: '127.0.0.1',
    latencyMs: readNonNegativeInteger('STAND_INS_LATENCY_MS', 0),
    chunkDelayMs: readNonNegativeInteger('STAND_INS_CHUNK_DELAY_MS', 0),
    streamChunks: readNonNegativeInteger('STAND_INS_STREAM_CHUNKS', 4) || 4,
  });
} catch (error) {
  const reason = error?.code === 'EADDRINUSE' ? `port ${port} is already in use (set STAND_INS_PORT)` : error?.message ?? String(error);
  console.error(`Could not start the provider stand-ins: ${reason}.`);
  process.exit(1);
}

// These are fake demo keys that only the stand-ins accept; printing them is fine.
console.log(`Provider stand-ins (OpenAI, Anthropic, Gemini) listening on ${standIns.origin}

Point UniRoute at them with:

OPENAI_BASE_URL=${standIns.baseUrls.openai}
ANTHROPIC_BASE_URL=${standIns.baseUrls.anthropic}
GOOGLE_BASE_URL=${standIns.baseUrls.google}

Accepted demo keys (server-level here; any of them also works as a user's provider key):

OPENAI_API_KEY=${DEFAULT_STAND_IN_KEYS.openai[0]}
ANTHROPIC_API_KEY=${DEFAULT_STAND_IN_KEYS.anthropic[0]}
GOOGLE_API_KEY=${DEFAULT_STAND_IN_KEYS.google[0]}
(also accepted: ${[...DEFAULT_STAND_IN_KEYS.openai.slice(1), ...DEFAULT_STAND_IN_KEYS.anthropic.slice(1), ...DEFAULT_STAND_IN_KEYS.google.slice(1)].join(', ')})

Control API: ${standIns.origin}/__stand-ins/{health,requests,reset,inject,keys/:provider}
Press Ctrl+C to stop.`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal} received, stopping the provider stand-ins.`);
  await standIns.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
