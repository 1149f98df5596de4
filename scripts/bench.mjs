#!/usr/bin/env node
// `pnpm bench`: the provider stand-ins hit directly vs through the gateway (one process, as a user
// runs it), JSON and streaming, at 1 connection (per-request overhead) and 50 (throughput), with
// the server's key and with the caller's own key (BYOK). Prints req/s, p50, p99, time to first
// streamed byte and the gateway's overhead, and writes them to docs/benchmarks.md.
// Everything binds and connects to 127.0.0.1. Load comes from wrk (installed from Debian's packages
// when missing). Knobs: DURATION (5s), ROUNDS (3), WARMUP (2s), CONNECTIONS (1,50), MODES (json,stream),
// PROVIDERS (openai,anthropic,google; chat rows), ENDPOINTS (embeddings,responses: one OpenAI JSON row each),
// OUTPUT (docs/benchmarks.md; "-" = don't write).
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT, buildWhatIsMissing } from './lib.mjs';
import { apiKeyFor, ensureWrk, fmt, machine, median, runWrk, startGateway, startStandIns } from './bench/support.mjs';

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


async function main() {
  ensureWrk();
  await buildWhatIsMissing();
  const { DEFAULT_STAND_IN_KEYS: keys } = await import(path.join(ROOT, 'packages/provider-stand-ins/dist/index.js'));

  const standIns = await startStandIns();
  const gateway = await startGateway(standIns, { OPENAI_API_KEY: keys.openai[0], ANTHROPIC_API_KEY: keys.anthropic[0], GOOGLE_API_KEY: keys.google[0] });
  const gatewayUrl = gateway.url;

  // Two callers: one with no provider keys (server keys), one with their own (BYOK).
  const serverCaller = await apiKeyFor(gatewayUrl, 'server@bench.local', {});
  const byokCaller = await apiKeyFor(gatewayUrl, 'byok@bench.local', { openai: keys.openai[1], anthropic: keys.anthropic[1], google: keys.google[1] });

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

const MODE_ARGUMENTS = { '--peer': 'portkey.mjs', '--slow-streams': 'slow-streams.mjs', '--scaling': 'scaling.mjs', '--profile': 'profile.mjs', '--ab': 'ab.mjs' };
const benchMode = process.argv.slice(2).find((argument) => argument in MODE_ARGUMENTS);
if (benchMode) {
  // `pnpm bench --peer portkey`, `--slow-streams`, `--scaling`, `--profile`, `--ab <build>`: the other benches, each its own script.
  await import(`./bench/${MODE_ARGUMENTS[benchMode]}`);
} else {
  await main().catch((error) => {
    console.error(`bench: ${error.message}`);
    process.exit(1);
  });
}
