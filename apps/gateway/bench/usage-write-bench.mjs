#!/usr/bin/env node
// `pnpm bench:usage-write`: what writing the usage log (§10) costs per request. Runs the built gateway's own
// UsageRecorder (dist/, so the code measured is the code served) over BENCH_BATCHES batches of 1,000 realistic
// records — providers and models mixed, token counts varied, a few cached tokens, 2 % 429s, 1 % unknown models —
// and times each flush twice:
//   - JS: the flush against a database that answers at once (row building, cost estimates, serialisation);
//   - DB: the time spent inside `dataSource.query` on a real database (the statement, its round trip, the driver).
// On the embedded database (PGlite in this process, served by pglite-socket to the `pg` driver, as the gateway
// does) and, when BENCH_DATABASE_URL is set, on PostgreSQL (a fresh database created and dropped there). The log is
// first seeded with BENCH_SEED_ROWS older requests, so the indexes have a realistic size. Prints µs per row.
// Knobs: BENCH_BATCHES (20), BENCH_SEED_ROWS (1,000,000), BENCH_USERS (200), BENCH_DATABASES (pglite,postgres).
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBenchPostgres } from './bench-postgres.mjs';

const GATEWAY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(GATEWAY, 'dist/usage/usage-recorder.js'))) {
  console.error('bench:usage-write needs the built gateway: run `pnpm build` first.');
  process.exit(1);
}
const { UsageRecorder } = await import('../dist/usage/usage-recorder.js');
const { MetricsService } = await import('../dist/metrics/metrics.service.js');
const { ALL_MIGRATIONS } = await import('@uniroute/migrations');

const env = process.env;
const BATCHES = Number(env.BENCH_BATCHES ?? 20);
const WARMUP_BATCHES = 3;
const BATCH = 1_000;
const SEED_ROWS = Number(env.BENCH_SEED_ROWS ?? 1_000_000);
const USERS = Number(env.BENCH_USERS ?? 200);
const DATABASES = (env.BENCH_DATABASES ?? (env.BENCH_DATABASE_URL ? 'pglite,postgres' : 'pglite')).split(',').filter(Boolean);
const SEED_CHUNK = 250_000;

/** A small deterministic PRNG (mulberry32): every run writes the same records. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = [
  ['openai', 'gpt-4o-mini', 30],
  ['openai', 'gpt-4o', 10],
  ['openai', 'text-embedding-3-small', 5],
  ['anthropic', 'claude-sonnet-4-5', 15],
  ['anthropic', 'claude-3-5-haiku-latest', 10],
  ['google', 'gemini-2.0-flash', 15],
  ['google', 'gemini-2.5-pro', 14],
  ['openai', 'gpt-unknown-finetune', 1],
];
const MODEL_WEIGHT = MODELS.reduce((sum, [, , weight]) => sum + weight, 0);

/** BATCH records as the routes would queue them in one second, for `people` (user id, API key ids, team id). */
function makeBatch(next, people) {
  const now = Date.now();
  const records = [];
  for (let index = 0; index < BATCH; index += 1) {
    const person = people[Math.floor(next() * people.length)];
    let pick = next() * MODEL_WEIGHT;
    const [provider, model] = MODELS.find(([, , weight]) => (pick -= weight) < 0) ?? MODELS[0];
    const failed = next() < 0.02;
    const stream = !failed && model !== 'text-embedding-3-small' && next() < 0.4;
    const prompt = Math.floor(20 + next() ** 3 * 30_000);
    const cached = provider !== 'google' && next() < 0.2 ? Math.floor(prompt * next() * 0.8) : 0;
    const cacheWrite = provider === 'anthropic' && next() < 0.1 ? Math.floor((prompt - cached) * next() * 0.5) : 0;
    const latency = 80 + next() ** 2 * 8_000;
    records.push({
      at: now - Math.floor(next() * 1_000),
      userId: person.userId,
      teamId: person.teamId,
      apiKeyId: person.apiKeyIds[Math.floor(next() * person.apiKeyIds.length)],
      endpoint: model === 'text-embedding-3-small' ? 'embeddings' : next() < 0.1 ? 'native' : 'chat',
      provider,
      model,
      stream,
      keySource: next() < 0.5 ? 'user' : 'server',
      keyId: 'server',
      status: failed ? 429 : 200,
      latencyMs: latency,
      ttfbMs: stream ? latency * next() * 0.5 : null,
      usage: failed
        ? { promptTokens: null, completionTokens: null, cachedTokens: null, cacheWriteTokens: null }
        : {
            promptTokens: prompt,
            completionTokens: model === 'text-embedding-3-small' ? 0 : Math.floor(5 + next() * 1_500),
            cachedTokens: cached,
            cacheWriteTokens: provider === 'anthropic' ? cacheWrite : null,
          },
      errorType: failed ? 'rate_limit_exceeded' : null,
    });
  }
  return records;
}

