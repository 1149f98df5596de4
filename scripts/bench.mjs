#!/usr/bin/env node
// `pnpm bench`: the provider stand-ins hit directly vs through the gateway (one process, as a user
// runs it), JSON and streaming, at 1 connection (per-request overhead) and 50 (throughput), with
// the server's key and with the caller's own key (BYOK). Prints req/s, p50, p99, time to first
// streamed byte and the gateway's overhead, and writes them to docs/benchmarks.md.
// Everything binds and connects to 127.0.0.1. Load comes from wrk (installed from Debian's packages
// when missing). Knobs: DURATION (5s), ROUNDS (3), WARMUP (2s), CONNECTIONS (1,50), MODES (json,stream),
// PROVIDERS (openai,anthropic,google; chat rows), ENDPOINTS (embeddings,responses: one OpenAI JSON row each),
// OUTPUT (docs/benchmarks.md; "-" = don't write).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT, buildWhatIsMissing, hasCommand } from './lib.mjs';

const env = process.env;
const DURATION = env.DURATION ?? '5s';
// Rounds per row, interleaved across the targets of a group and reported as the median: this
// machine's speed drifts by tens of percent within minutes, so back-to-back rows alone mislead.
const ROUNDS = Number(env.ROUNDS ?? 3);
const WARMUP = env.WARMUP ?? '2s';
const CONNECTIONS = (env.CONNECTIONS ?? '1,50').split(',').map(Number);
const MODES = (env.MODES ?? 'json,stream').split(',');
const PROVIDERS = (env.PROVIDERS ?? 'openai,anthropic,google').split(',').filter(Boolean);
const ENDPOINTS = (env.ENDPOINTS ?? 'embeddings,responses').split(',').filter(Boolean);
/** One JSON request per extra endpoint (§11), the same bytes sent direct and through the gateway (OpenAI relays them). */
const ENDPOINT_REQUESTS = {
  embeddings: { path: '/embeddings', body: JSON.stringify({ model: 'text-embedding-3-small', input: ['The quick brown fox', 'jumps over the lazy dog'], encoding_format: 'base64' }) },
  responses: { path: '/responses', body: JSON.stringify({ model: 'gpt-4o-mini', input: 'Say hello in one short sentence.', instructions: 'You are a concise assistant.', max_output_tokens: 64, store: false }) },
};
const OUTPUT = env.OUTPUT ?? path.join(ROOT, 'docs/benchmarks.md');
const MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest', google: 'gemini-2.0-flash' };
const TTFB_PROBES = 25;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'uniroute-bench-'));
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function ensureWrk() {
  if (hasCommand('wrk')) return;
  console.log('installing wrk from Debian packages …');
  const result = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq wrk'], { stdio: 'inherit' });
  if (result.status !== 0 || !hasCommand('wrk')) throw new Error('wrk is needed for the benchmark: apt-get install -y wrk');
}

function startNode(name, args, extraEnv) {
  const log = path.join(tmp, `${name}.log`);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
  child.logFile = log;
  children.push(child);
  return child;
}

