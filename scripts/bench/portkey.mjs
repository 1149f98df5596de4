// `pnpm bench --peer portkey`: UniRoute against Portkey's open-source gateway under the same load, in one run, with
// the shared harness (`../shared/bench`: its OpenAI-compatible mock, Portkey 1.15.2 pinned in its `peer/`, wrk).
// This script does what its README asks of a person: installs Portkey outside the read-only harness, starts
// UniRoute as a user would (the built gateway on the embedded database, OpenAI pointed at the harness's mock), gives
// it a BYOK caller whose stored OpenAI key is `sk-user-byok` (the harness's smoke check then proves that key reached
// the mock), runs the harness with UniRoute as its third target and writes the figures to docs/benchmarks.md.
// Then it runs the harness once more with a bare relay as the third target (`apps/gateway/bench/bare-relay.mjs`:
// Fastify + undici relaying bytes, nothing else): what a ratio to Portkey can be on this machine when a gateway does
// no work of its own, so that UniRoute's ratio is read against the machine's ceiling rather than alone.
// Knobs: PEER_BENCH_DIR (../shared/bench), PEER_DIR (.tmp/bench-peer), ROUNDS (3), DURATION (8s), WARMUP (2s),
// CONNECTIONS (1,50), MODES (json,stream), BARE_RELAY (1; 0 = skip its run), OUTPUT (docs/benchmarks.md; "-" = don't write).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildWhatIsMissing } from '../lib.mjs';
import { HARNESS, PEER_DIR, apiKeyFor, ensurePortkey, ensureWrk, fmt, freePort, machine, signed, startBareRelay, startGateway, tmp, writeSection } from './support.mjs';

const env = process.env;
const peerArgument = process.argv[process.argv.indexOf('--peer') + 1];
if (peerArgument !== 'portkey') {
  console.error(`bench: --peer ${peerArgument ?? ''}: the only peer is "portkey"`);
  process.exit(2);
}
const OUTPUT = env.OUTPUT ?? path.join(ROOT, 'docs/benchmarks.md');
const BYOK_KEY = 'sk-user-byok';

function runHarness(extraEnv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(HARNESS, 'bench.mjs')], { cwd: HARNESS, env: { ...env, ...extraEnv }, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the harness exited with ${code}`))));
  });
}

async function main() {
  ensureWrk();
  ensurePortkey();
  await buildWhatIsMissing();
  const mockPort = await freePort();
  const gateway = await startGateway({ openai: `http://127.0.0.1:${mockPort}/v1` });
  const apiKey = await apiKeyFor(gateway.url, 'byok@bench.local', { openai: BYOK_KEY });
  const results = path.join(tmp, 'portkey-results.json');
  const settings = { ROUNDS: env.ROUNDS ?? '3', DURATION: env.DURATION ?? '8s', WARMUP: env.WARMUP ?? '2s', CONNECTIONS: env.CONNECTIONS ?? '1,50', MODES: env.MODES ?? 'json,stream' };
  await runHarness({
    ...settings,
    PEER_DIR,
    MOCK_PORT: String(mockPort),
    PORTKEY_PORT: String(await freePort()),
    TARGET_URL: `${gateway.url}/v1/chat/completions`,
    TARGET_HEADERS: JSON.stringify({ Authorization: `Bearer ${apiKey}` }),
    TARGET_NAME: 'uniroute',
    RESULTS_JSON: results,
  });
  const { rows } = JSON.parse(readFileSync(results, 'utf8'));
  let bareRows = [];
  if (env.BARE_RELAY !== '0') {
    const bare = await startBareRelay(`http://127.0.0.1:${mockPort}/v1/chat/completions`, BYOK_KEY);
    const bareResults = path.join(tmp, 'bare-relay-results.json');
    await runHarness({ ...settings, PEER_DIR, MOCK_PORT: String(mockPort), PORTKEY_PORT: String(await freePort()), TARGET_URL: bare.url, TARGET_NAME: 'bare', RESULTS_JSON: bareResults });
    bare.child.kill('SIGTERM');
    bareRows = JSON.parse(readFileSync(bareResults, 'utf8')).rows;
  }
  const find = (from, mode, conns, target) => from.find((row) => row.mode === mode && row.conns === conns && row.target === target);
  const lines = [
    '| mode | conns | direct req/s | Portkey req/s | UniRoute req/s | UniRoute ÷ Portkey | bare relay ÷ Portkey (its own run) | Δp50 Portkey ms | Δp50 UniRoute ms | Δp99 UniRoute ms | errors (all targets) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const direct of rows.filter((row) => row.target === 'direct')) {
    const portkey = find(rows, direct.mode, direct.conns, 'portkey');
    const uniroute = find(rows, direct.mode, direct.conns, 'uniroute');
    const bare = find(bareRows, direct.mode, direct.conns, 'bare');
    const barePortkey = find(bareRows, direct.mode, direct.conns, 'portkey');
    const errors = direct.errors + (portkey?.errors ?? 0) + (uniroute?.errors ?? 0) + (bare?.errors ?? 0);
    lines.push(
      `| ${direct.mode} | ${direct.conns} | ${fmt(direct.rps, 0)} | ${fmt(portkey?.rps, 0)} | ${fmt(uniroute?.rps, 0)} | **${fmt(uniroute?.rps / portkey?.rps, 1)}×** | ${fmt(bare?.rps / barePortkey?.rps, 1)}× | ${signed(portkey?.p50 - direct.p50)} | ${signed(uniroute?.p50 - direct.p50)} | ${signed(uniroute?.p99 - direct.p99)} | ${errors} |`,
    );
  }
  const portkeyVersion = JSON.parse(readFileSync(path.join(PEER_DIR, 'node_modules/@portkey-ai/gateway/package.json'), 'utf8')).version;
  const section = [
    `Measured with \`pnpm bench --peer portkey\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}; Portkey ${portkeyVersion}.`,
    `The shared harness (\`${path.relative(ROOT, HARNESS)}\`) puts the same wrk load (1 thread, ${settings.ROUNDS} interleaved rounds of ${settings.DURATION}`,
    `after a ${settings.WARMUP} warm-up each, medians) on its OpenAI-compatible mock directly, on Portkey and on UniRoute, both in front of that mock.`,
    'UniRoute runs as a user runs it (`node apps/gateway/dist/main.js`, embedded PGlite, access log on) and is called with the `ur_` key of a BYOK',
    `user whose stored OpenAI key is \`${BYOK_KEY}\`; the harness's smoke check confirms the mock received that key. All processes share the machine.`,
    'The bare relay (`apps/gateway/bench/bare-relay.mjs`: Fastify + undici relaying the bytes with one fixed key; no auth, parsing, logs, metrics',
    'or database) ran in a second pass of the harness right after, against its own direct and Portkey rows: the ratio a gateway on this stack',
    'reaches on this machine when it does nothing else.',
    '',
    ...lines,
  ].join('\n');
  console.log(`\n${section}`);
  if (OUTPUT !== '-') {
    writeSection(OUTPUT, 'Against Portkey, in the same run', section);
    console.log(`written to ${path.relative(ROOT, OUTPUT)}`);
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exit(1);
}
