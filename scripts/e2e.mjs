#!/usr/bin/env node
// `pnpm test:e2e`: the Playwright end-to-end tests (e2e/, playwright.config.ts) in Debian's Chromium,
// against the built gateway and the provider stand-ins.
//   1. installs Debian's chromium package when /usr/bin/chromium is missing (Playwright's own
//      browser downloads are not used: the config points at the system browser);
//   2. builds what is missing;
//   3. runs `playwright test` with the root config; extra arguments are passed on
//      (`node scripts/e2e.mjs --grep delete`), and so is its exit code.
// PLAYWRIGHT_JSON_OUTPUT_NAME (set by scripts/test.mjs) picks the JSON reporter's output file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildWhatIsMissing, hasCommand, run, runPnpm } from './lib.mjs';

const CHROMIUM = '/usr/bin/chromium';

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

async function installChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log(`e2e: ${CHROMIUM} is missing; installing Debian's chromium package.`);
  if (!hasCommand('apt-get')) fail(`apt-get is not available: install Chromium so that ${CHROMIUM} exists, then run this again.`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = isRoot ? [] : hasCommand('sudo') ? ['sudo'] : null;
  if (prefix === null) fail(`installing Chromium needs root (or sudo): run \`apt-get update && apt-get install -y chromium\` as root.`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', 'chromium']]) {
    const command = [...prefix, ...args];
    console.log(`e2e: $ ${command.join(' ')}`);
    const code = await run(command[0], command.slice(1), { env });
    if (code !== 0) fail(`\`${args.join(' ')}\` failed (exit ${code}); Chromium is needed at ${CHROMIUM}.`);
  }
  if (!existsSync(CHROMIUM)) fail(`the chromium package is installed but ${CHROMIUM} is still missing.`);
  console.log(`e2e: installed ${CHROMIUM}.`);
}

await installChromium();

try {
  await buildWhatIsMissing();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const args = ['test', '--config', path.join(ROOT, 'playwright.config.ts'), ...process.argv.slice(2)];
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
const localBinary = path.join(ROOT, 'node_modules', '.bin', 'playwright');
const code = existsSync(localBinary) ? await run(localBinary, args, { env }) : await runPnpm(['exec', 'playwright', ...args], { env });
process.exit(code);