async function waitFor(url, child, name) {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${readFileSync(child.logFile, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${name} did not start`);
}

async function freePort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function json(method, url, body, token) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

function requestBody(provider, stream) {
  return JSON.stringify({
    model: MODELS[provider],
    messages: [{ role: 'system', content: 'You are a concise assistant.' }, { role: 'user', content: 'Say hello in one short sentence.' }],
    max_tokens: 64,
    ...(stream ? { stream: true } : {}),
  });
}

/** The native request a client would send straight to the stand-in, for the "direct" baseline. */
function directRequest(standIns, provider, stream, keys) {
  const body = JSON.parse(requestBody(provider, stream));
  if (provider === 'openai') {
    return { url: `${standIns.openai}/chat/completions`, headers: { authorization: `Bearer ${keys.openai[0]}` }, body: JSON.stringify(body) };
  }
  if (provider === 'anthropic') {
    return {
      url: `${standIns.anthropic}/v1/messages`,
      headers: { 'x-api-key': keys.anthropic[0], 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: body.model, system: body.messages[0].content, messages: [body.messages[1]], max_tokens: 64, ...(stream ? { stream: true } : {}) }),
    };
  }
  const action = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return {
    url: `${standIns.google}/v1beta/models/${body.model}:${action}`,
    headers: { 'x-goog-api-key': keys.google[0] },
    body: JSON.stringify({ systemInstruction: { parts: [{ text: body.messages[0].content }] }, contents: [{ role: 'user', parts: [{ text: body.messages[1].content }] }], generationConfig: { maxOutputTokens: 64 } }),
  };
}

function wrkScript(request) {
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

function runWrk(request, connections, duration) {
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

/** Median time to the first body byte over fresh connections, and to the end. */
async function probeTtfb(request) {
  const firstBytes = [];
  for (let index = 0; index < TTFB_PROBES; index += 1) {
    firstBytes.push(
      await new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const outgoing = http.request(request.url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body), ...request.headers } }, (response) => {
          let first;
          response.on('data', () => {
            first ??= Number(process.hrtime.bigint() - started) / 1e6;
          });
          response.on('end', () => (response.statusCode < 300 ? resolve(first) : reject(new Error(`status ${response.statusCode}`))));
        });
        outgoing.on('error', reject);
        outgoing.end(request.body);
      }),
    );
  }
  firstBytes.sort((a, b) => a - b);
  return firstBytes[Math.floor(firstBytes.length / 2)];
}

function machine() {
  const cpus = os.cpus();
  const wrkVersion = spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  return `${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${wrkVersion}`;
}

const fmt = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

async function main() {
  ensureWrk();
  await buildWhatIsMissing();
  const { DEFAULT_STAND_IN_KEYS: keys } = await import(path.join(ROOT, 'packages/provider-stand-ins/dist/index.js'));

  const standInsPort = await freePort();
  const standInsProcess = startNode('stand-ins', [path.join(ROOT, 'packages/provider-stand-ins/scripts/start.mjs')], { STAND_INS_PORT: String(standInsPort) });
  await waitFor(`http://127.0.0.1:${standInsPort}/__stand-ins/health`, standInsProcess, 'stand-ins');
  const standIns = {
    openai: `http://127.0.0.1:${standInsPort}/openai/v1`,
    anthropic: `http://127.0.0.1:${standInsPort}/anthropic`,
    google: `http://127.0.0.1:${standInsPort}/google`,
  };

  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const gateway = startNode('gateway', [path.join(ROOT, 'apps/gateway/dist/main.js')], {
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(tmp, 'data'),
    DATABASE_URL: '',
    OPENAI_BASE_URL: standIns.openai,
    ANTHROPIC_BASE_URL: standIns.anthropic,
    GOOGLE_BASE_URL: standIns.google,
    OPENAI_API_KEY: keys.openai[0],
    ANTHROPIC_API_KEY: keys.anthropic[0],
    GOOGLE_API_KEY: keys.google[0],
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    // The bench measures throughput, not the abuse limits (§12): no server-key ration, room for every connection.
    SERVER_KEY_RPM: '0',
    MAX_INFLIGHT_PER_USER: '100000',
    // A private gateway on loopback that registers its own two callers (the default is `invite`).
    REGISTRATION: 'open',
    REGISTRATION_MAX_PER_IP: '1000',
  });
  await waitFor(`${gatewayUrl}/healthz`, gateway, 'gateway');

  // Two callers: one with no provider keys (server keys), one with their own (BYOK).
  const apiKeyFor = async (email, providerKeys) => {
    const { accessToken } = await json('POST', `${gatewayUrl}/auth/register`, { email, password: 'bench password 123' });
    for (const [provider, apiKey] of Object.entries(providerKeys)) await json('POST', `${gatewayUrl}/admin/provider-keys`, { provider, apiKey }, accessToken);
    return (await json('POST', `${gatewayUrl}/admin/api-keys`, { name: 'bench' }, accessToken)).key;
  };
  const serverCaller = await apiKeyFor('server@bench.local', {});
  const byokCaller = await apiKeyFor('byok@bench.local', { openai: keys.openai[1], anthropic: keys.anthropic[1], google: keys.google[1] });

  const groups = [];
  for (const provider of PROVIDERS) {
    for (const mode of MODES) {
      const stream = mode === 'stream';
      const targets = [
        { provider, mode, target: 'direct', request: directRequest(standIns, provider, stream, keys) },
        { provider, mode, target: 'gateway (server key)', request: { url: `${gatewayUrl}/v1/chat/completions`, headers: { authorization: `Bearer ${serverCaller}` }, body: requestBody(provider, stream) } },
      ];
      if (provider === 'openai') {
        targets.push({ provider, mode, target: 'gateway (BYOK)', request: { url: `${gatewayUrl}/v1/chat/completions`, headers: { authorization: `Bearer ${byokCaller}` }, body: requestBody(provider, stream) } });
      }
      groups.push(targets);
    }
  }

  for (const endpoint of ENDPOINTS) {
    const { path: endpointPath, body } = ENDPOINT_REQUESTS[endpoint];
    groups.push([
      { provider: 'openai', mode: endpoint, target: 'direct', request: { url: `${standIns.openai}${endpointPath}`, headers: { authorization: `Bearer ${keys.openai[0]}` }, body } },
      { provider: 'openai', mode: endpoint, target: 'gateway (server key)', request: { url: `${gatewayUrl}/v1${endpointPath}`, headers: { authorization: `Bearer ${serverCaller}` }, body } },
    ]);
  }

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows = [];
  for (const targets of groups) {
    for (const item of targets) {
      runWrk(item.request, 10, WARMUP); // warm caches, JIT and keep-alive pools; discarded
      item.ttfb = item.mode === 'stream' ? await probeTtfb(item.request) : Number.NaN;
    }
    for (const connections of CONNECTIONS) {
      const runs = new Map(targets.map((item) => [item, []]));
      for (let round = 0; round < ROUNDS; round += 1) for (const item of targets) runs.get(item).push(runWrk(item.request, connections, DURATION));
      for (const item of targets) {
        const results = runs.get(item);
        const result = {
          rps: median(results.map((run) => run.rps)),
          p50: median(results.map((run) => run.p50)),
          p99: median(results.map((run) => run.p99)),
          errors: results.reduce((sum, run) => sum + run.errors, 0),
        };
        const { request, ...described } = item;
        rows.push({ ...described, connections, ...result });
        console.log(`${item.provider.padEnd(9)} ${item.mode.padEnd(6)} c=${String(connections).padEnd(3)} ${item.target.padEnd(21)} ${fmt(result.rps, 0).padStart(7)} req/s  p50 ${fmt(result.p50)} ms  p99 ${fmt(result.p99)} ms  errors ${result.errors}${item.mode === 'stream' ? `  ttfb ${fmt(item.ttfb)} ms` : ''}`);
      }
    }
  }

  const byokLines = [];
  const direct = (row) => rows.find((other) => other.target === 'direct' && other.provider === row.provider && other.mode === row.mode && other.connections === row.connections);
  const table = [
    '| provider | mode | conns | target | req/s | p50 ms | p99 ms | Δp50 vs direct | TTFB ms (Δ) | errors |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => {
      const base = direct(row);
      const deltaP50 = row.target === 'direct' ? '' : `+${fmt(row.p50 - base.p50)}`;
      const ttfb = row.mode === 'stream' ? `${fmt(row.ttfb)}${row.target === 'direct' ? '' : ` (+${fmt(row.ttfb - base.ttfb)})`}` : '';
      return `| ${row.provider} | ${row.mode} | ${row.connections} | ${row.target} | ${fmt(row.rps, 0)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${deltaP50} | ${ttfb} | ${row.errors} |`;
    }),
  ];
  for (const row of rows.filter((candidate) => candidate.target === 'gateway (BYOK)')) {
    const server = rows.find((other) => other.target === 'gateway (server key)' && other.provider === row.provider && other.mode === row.mode && other.connections === row.connections);
    byokLines.push(`- ${row.mode}, ${row.connections} connection(s): BYOK ${fmt(row.rps, 0)} req/s vs server key ${fmt(server.rps, 0)} req/s (${fmt(((row.rps - server.rps) / server.rps) * 100, 1)} %)`);
  }
  const totalErrors = rows.reduce((sum, row) => sum + row.errors, 0);
  const report = [
    '# Benchmarks',
    '',
    `Measured with \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}.`,
    `wrk (1 thread) → target, ${ROUNDS} rounds of ${DURATION} per row, interleaved with the other targets of the same provider, mode and`,
    `connection count, the median reported (this machine's speed drifts within minutes); after a ${WARMUP} warm-up; all on 127.0.0.1, the gateway as one process`,
    '(`node apps/gateway/dist/main.js`, embedded PGlite, LOG_LEVEL=' + (env.LOG_LEVEL ?? 'info') + ', access log on), in front of the provider stand-ins (`packages/provider-stand-ins`).',
    '"direct" sends the provider-native request straight to the stand-in; "gateway" sends the OpenAI-format request through UniRoute,',
    'which routes, authenticates the `ur_` key, resolves the credential, translates (Anthropic, Gemini) or relays bytes (OpenAI).',
    'mode "embeddings" / "responses": one JSON `POST /v1/embeddings` (two inputs, base64) / `POST /v1/responses` (`store: false`) relayed to OpenAI.',
    'Latencies are wrk\'s, to the complete response (for streams: the end of the stream). TTFB is the median time to the first',
    `byte over ${TTFB_PROBES} sequential requests on fresh connections. The closed loop means p50 ≈ connections ÷ req/s at saturation:`,
    'read c=1 for per-request overhead and c=50 for throughput. All processes share the 2 cores.',
    '',
    ...table,
    '',
    'BYOK (the caller\'s own key) vs the server key, same load:',
    '',
    ...byokLines,
    '',
    `Errors under load (non-2xx and socket errors, all rows): ${totalErrors}.`,
    '',
  ].join('\n');
  console.log(`\n${report}`);
  if (OUTPUT !== '-') {
    const existing = (() => {
      try {
        return readFileSync(OUTPUT, 'utf8');
      } catch {
        return '';
      }
    })();
    // Keep anything written below the generated part (e.g. the Portkey comparison notes).
    const notes = existing.includes('\n## ') ? existing.slice(existing.indexOf('\n## ')) : '';
    writeFileSync(OUTPUT, report + notes);
    console.log(`written to ${path.relative(ROOT, OUTPUT)}`);
  }
  if (totalErrors > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`bench: ${error.message}`);
  process.exit(1);
});
