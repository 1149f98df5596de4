// `pnpm bench --scaling`: how the cost grows. OpenAI chat JSON through UniRoute (BYOK caller) and straight to the
// stand-in at CONNECTIONS (1,10,50,200,1000) concurrent connections — req/s and p99 — and UniRoute's RSS with
// OPEN_STREAMS (100,1000,5000) streams held open at once. Writes a table to docs/benchmarks.md and a plot to
// docs/benchmarks-scaling.svg (Vega-Lite). Knobs: DURATION (5s), WARMUP (2s), ROUNDS (1), STREAM_SECONDS (15),
// OUTPUT ("-" = don't write), BENCH_DATABASE_URL (the gateway on PostgreSQL instead of the embedded PGlite).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { ROOT, buildWhatIsMissing } from '../lib.mjs';
import { apiKeyFor, ensureWrk, fmt, machine, median, runWrk, startGateway, startStandIns, writeSection } from './support.mjs';
import { describeFailures, describeRetries, runStreams, slowStreamBody } from './stream-load.mjs';

const env = process.env;
const CONNECTIONS = (env.CONNECTIONS ?? '1,10,50,200,1000').split(',').map(Number);
const OPEN_STREAMS = (env.OPEN_STREAMS ?? '100,1000,5000').split(',').map(Number);
const DURATION = env.DURATION ?? '5s';
const WARMUP = env.WARMUP ?? '2s';
const ROUNDS = Number(env.ROUNDS ?? 1);
const STREAM_SECONDS = Number(env.STREAM_SECONDS ?? 15);
const OUTPUT = env.OUTPUT ?? path.join(ROOT, 'docs/benchmarks.md');
const PLOT = path.join(path.dirname(OUTPUT === '-' ? path.join(ROOT, 'docs/x') : OUTPUT), 'benchmarks-scaling.svg');
const MB = 2 ** 20;
const TOKENS_PER_SECOND = 20;

