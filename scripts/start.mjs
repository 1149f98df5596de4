#!/usr/bin/env node
// `pnpm start`: builds what is missing (or out of date), then runs the gateway with the settings
// SPA on PORT (default 3000). Installs nothing: `pnpm install` comes first.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, buildWhatIsMissing } from './lib.mjs';

try {
  await buildWhatIsMissing();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const gateway = spawn(process.execPath, [path.join(ROOT, 'apps/gateway/dist/main.js')], { stdio: 'inherit', cwd: ROOT });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => gateway.kill(signal));
gateway.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
