import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { KEYS } from './keys.js';
import { GATEWAY_LOG, ROOT } from './paths.js';

// Two shared cores can be busy enough to stretch a cold start (module loading, migrations) past a minute.
export const GATEWAY_START_TIMEOUT_MS = 120_000;
const GATEWAY_STOP_TIMEOUT_MS = 15_000;

/** A gateway child process and how to stop it. */
export interface StartedGateway {
  readonly url: string;
  stop(): Promise<void>;
}

/** What a test run's gateway is started with. */
export interface GatewayOptions {
  /** Where the provider stand-ins serve each provider (`StandIns.baseUrls`). */
  readonly standInBaseUrls: Readonly<Record<'openai' | 'anthropic' | 'google', string>>;
  /** A fresh, empty directory for the embedded database. */
  readonly dataDirectory: string;
  /** Overrides of the defaults below, e.g. `{ REGISTRATION: 'invite' }` for a spec's own gateway. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * `node apps/gateway/dist/main.js` on port 0; resolves with the URL from its "listening" log line.
 * Everything it prints is appended to the run's gateway log, which the log audit reads.
 */
export async function startGateway(options: GatewayOptions): Promise<StartedGateway> {
  const { standInBaseUrls, dataDirectory } = options;
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
      OPENAI_BASE_URL: standInBaseUrls.openai,
      ANTHROPIC_BASE_URL: standInBaseUrls.anthropic,
      GOOGLE_BASE_URL: standInBaseUrls.google,
      ANTHROPIC_API_KEY: KEYS.anthropicServer,
      ALLOW_SERVER_KEY_FALLBACK: 'true',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      // The browser tests are not about the abuse limits (§12); the gateway tests cover them.
      SERVER_KEY_RPM: '100000',
      MAX_INFLIGHT_PER_USER: '10000',
      PROVIDER_KEY_TESTS_PER_HOUR: '10000',
      // The specs register users freely; invitation specs create their invitations as the first (admin) user.
      REGISTRATION: 'open',
      REGISTRATION_MAX_PER_IP: '1000',
      ...options.environment,
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
