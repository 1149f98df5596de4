// `pnpm bench --slow-streams`: thousands of long, slow streams at once — real LLM traffic is mostly that, and no
// req/s figure shows what it costs. STREAMS (2000) concurrent chat streams, each STREAM_SECONDS (30) of tokens at
// TOKENS_PER_SECOND (20) from the stand-in (its STAND_INS_CHUNK_DELAY_MS / STAND_INS_STREAM_CHUNKS knobs), sent
// straight to the stand-in, through UniRoute (BYOK caller) and through Portkey (PORTKEY=0 to skip), one target at a
// time. Reports time to first byte p50/p99, failed streams, the serving process's peak and steady RSS and CPU, and
// the event-loop delay p99 that UniRoute's /metrics reports. Also through the bare relay (`apps/gateway/bench/bare-relay.mjs`:
// Fastify + undici relaying bytes, nothing else; BARE_RELAY=0 to skip), whose /metrics measures its event loop the same
// way: what the machine allows any gateway on this stack. Writes docs/benchmarks.md ("-" = don't write).
import path from 'node:path';
import { ROOT, buildWhatIsMissing } from '../lib.mjs';
import { apiKeyFor, fmt, machine, startBareRelay, startGateway, startPortkey, startStandIns, writeSection } from './support.mjs';
import { SDK_RETRIES, describeFailures, describeRetries, runStreams, slowStreamBody } from './stream-load.mjs';

const env = process.env;
const STREAMS = Number(env.STREAMS ?? 2000);
const STREAM_SECONDS = Number(env.STREAM_SECONDS ?? 30);
const TOKENS_PER_SECOND = Number(env.TOKENS_PER_SECOND ?? 20);
const OUTPUT = env.OUTPUT ?? path.join(ROOT, 'docs/benchmarks.md');
const MB = 2 ** 20;

async function main() {
  await buildWhatIsMissing();
  const { DEFAULT_STAND_IN_KEYS: keys } = await import(path.join(ROOT, 'packages/provider-stand-ins/dist/index.js'));
  const tokens = STREAMS > 0 ? STREAM_SECONDS * TOKENS_PER_SECOND : 0;
  const standIns = await startStandIns({ STAND_INS_CHUNK_DELAY_MS: String(Math.round(1000 / TOKENS_PER_SECOND)), STAND_INS_STREAM_CHUNKS: String(tokens) });
  const gateway = await startGateway(standIns, { OPENAI_API_KEY: keys.openai[0] });
  const apiKey = await apiKeyFor(gateway.url, 'byok@bench.local', { openai: keys.openai[1] });
  const body = slowStreamBody(tokens);
  const timeoutMs = (STREAM_SECONDS + 60) * 1000;

  const targets = [
    { name: 'direct (stand-in)', pid: standIns.child.pid, request: { url: `${standIns.openai}/chat/completions`, headers: { authorization: `Bearer ${keys.openai[1]}` }, body } },
    { name: 'UniRoute (BYOK)', pid: gateway.pid, metricsUrl: `${gateway.url}/metrics`, request: { url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${apiKey}` }, body } },
  ];
  if (env.BARE_RELAY !== '0') {
    const relay = await startBareRelay(`${standIns.openai}/chat/completions`, keys.openai[1]);
    targets.push({ name: 'bare relay (floor)', pid: relay.child.pid, metricsUrl: relay.metricsUrl, request: { url: relay.url, headers: {}, body } });
  }
  let portkeyVersion;
  if (env.PORTKEY !== '0') {
    const portkey = await startPortkey();
    portkeyVersion = portkey.version;
    targets.push({
      name: 'Portkey',
      pid: portkey.pid,
      request: { url: `${portkey.url}/v1/chat/completions`, headers: { authorization: `Bearer ${keys.openai[1]}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': standIns.openai }, body },
    });
  }

  const rows = [];
  for (const target of targets) {
    console.log(`${target.name}: ${STREAMS} streams of ${STREAM_SECONDS} s …`);
    const result = await runStreams({ request: target.request, count: STREAMS, pid: target.pid, metricsUrl: target.metricsUrl, timeoutMs });
    rows.push({ target: target.name, ...result });
    console.log(`  ${JSON.stringify({ ...result, peakRss: Math.round(result.peakRss / MB), steadyRss: Math.round(result.steadyRss / MB) })}`);
  }

  const lines = [
    '| target | streams | failed (after the SDK\'s retries) | retried | TTFB p50 ms | TTFB p99 ms | peak RSS MB | RSS with all open MB | CPU % of a core | event-loop delay p99 ms (worst / median scrape) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.target} | ${row.count} | ${row.failed}${describeFailures(row.reasons)} | ${describeRetries(row.retriedReasons)} | ${fmt(row.ttfbP50)} | ${fmt(row.ttfbP99)} | ${fmt(row.peakRss / MB, 0)} | ${fmt(row.steadyRss / MB, 0)} | ${fmt(row.cpuPercent, 0)} | ${Number.isFinite(row.loopDelayP99) ? `${fmt(row.loopDelayP99, 1)} / ${fmt(row.loopDelayMedianP99, 1)}` : '—'} |`,
    ),
  ];
  const section = [
    `Measured with \`pnpm bench --slow-streams\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}${portkeyVersion ? `; Portkey ${portkeyVersion}` : ''}.`,
    `${STREAMS} chat streams opened within 2 s and held to their end, each ${STREAM_SECONDS} s of ${TOKENS_PER_SECOND} tokens/s (${tokens} SSE events) from the`,
    'OpenAI stand-in; one target at a time, the client in the bench process. RSS and CPU are the serving process\'s own (from /proc); the',
    'event-loop delay is what UniRoute\'s (and the bare relay\'s) `/metrics` reports (`nodejs_eventloop_lag_p99_seconds`: prom-client\'s histogram of how late a',
    '10 ms timer fires, reset at each scrape), scraped every second. A failed stream is a non-200, a socket error or a stream that ended',
    `without \`[DONE]\`, after the retries an official SDK makes (${SDK_RETRIES}: connection errors, 408, 429 and 5xx, after \`Retry-After\`). The gateway ran on ${env.BENCH_DATABASE_URL ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'the embedded PGlite, which lives in its process: about 600 MB of its RSS is PGlite\'s WebAssembly memory'}.`,
    '',
    ...lines,
  ].join('\n');
  console.log(`\n${section}`);
  if (OUTPUT !== '-') writeSection(OUTPUT, 'Slow streams', section);
  if (rows.some((row) => row.failed > 0)) process.exitCode = 1;
}

try {
  await main();
  process.exit(process.exitCode ?? 0);
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exit(1);
}
