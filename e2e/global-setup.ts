import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENV_NAMES } from './support/env.js';
import { startGateway, type StartedGateway } from './support/gateway.js';
import { KEYS } from './support/keys.js';
import { GATEWAY_LOG, OUTPUT_DIR, ROOT, RUNS_DIR, SCREENSHOTS_DIR } from './support/paths.js';

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
    gateway = await startGateway({ standInBaseUrls: standIns.baseUrls, dataDirectory });
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
