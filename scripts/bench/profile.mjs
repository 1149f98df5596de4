// `pnpm bench --profile`: where the gateway's time goes. Runs the built gateway under `--cpu-prof` with wrk load
// (OpenAI chat through a BYOK caller; PROFILE_MODE=json|stream, CONNECTIONS=50, DURATION=10s after a 2 s warm-up),
// keeps the profile in .tmp/profiles/ (open it in Chrome DevTools' Performance panel or speedscope.app for a flame
// graph) and prints the self time of the load window only — start-up and shutdown excluded — by package and by
// function. PROFILE_PROVIDER=anthropic|google profiles the translated paths instead; BENCH_GATEWAY_ENTRY another build.
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildWhatIsMissing } from '../lib.mjs';
import { apiKeyFor, ensureWrk, freePort, freshDatabase, runWrk, startNode, startStandIns, tmp, waitFor } from './support.mjs';

const env = process.env;
const MODE = env.PROFILE_MODE ?? 'json';
const PROVIDER = env.PROFILE_PROVIDER ?? 'openai';
const CONNECTIONS = Number(env.CONNECTIONS ?? 50);
const DURATION = env.DURATION ?? '10s';
const MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest', google: 'gemini-2.0-flash' };
const OUT = path.join(ROOT, '.tmp/profiles');
/** Another build to profile (e.g. an older checkout's `apps/gateway/dist/main.js`), for before/after comparisons. */
const GATEWAY_ENTRY = path.resolve(env.BENCH_GATEWAY_ENTRY ?? path.join(ROOT, 'apps/gateway/dist/main.js'));

/** Self time per sample node within [from, to] (µs timestamps of the profile's clock). */
function selfTimes(profile, from, to) {
  const byNode = new Map();
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    at += profile.timeDeltas[index] ?? 0;
    if (at >= from && at <= to) byNode.set(profile.samples[index], (byNode.get(profile.samples[index]) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  return byNode;
}

function packageOf(url, functionName) {
  const dependency = /node_modules\/\.pnpm\/(@?[^/@]+(?:\+[^/@]+)?)@/.exec(url);
  if (dependency) return dependency[1].replace('+', '/');
  if (url.includes('/apps/gateway/')) return 'gateway (ours)';
  if (url.startsWith('node:')) return 'node core';
  return functionName || '(native)';
}

function report(profile, from, to) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPackage = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const [id, micros] of selfTimes(profile, from, to)) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    total += micros;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(`${ROOT}/`, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  }
  const top = (map, count) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`)
      .join('\n');
  return `self time in the load window: ${(total / 1000).toFixed(0)} ms\n\nby package:\n${top(byPackage, 25)}\n\nby function:\n${top(byFunction, 40)}`;
}

async function main() {
  ensureWrk();
  await buildWhatIsMissing();
  const { DEFAULT_STAND_IN_KEYS: keys } = await import(path.join(ROOT, 'packages/provider-stand-ins/dist/index.js'));
  const standIns = await startStandIns();
  const directory = path.join(tmp, 'profile');
  const port = await freePort();
  const gateway = startNode('gateway', ['--cpu-prof', `--cpu-prof-dir=${directory}`, GATEWAY_ENTRY], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(tmp, 'data'),
    DATABASE_URL: env.BENCH_DATABASE_URL ? await freshDatabase(env.BENCH_DATABASE_URL) : '',
    OPENAI_BASE_URL: standIns.openai,
    ANTHROPIC_BASE_URL: standIns.anthropic,
    GOOGLE_BASE_URL: standIns.google,
    SERVER_KEY_RPM: '0',
    MAX_INFLIGHT_PER_USER: '100000',
    REGISTRATION: 'open',
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, gateway, 'gateway');
  const apiKey = await apiKeyFor(url, 'profile@bench.local', { [PROVIDER]: keys[PROVIDER][1] });
  const body = JSON.stringify({ model: MODELS[PROVIDER], max_tokens: 64, ...(MODE === 'stream' ? { stream: true } : {}), messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });
  const request = { url: `${url}/v1/chat/completions`, headers: { authorization: `Bearer ${apiKey}` }, body };
  runWrk(request, 10, '2s');
  // The profile's clock is the monotonic one (µs), as is hrtime: the load window is known exactly.
  const from = Number(process.hrtime.bigint() / 1000n);
  const result = runWrk(request, CONNECTIONS, DURATION);
  const to = Number(process.hrtime.bigint() / 1000n);
  gateway.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
  // One profile per thread (CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile): the main thread's is thread 0 (the
  // embedded database's worker thread has its own).
  const file = readdirSync(directory).find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  if (!file) throw new Error('the gateway wrote no profile');
  mkdirSync(OUT, { recursive: true });
  const kept = path.join(OUT, `${PROVIDER}-${MODE}-c${CONNECTIONS}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  const text = readFileSync(path.join(directory, file), 'utf8');
  for (const other of readdirSync(directory).filter((name) => name !== file && name.endsWith('.cpuprofile'))) {
    // The other threads' profiles (the embedded database's worker), kept beside the main one.
    const { copyFileSync } = await import('node:fs');
    mkdirSync(OUT, { recursive: true });
    copyFileSync(path.join(directory, other), path.join(OUT, `worker-${other}`));
  }
  rmSync(directory, { recursive: true, force: true });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(kept, text);
  console.log(`${PROVIDER} ${MODE} c=${CONNECTIONS} ${DURATION}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, errors ${result.errors}`);
  console.log(`profile: ${path.relative(ROOT, kept)}\n`);
  console.log(report(JSON.parse(text), from, to));
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exit(1);
}