async function plot(loadRows, streamRows) {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'UniRoute: how the cost grows (OpenAI chat JSON, BYOK)',
    hconcat: [
      {
        title: 'req/s by connections',
        data: { values: loadRows },
        mark: { type: 'line', point: true },
        encoding: { x: { field: 'connections', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'rps', type: 'quantitative', title: 'req/s' }, color: { field: 'target', type: 'nominal' } },
        width: 260,
        height: 200,
      },
      {
        title: 'p99 latency (ms) by connections',
        data: { values: loadRows },
        mark: { type: 'line', point: true },
        encoding: { x: { field: 'connections', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'p99', type: 'quantitative', title: 'p99 ms', scale: { type: 'log' } }, color: { field: 'target', type: 'nominal' } },
        width: 260,
        height: 200,
      },
      {
        title: 'gateway RSS (MB) by open streams',
        data: { values: streamRows.map((row) => ({ streams: row.count, rss: Math.round(row.steadyRss / MB) })) },
        mark: { type: 'line', point: true },
        encoding: { x: { field: 'streams', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'rss', type: 'quantitative', title: 'RSS MB' } },
        width: 260,
        height: 200,
      },
    ],
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

async function main() {
  ensureWrk();
  await buildWhatIsMissing();
  const { DEFAULT_STAND_IN_KEYS: keys } = await import(path.join(ROOT, 'packages/provider-stand-ins/dist/index.js'));
  const tokens = STREAM_SECONDS * TOKENS_PER_SECOND;
  const standIns = await startStandIns({ STAND_INS_CHUNK_DELAY_MS: String(1000 / TOKENS_PER_SECOND), STAND_INS_STREAM_CHUNKS: String(tokens) });
  const gateway = await startGateway(standIns, { OPENAI_API_KEY: keys.openai[0] });
  const apiKey = await apiKeyFor(gateway.url, 'byok@bench.local', { openai: keys.openai[1] });
  const body = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });
  const targets = [
    { target: 'direct', request: { url: `${standIns.openai}/chat/completions`, headers: { authorization: `Bearer ${keys.openai[1]}` }, body } },
    { target: 'UniRoute (BYOK)', request: { url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${apiKey}` }, body } },
  ];

  const loadRows = [];
  for (const item of targets) runWrk(item.request, 10, WARMUP);
  for (const connections of CONNECTIONS) {
    const runs = new Map(targets.map((item) => [item, []]));
    for (let round = 0; round < ROUNDS; round += 1) for (const item of targets) runs.get(item).push(runWrk(item.request, connections, DURATION));
    for (const item of targets) {
      const results = runs.get(item);
      const row = { target: item.target, connections, rps: median(results.map((run) => run.rps)), p50: median(results.map((run) => run.p50)), p99: median(results.map((run) => run.p99)), errors: results.reduce((sum, run) => sum + run.errors, 0) };
      loadRows.push(row);
      console.log(`c=${String(connections).padEnd(5)} ${item.target.padEnd(16)} ${fmt(row.rps, 0).padStart(7)} req/s  p50 ${fmt(row.p50)} ms  p99 ${fmt(row.p99)} ms  errors ${row.errors}`);
    }
  }

  const streamRows = [];
  const streamRequest = { url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${apiKey}` }, body: slowStreamBody(tokens) };
  for (const count of OPEN_STREAMS) {
    const result = await runStreams({ request: streamRequest, count, rampMs: Math.max(2_000, count), pid: gateway.pid, timeoutMs: (STREAM_SECONDS + 60) * 1000 });
    streamRows.push(result);
    console.log(`${count} open streams: RSS ${fmt(result.steadyRss / MB, 0)} MB (peak ${fmt(result.peakRss / MB, 0)}), failed ${result.failed}${describeFailures(result.reasons)}, retried ${describeRetries(result.retriedReasons)}, TTFB p99 ${fmt(result.ttfbP99)} ms`);
  }

  const byConnections = (target, connections) => loadRows.find((row) => row.target === target && row.connections === connections);
  const section = [
    `Measured with \`pnpm bench --scaling\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}; the gateway on ${env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'the embedded PGlite (in its process: ~600 MB of the RSS below is PGlite\'s WebAssembly memory)'}.`,
    `OpenAI chat JSON (wrk, 1 thread, ${ROUNDS} round(s) of ${DURATION}, median) straight to the stand-in and through UniRoute with a BYOK caller; then`,
    `UniRoute holding N streams open at once (${STREAM_SECONDS} s of ${TOKENS_PER_SECOND} tokens/s each), its RSS while all were open. Plot: \`docs/benchmarks-scaling.svg\`.`,
    '',
    '| connections | direct req/s | direct p99 ms | UniRoute req/s | UniRoute p99 ms | errors |',
    '|---:|---:|---:|---:|---:|---:|',
    ...CONNECTIONS.map((connections) => {
      const direct = byConnections('direct', connections);
      const gatewayRow = byConnections('UniRoute (BYOK)', connections);
      return `| ${connections} | ${fmt(direct.rps, 0)} | ${fmt(direct.p99)} | ${fmt(gatewayRow.rps, 0)} | ${fmt(gatewayRow.p99)} | ${direct.errors + gatewayRow.errors} |`;
    }),
    '',
    '| open streams | UniRoute RSS MB (all open) | peak RSS MB | failed (after the SDK\'s retries) | retried | TTFB p99 ms |',
    '|---:|---:|---:|---:|---:|---:|',
    ...streamRows.map((row) => `| ${row.count} | ${fmt(row.steadyRss / MB, 0)} | ${fmt(row.peakRss / MB, 0)} | ${row.failed}${describeFailures(row.reasons)} | ${describeRetries(row.retriedReasons)} | ${fmt(row.ttfbP99)} |`),
    '',
    '![How the cost grows](benchmarks-scaling.svg)',
  ].join('\n');
  console.log(`\n${section}`);
  if (OUTPUT !== '-') {
    writeSection(OUTPUT, 'How the cost grows', section);
    writeFileSync(PLOT, await plot(loadRows, streamRows));
    console.log(`written to ${path.relative(ROOT, OUTPUT)} and ${path.relative(ROOT, PLOT)}`);
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`bench: ${error.stack ?? error.message}`);
  process.exit(1);
}
