// What every `pnpm bench` mode shares: child processes that die with the bench, ports, readiness
// checks, wrk (installed from Debian's packages when missing) and the gateway as a user runs it.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ROOT, hasCommand } from '../lib.mjs';

export const tmp = mkdtempSync(path.join(os.tmpdir(), 'uniroute-bench-'));
const children = [];
/** Databases made on BENCH_DATABASE_URL's server for this run, dropped when it ends. */
const benchDatabases = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  // Synchronous (an exit handler cannot await): a child process drops them, FORCE ending the gateway's connections.
  if (benchDatabases.length > 0) spawnSync(process.execPath, ['--input-type=module', '-e', DROP_DATABASES, ...benchDatabases], { cwd: path.join(ROOT, 'apps/gateway'), env: { ...process.env, BENCH_ADMIN_URL: process.env.BENCH_DATABASE_URL }, stdio: 'inherit' });
  rmSync(tmp, { recursive: true, force: true });
});
const DROP_DATABASES = `
  import pg from 'pg';
  const client = new pg.Client({ connectionString: process.env.BENCH_ADMIN_URL });
  await client.connect();
  for (const name of process.argv.slice(1)) await client.query('DROP DATABASE IF EXISTS ' + name + ' WITH (FORCE)');
  await client.end();`;
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** The shared bench harness (its mock, Portkey pinned in `peer/`) and where Portkey gets installed from it. */
export const HARNESS = path.resolve(process.env.PEER_BENCH_DIR ?? path.join(ROOT, '../shared/bench'));
export const PEER_DIR = path.resolve(process.env.PEER_DIR ?? path.join(ROOT, '.tmp/bench-peer'));
const PORTKEY_BIN = path.join(PEER_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const fmt = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
/** A difference with its sign: +0.40, −3.10 (a gateway can beat the direct row's p99 when the mock has a slow moment). */
export const signed = (value, digits = 2) => (Number.isFinite(value) ? `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(digits)}` : '—');
/** The value below which `fraction` of `sorted` (ascending) lies. */
export const percentile = (sorted, fraction) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]);

export function ensureWrk() {
  if (hasCommand('wrk')) return;
  console.log('installing wrk from Debian packages …');
  const result = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq wrk'], { stdio: 'inherit' });
  if (result.status !== 0 || !hasCommand('wrk')) throw new Error('wrk is needed for the benchmark: apt-get install -y wrk');
}

/** A Node child whose output goes to a log file in the bench's temporary directory. */
export function startNode(name, args, extraEnv = {}, options = {}) {
  const log = path.join(tmp, `${name}.log`);
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...extraEnv }, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
  child.logFile = log;
  children.push(child);
  return child;
}

