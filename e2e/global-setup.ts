import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { StandIns } from '../packages/provider-stand-ins/dist/index.js';
import { ENV_NAMES } from './support/env.js';
import { KEYS } from './support/keys.js';
import { GATEWAY_LOG, OUTPUT_DIR, ROOT, RUNS_DIR, SCREENSHOTS_DIR } from './support/paths.js';

const GATEWAY_START_TIMEOUT_MS = 60_000;
const GATEWAY_STOP_TIMEOUT_MS = 15_000;
/** Output of earlier runs is kept this long (a concurrent run in the same checkout may still be using it). */
const STALE_OUTPUT_MS = 60 * 60 * 1000;

/**
 * Starts the provider stand-ins (in this process) and the built gateway (a child process, as
 * operators run it) on free ports, with a fresh embedded database and a server key for
 * Anthropic only, so the page shows both "your key is used" and "falls back to the server's
 * key". Returns the teardown that stops both.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const { buildWhatIsMissing } = (await import(pathToFileURL(path.join(ROOT, 'scripts/lib.mjs')).href)) as {
    buildWhatIsMissing(): Promise<void>;
  };
  await buildWhatIsMissing();
  removeStaleOutput();

  const standInsModule = (await import(pathToFileURL(path.join(ROOT, 'packages/provider-stand-ins/dist/index.js')).href)) as typeof import('../packages/provider-stand-ins/dist/index.js');
  assertStandInsAcceptTheTestKeys(standInsModule.DEFAULT_STAND_IN_KEYS);
  const standIns = await standInsModule.startStandIns({ port: 0, host: '127.0.0.1' });

  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'uniroute-e2e-'));
  let gateway: StartedGateway;
  try {
    gateway = await startGateway(standIns, dataDirectory);
  } catch (error) {
    await standIns.close();
    rmSync(dataDirectory, { recursive: true, force: true });
    throw error;
  }

  process.env[ENV_NAMES.baseUrl] = gateway.url;
  process.env[ENV_NAMES.standInsUrl] = standIns.origin;
  process.env[ENV_NAMES.userEmail] = `e2e-${randomBytes(4).toString('hex')}@example.com`;
  process.env[ENV_NAMES.userPassword] = `e2e-password-${randomBytes(9).toString('base64url')}`;
  console.log(`[e2e] gateway ${gateway.url} (log: ${path.relative(ROOT, GATEWAY_LOG)}), provider stand-ins ${standIns.origin}`);

  return async () => {
    await gateway.stop();
    await standIns.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  };
}

interface StartedGateway {
  readonly url: string;
  stop(): Promise<void>;
}

/** `node apps/gateway/dist/main.js` on port 0; resolves with the URL from its "listening" log line. */
async function startGateway(standIns: StandIns, dataDirectory: string): Promise<StartedGateway> {
  mkdirSync(path.dirname(GATEWAY_LOG), { recursive: true });
  const log = createWriteStream(GATEWAY_LOG, { flags: 'a' });
  const child = spawn(process.execPath, [path.join(ROOT, 'apps/gateway/dist/main.js')], {
    cwd: ROOT,
    // Only what the gateway needs: nothing from the caller's shell (a DATABASE_URL, a real
    // OPENAI_API_KEY) changes what the tests see.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDirectory,
      UNIROUTE_MASTER_KEY: randomBytes(32).toString('base64'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      OPENAI_BASE_URL: standIns.baseUrls.openai,
      ANTHROPIC_BASE_URL: standIns.baseUrls.anthropic,
      GOOGLE_BASE_URL: standIns.baseUrls.google,
      ANTHROPIC_API_KEY: KEYS.anthropicServer,
      ALLOW_SERVER_KEY_FALLBACK: 'true',
      LOG_LEVEL: 'info',
      // The browser tests are not about the abuse limits (§12); the gateway tests cover them.
      SERVER_KEY_RPM: '100000',
      MAX_INFLIGHT_PER_USER: '10000',
      PROVIDER_KEY_TESTS_PER_HOUR: '10000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      // The specs register users freely; invitation specs create their invitations as the first (admin) user.
      REGISTRATION: 'open',
      REGISTRATION_MAX_PER_IP: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(log, { end: false });

  const recentLines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(`did not report listening within ${GATEWAY_START_TIMEOUT_MS / 1000} s`), GATEWAY_START_TIMEOUT_MS);
    function fail(reason: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The gateway ${reason}. Last output:\n${recentLines.join('\n')}\n(full log: ${GATEWAY_LOG})`));
    }
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      recentLines.push(line);
      if (recentLines.length > 20) recentLines.shift();
      const listening = parseListeningLine(line);
      if (listening && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(listening);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => recentLines.push(chunk.toString('utf8').trimEnd()));
    child.once('exit', (code, signal) => fail(`exited during start-up (${signal ?? `exit ${code}`})`));
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
  });

  // Should the runner die without its teardown, the gateway goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopGateway(child, log);
    },
  };
}

function parseListeningLine(line: string): string | null {
  if (!line.includes('UniRoute gateway listening')) return null;
  try {
    const parsed = JSON.parse(line) as { url?: unknown };
    return typeof parsed.url === 'string' ? parsed.url : null;
  } catch {
    return null;
  }
}

async function stopGateway(child: ChildProcess, log: WriteStream): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), GATEWAY_STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  await new Promise<void>((resolve) => log.end(resolve));
}

/** Earlier runs' output directories and screenshot copies, once they are old enough to be finished. */
function removeStaleOutput(): void {
  const cutoff = Date.now() - STALE_OUTPUT_MS;
  for (const directory of [RUNS_DIR, SCREENSHOTS_DIR]) {
    if (!existsSync(directory)) continue;
    for (const entry of readdirSync(directory)) {
      const entryPath = path.join(directory, entry);
      if (entryPath !== OUTPUT_DIR && statSync(entryPath).mtimeMs < cutoff) rmSync(entryPath, { recursive: true, force: true });
    }
  }
}

/** The tests type these keys expecting the stand-ins to accept (or reject) them. */
function assertStandInsAcceptTheTestKeys(accepted: Readonly<Record<string, readonly string[]>>): void {
  const expectations: Array<[string, string, boolean]> = [
    ['openai', KEYS.openaiFirst, true],
    ['openai', KEYS.openaiSecond, true],
    ['openai', KEYS.openaiRejected, false],
    ['anthropic', KEYS.anthropicServer, true],
    ['google', KEYS.google, true],
  ];
  for (const [provider, key, shouldAccept] of expectations) {
    if ((accepted[provider] ?? []).includes(key) !== shouldAccept) {
      throw new Error(`e2e/support/keys.ts is out of date: the ${provider} stand-in ${shouldAccept ? 'no longer accepts' : 'now accepts'} a key the tests use`);
    }
  }
}
