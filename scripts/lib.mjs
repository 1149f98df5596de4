// Small helpers shared by the root scripts (start, test, e2e, bench). Plain Node, no dependencies:
// they run before anything else is built.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How to call pnpm from a script: the pnpm that runs us (`npx pnpm@10 …` or a global one). */
export function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath))) {
    return execPath.endsWith('.js') || execPath.endsWith('.cjs') ? [process.execPath, [execPath]] : [execPath, []];
  }
  return ['pnpm', []];
}

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}

export function runPnpm(args, options = {}) {
  const [command, prefix] = pnpmCommand();
  return run(command, [...prefix, ...args], options);
}

/** Newest modification time under `directory` (skipping build output and dependencies). */
function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** The workspace packages `pnpm start` needs built, in dependency order, with what proves each is built. */
export const BUILD_STEPS = [
  { name: '@uniroute/shared', sources: ['packages/shared/src'], output: 'packages/shared/dist/index.js' },
  { name: '@uniroute/migrations', sources: ['migrations'], output: 'migrations/dist/index.js' },
  { name: '@uniroute/provider-stand-ins', sources: ['packages/provider-stand-ins/src'], output: 'packages/provider-stand-ins/dist/index.js' },
  { name: '@uniroute/gateway', sources: ['apps/gateway/src', 'packages/shared/src'], output: 'apps/gateway/dist/main.js' },
  { name: '@uniroute/web', sources: ['apps/web/src', 'apps/web/index.html', 'packages/shared/src'], output: 'apps/web/dist/index.html' },
];

/** Builds every package whose output is missing or older than its sources. */
export async function buildWhatIsMissing() {
  for (const step of BUILD_STEPS) {
    const output = path.join(ROOT, step.output);
    const builtAt = existsSync(output) ? statSync(output).mtimeMs : 0;
    const changedAt = Math.max(...step.sources.map((source) => newestMtime(path.join(ROOT, source))));
    if (builtAt > 0 && builtAt >= changedAt) continue;
    console.log(`building ${step.name} …`);
    const code = await runPnpm(['--filter', step.name, 'run', 'build']);
    if (code !== 0) throw new Error(`building ${step.name} failed (exit ${code})`);
  }
}

/** True when a command exists on PATH. */
export function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