export async function waitFor(url, child, name) {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${readFileSync(child.logFile, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${name} did not start`);
}

/**
 * The bare relay (`apps/gateway/bench/bare-relay.mjs`: Fastify + undici relaying the bytes of chat completions to
 * `upstreamUrl` with `upstreamKey`, nothing else), started and answering: a benchmark target for the machine's floor.
 */
export async function startBareRelay(upstreamUrl, upstreamKey) {
  const port = await freePort();
  const child = startNode('bare-relay', [path.join(ROOT, 'apps/gateway/bench/bare-relay.mjs')], { PORT: String(port), UPSTREAM_URL: upstreamUrl, UPSTREAM_KEY: upstreamKey });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/metrics`, child, 'bare relay');
  return { child, url: `${origin}/v1/chat/completions`, metricsUrl: `${origin}/metrics` };
}

export async function freePort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function json(method, url, body, token) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Starts the stand-ins (`packages/provider-stand-ins`) on a free port; `options` are its env knobs. */
export async function startStandIns(extraEnv = {}) {
  const port = await freePort();
  const child = startNode('stand-ins', [path.join(ROOT, 'packages/provider-stand-ins/scripts/start.mjs')], { STAND_INS_PORT: String(port), ...extraEnv });
  await waitFor(`http://127.0.0.1:${port}/__stand-ins/health`, child, 'stand-ins');
  return {
    child,
    openai: `http://127.0.0.1:${port}/openai/v1`,
    anthropic: `http://127.0.0.1:${port}/anthropic`,
    google: `http://127.0.0.1:${port}/google`,
  };
}

/**
 * The built gateway as one process on the embedded database (as `pnpm start` runs it), on loopback, opening its own
 * registration for the bench's callers and lifting the abuse limits (§12) that would otherwise be what is measured.
 */
export async function startGateway(upstreams, extraEnv = {}, options = {}) {
  const port = await freePort();
  const databaseUrl = process.env.BENCH_DATABASE_URL ? await freshDatabase(process.env.BENCH_DATABASE_URL) : '';
  // BENCH_GATEWAY_ENTRY (or `options.entry`): another build (an older checkout's apps/gateway/dist/main.js), for before/after runs.
  const entry = path.resolve(options.entry ?? process.env.BENCH_GATEWAY_ENTRY ?? path.join(ROOT, 'apps/gateway/dist/main.js'));
  const name = options.name ?? 'gateway';
  const child = startNode(name, [entry], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(tmp, name === 'gateway' ? 'data' : `${name}-data`),
    // BENCH_DATABASE_URL: the gateway on a PostgreSQL server instead (the embedded PGlite lives in the gateway's own
    // process, WebAssembly memory included, so RSS figures differ by ~600 MB between the two).
    DATABASE_URL: databaseUrl,
    OPENAI_BASE_URL: upstreams.openai,
    ...(upstreams.anthropic ? { ANTHROPIC_BASE_URL: upstreams.anthropic } : {}),
    ...(upstreams.google ? { GOOGLE_BASE_URL: upstreams.google } : {}),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    SERVER_KEY_RPM: '0',
    MAX_INFLIGHT_PER_USER: '100000',
    REGISTRATION: 'open',
    REGISTRATION_MAX_PER_IP: '1000',
    ...extraEnv,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, child, name);
  return { child, url, pid: child.pid };
}

/**
 * A new, empty database on the server of `serverUrl`, dropped when the bench ends: each gateway starts with its own
 * random master key, which could not read the keys a previous run stored (and the server's other databases are
 * left as they were).
 */
export async function freshDatabase(serverUrl) {
  const pg = createRequire(path.join(ROOT, 'apps/gateway/package.json'))('pg');
  const name = `uniroute_bench_${process.pid}_${benchDatabases.length}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  benchDatabases.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Registers a caller, stores their provider keys (BYOK) and returns a `ur_` API key. */
export async function apiKeyFor(gatewayUrl, email, providerKeys = {}) {
  const { accessToken } = await json('POST', `${gatewayUrl}/auth/register`, { email, password: 'bench password 123' });
  for (const [provider, apiKey] of Object.entries(providerKeys)) await json('POST', `${gatewayUrl}/admin/provider-keys`, { provider, apiKey }, accessToken);
  return (await json('POST', `${gatewayUrl}/admin/api-keys`, { name: 'bench' }, accessToken)).key;
}

/** Resident memory (bytes) and CPU time (ms, user + system) of a process, from /proc. */
export function processUsage(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss, cpuMs: cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) };
  } catch {
    return { rss: Number.NaN, cpuMs: Number.NaN };
  }
}

/** CPU time (ms, user + system) of a process's main thread — for Node, the event loop. */
export function eventLoopCpuMs(pid) {
  return cpuMsOfStat(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
}

/** User + system CPU time (ms) from a /proc `stat` line (fields 14 and 15, in clock ticks of 10 ms). */
function cpuMsOfStat(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export function machine() {
  const cpus = os.cpus();
  const wrkVersion = hasCommand('wrk') ? spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0].split(' [')[0].trim() : 'no wrk';
  return `${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${wrkVersion}`;
}

/** Replaces (or appends) the `## <heading>` section of a Markdown file, keeping everything else. */
export function writeSection(file, heading, body) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const marker = `\n## ${heading}\n`;
  const start = text.indexOf(marker);
  const section = `${marker}\n${body.trim()}\n`;
  if (start === -1) {
    text = `${text.trimEnd()}\n${section}`;
  } else {
    const next = text.indexOf('\n## ', start + marker.length);
    text = text.slice(0, start) + section + (next === -1 ? '' : text.slice(next));
  }
  writeFileSync(file, text);
}

export function wrkScript(request) {
  const file = path.join(tmp, `wrk-${Math.random().toString(36).slice(2)}.lua`);
  const headers = { 'content-type': 'application/json', ...request.headers };
  writeFileSync(
    file,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(request.body)}\n${Object.entries(headers)
      .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
      .join('\n')}\n` +
      // Count non-2xx answers: the run must have 0 errors.
      'local failures = 0\nresponse = function(status) if status >= 300 then failures = failures + 1 end end\n' +
      'done = function(summary) io.write(string.format("non2xx %d\\n", summary.errors.status)) end\n',
  );
  return file;
}

function parseDuration(text) {
  const match = /([\d.]+)(us|ms|s|m)/.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return { us: value / 1000, ms: value, s: value * 1000, m: value * 60_000 }[match[2]];
}

/** One wrk run (1 thread) of `request` ({url, headers, body}, POSTed): req/s, p50/p99 ms, errors (non-2xx + socket). */
export function runWrk(request, connections, duration) {
  const script = wrkScript(request);
  const result = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${duration}`, '--latency', '-s', script, request.url], { encoding: 'utf8' });
  const out = result.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p50 = parseDuration(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = parseDuration(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  return { rps, p50, p99, errors, total };
}

/** Installs Portkey, as pinned by the harness, outside the (read-only) harness. */
export function ensurePortkey() {
  if (!existsSync(path.join(HARNESS, 'bench.mjs'))) throw new Error(`the shared bench harness is not at ${HARNESS} (set PEER_BENCH_DIR)`);
  if (existsSync(PORTKEY_BIN)) return;
  console.log(`installing Portkey (pinned by ${path.join(HARNESS, 'peer/package-lock.json')}) into ${PEER_DIR} …`);
  mkdirSync(PEER_DIR, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(HARNESS, 'peer', file), path.join(PEER_DIR, file));
  const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEER_DIR, stdio: 'inherit' });
  if (installed.status !== 0) throw new Error('npm ci of the Portkey peer failed');
}

/** Portkey's gateway on a free loopback port (the harness's preload keeps it off other interfaces). */
export async function startPortkey() {
  ensurePortkey();
  const port = await freePort();
  const child = startNode('portkey', ['--import', path.join(HARNESS, 'loopback-only.mjs'), PORTKEY_BIN, `--port=${port}`, '--headless'], {}, { cwd: HARNESS });
  await waitFor(`http://127.0.0.1:${port}/`, child, 'portkey');
  const version = JSON.parse(readFileSync(path.join(PORTKEY_BIN, '../../package.json'), 'utf8')).version;
  return { child, url: `http://127.0.0.1:${port}`, pid: child.pid, version };
}