async function openPglite() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const pg = (await import('pg')).default;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uniroute-usage-write-bench-'));
  const db = await PGlite.create({ dataDir: path.join(dir, 'pglite') });
  const server = new PGLiteSocketServer({ db, path: path.join(dir, '.s.PGSQL.5432'), maxConnections: 1 });
  await server.start();
  const client = new pg.Client({ host: dir, user: 'postgres', database: 'postgres' });
  await client.connect();
  return {
    label: 'embedded (PGlite, through pglite-socket and pg as the gateway uses it)',
    query: async (sql, params = []) => (await client.query(sql, params)).rows,
    close: async () => {
      await client.end();
      await server.stop();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Schema, users with API keys (a tenth of them in a team), and SEED_ROWS older requests with their indexes. */
async function seed(db) {
  await db.query(`SET TIME ZONE 'UTC'`);
  for (const Migration of ALL_MIGRATIONS) await new Migration().up({ query: (sql, params) => db.query(sql, params) });
  const users = await db.query(`INSERT INTO users (email, password_hash) SELECT 'bench' || g || '@example.com', 'x' FROM generate_series(1, $1) g RETURNING id`, [USERS]);
  const people = users.map(({ id }, index) => ({
    userId: id,
    teamId: index % 10 === 0 ? '11111111-1111-4111-8111-111111111111' : null,
    apiKeyIds: Array.from({ length: 1 + (index % 3) }, (_, key) => `${String(index).padStart(8, '0')}-0000-4000-8000-${String(key).padStart(12, '0')}`),
  }));
  const started = performance.now();
  const indexes = await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'usage_requests' AND indexname NOT LIKE '%_pkey'`);
  for (const index of indexes) await db.query(`DROP INDEX ${index.indexname}`);
  for (let start = 0; start < SEED_ROWS; start += SEED_CHUNK) {
    const end = Math.min(SEED_ROWS, start + SEED_CHUNK);
    // The past 30 days, in time order (as the writer appends them).
    await db.query(
      `WITH people AS (SELECT array_agg(id ORDER BY email) AS ids FROM users)
       INSERT INTO usage_requests (at, user_id, endpoint, provider, model, stream, key_source, key_id, status, latency_ms, prompt_tokens, completion_tokens, cost_usd)
       SELECT now() - interval '30 days' + (g::float8 / $3) * interval '30 days' - interval '1 hour',
              people.ids[1 + g % array_length(people.ids, 1)], 'chat', 'openai', 'gpt-4o-mini', false, 'server', 'server', 200,
              80 + g % 3000, 10 + g % 500, 5 + g % 300, (10 + g % 500) * 0.00000015
         FROM generate_series($1::bigint, $2::bigint - 1) g, people`,
      [start, end, SEED_ROWS],
    );
  }
  for (const index of indexes) await db.query(index.indexdef);
  await db.query('VACUUM ANALYZE usage_requests');
  return { people, seedMs: performance.now() - started };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function recorderOver(query) {
  const silent = { warn: (...args) => console.warn('usage recorder:', args[1], args[0]) };
  return new UsageRecorder({ query }, { usage: { retentionDays: 90, queueMax: 100_000 } }, silent, new MetricsService());
}

/** Queues a batch and times its flush; `queryMs()` says how much of it was spent inside the database call. */
async function flushTimed(recorder, records, queryMs) {
  for (const record of records) recorder.record(record);
  const before = queryMs();
  const started = performance.now();
  await recorder.flush();
  return { totalMs: performance.now() - started, dbMs: queryMs() - before };
}

async function measureJs(people) {
  const recorder = recorderOver(async () => []);
  const next = random(7);
  const times = [];
  for (let batch = 0; batch < WARMUP_BATCHES + BATCHES; batch += 1) {
    const { totalMs } = await flushTimed(recorder, makeBatch(next, people), () => 0);
    if (batch >= WARMUP_BATCHES) times.push(totalMs);
  }
  return median(times);
}

async function measureDb(db, people) {
  let inQuery = 0;
  const recorder = recorderOver(async (sql, params) => {
    const started = performance.now();
    try {
      return await db.query(sql, params);
    } finally {
      inQuery += performance.now() - started;
    }
  });
  const next = random(11);
  const times = [];
  for (let batch = 0; batch < WARMUP_BATCHES + BATCHES; batch += 1) {
    const { dbMs } = await flushTimed(recorder, makeBatch(next, people), () => inQuery);
    if (batch >= WARMUP_BATCHES) times.push(dbMs);
  }
  const [{ written }] = await db.query(`SELECT count(*)::int AS written FROM usage_requests WHERE at > now() - interval '1 hour'`);
  if (written !== (WARMUP_BATCHES + BATCHES) * BATCH) throw new Error(`expected ${(WARMUP_BATCHES + BATCHES) * BATCH} rows written, found ${written}`);
  return median(times);
}

const perRow = (ms) => `${((ms * 1000) / BATCH).toFixed(1)} µs/row`;

async function main() {
  for (const kind of DATABASES) {
    if (kind === 'postgres' && !env.BENCH_DATABASE_URL) throw new Error('BENCH_DATABASES includes postgres: set BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
    const db = kind === 'postgres' ? await openBenchPostgres(env.BENCH_DATABASE_URL, 'uniroute_usage_write_bench') : await openPglite();
    try {
      const { people, seedMs } = await seed(db);
      console.log(`[${kind}] ${db.label}: seeded ${SEED_ROWS.toLocaleString('en')} requests in ${(seedMs / 1000).toFixed(1)} s`);
      const dbMs = await measureDb(db, people);
      const jsMs = await measureJs(people);
      console.log(`[${kind}] median of ${BATCHES} flushes of ${BATCH} records: DB ${perRow(dbMs)}, JS ${perRow(jsMs)}`);
    } finally {
      await db.close();
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
