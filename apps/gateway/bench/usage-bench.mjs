#!/usr/bin/env node
// `pnpm bench:usage`: seeds the usage log (§10) with BENCH_ROWS requests (default 10,000,000) over 90 days, builds
// their hourly rollup as the writer would, and times the statements GET /admin/usage and /admin/usage/requests run
// (imported from the built gateway, so the SQL measured is the SQL served) — on the embedded database (PGlite, in
// process, in a temporary directory) and, when BENCH_DATABASE_URL is set, on PostgreSQL (a fresh database created
// and dropped there). Prints the times and writes them into docs/benchmarks.md (OUTPUT=- to skip).
// Knobs: BENCH_ROWS, BENCH_USERS (1,000), BENCH_DATABASES (pglite,postgres), RUNS (5), OUTPUT.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { openBenchPostgres } from './bench-postgres.mjs';

const GATEWAY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(GATEWAY, '../..');
if (!existsSync(path.join(GATEWAY, 'dist/usage/usage-report-sql.js'))) {
  console.error('bench:usage needs the built gateway: run `pnpm build` first.');
  process.exit(1);
}
const { REPORT_SETTINGS_SQL, reportParams, reportSql, requestsSql } = await import('../dist/usage/usage-report-sql.js');
const { LATENCY_BUCKET_BOUNDS_MS } = await import('../dist/usage/latency-histogram.js');
const { ALL_MIGRATIONS } = await import('@uniroute/migrations');

const env = process.env;
const ROWS = Number(env.BENCH_ROWS ?? 10_000_000);
const USERS = Number(env.BENCH_USERS ?? 1_000);
const RUNS = Number(env.RUNS ?? 5);
const DATABASES = (env.BENCH_DATABASES ?? (env.BENCH_DATABASE_URL ? 'pglite,postgres' : 'pglite')).split(',').filter(Boolean);
const OUTPUT = env.OUTPUT ?? path.join(ROOT, 'docs/benchmarks.md');
const CHUNK = 500_000;
const DAYS = 90;
const HOUR = 3600_000;
const NO_ID = '00000000-0000-0000-0000-000000000000';
const API_KEYS = Array.from({ length: 5 }, () => randomUUID());

/** A query function over either database: `(sql, params) => rows`. */
async function openPglite() {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uniroute-usage-bench-'));
  const db = new PGlite(dir);
  await db.waitReady;
  return {
    label: 'embedded (PGlite)',
    query: async (sql, params = []) => (await db.query(sql, params)).rows,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

async function seed(db, log) {
  await db.query(`SET TIME ZONE 'UTC'`);
  for (const Migration of ALL_MIGRATIONS) await new Migration().up({ query: (sql, params) => db.query(sql, params) });
  await db.query(`INSERT INTO users (email, password_hash) SELECT 'bench' || g || '@example.com', 'x' FROM generate_series(1, $1) g`, [USERS]);
  // Bulk load the usual way: indexes dropped, rows in, indexes rebuilt with the migration's own definitions.
  const indexes = await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('usage_requests', 'usage_rollups', 'usage_daily_rollups') AND indexname NOT LIKE '%_pkey'`);
  for (const index of indexes) await db.query(`DROP INDEX ${index.indexname}`);
  const now = new Date(Math.floor(Date.now() / HOUR) * HOUR).toISOString();
  const load = await timed(async () => {
    for (let start = 0; start < ROWS; start += CHUNK) {
      const end = Math.min(ROWS, start + CHUNK);
      // One user in ten requests is the heavy user (users[1]); the rest spread over the others. Times are spread
      // over 90 days; 3 providers, 2 models each, 5 API keys, 2 key sources, all mixed (the heavy user has all 60
      // combinations every hour: the rollups' worst case); 2 % are 429s without tokens.
      await db.query(
        `WITH people AS (SELECT array_agg(id ORDER BY email) AS ids FROM users)
         INSERT INTO usage_requests (at, user_id, api_key_id, endpoint, provider, model, stream, key_source, key_id, status, latency_ms, ttfb_ms,
                prompt_tokens, completion_tokens, cached_tokens, cost_usd, error_type)
         SELECT $3::timestamptz - ((g::bigint * 7919) % ${DAYS * 86400}) * interval '1 second' - interval '1 second',
                people.ids[CASE WHEN g % 10 = 0 THEN 1 ELSE 2 + (g % ${USERS - 1}) END],
                ($4::uuid[])[1 + (g / 7) % 5],
                'chat',
                (ARRAY['openai', 'anthropic', 'google'])[1 + g % 3],
                (ARRAY['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-latest', 'claude-sonnet-4-5', 'gemini-2.0-flash', 'gemini-2.5-pro'])[1 + (g % 3) * 2 + (g / 3) % 2],
                g % 7 = 0,
                CASE WHEN (g / 11) % 2 = 0 THEN 'user' ELSE 'server' END,
                'server',
                CASE WHEN g % 50 = 0 THEN 429 ELSE 200 END,
                80 + (g * 31) % 3000,
                CASE WHEN g % 7 = 0 THEN 40 + g % 300 END,
                CASE WHEN g % 50 = 0 THEN NULL ELSE 10 + g % 500 END,
                CASE WHEN g % 50 = 0 THEN NULL ELSE 5 + g % 300 END,
                CASE WHEN g % 50 = 0 THEN NULL ELSE 0 END,
                CASE WHEN g % 50 = 0 THEN NULL ELSE (10 + g % 500) * 0.00000015 END,
                CASE WHEN g % 50 = 0 THEN 'rate_limit_exceeded' END
           FROM generate_series($1::bigint, $2::bigint - 1) g, people`,
        [start, end, now, API_KEYS],
      );
      log(`  ${end.toLocaleString('en')} rows`);
    }
  });
  const histogram = `ARRAY[${[...LATENCY_BUCKET_BOUNDS_MS, Infinity]
    .map((upper, index) => {
      const lower = index === 0 ? null : LATENCY_BUCKET_BOUNDS_MS[index - 1];
      const conditions = [lower === null ? null : `latency_ms > ${lower}`, Number.isFinite(upper) ? `latency_ms <= ${upper}` : null].filter(Boolean).join(' AND ');
      return `count(*) FILTER (WHERE ${conditions})`;
    })
    .join(', ')}]::bigint[]`;
  // The rollups the writer maintains at flush time, built here in 10-day slices aligned to UTC midnight (one slice's
  // groups fit in memory, and no day or hour spans two slices).
  const midnight = new Date(Math.floor(Date.parse(now) / (24 * HOUR)) * 24 * HOUR).toISOString();
  const rollup = await timed(async () => {
    for (const [table, unit] of [['usage_rollups', 'hour'], ['usage_daily_rollups', 'day']]) {
      for (let day = -10; day <= DAYS; day += 10) {
        await db.query(
          `INSERT INTO ${table} (user_id, bucket, team_id, api_key_id, provider, model, key_source, requests, errors, prompt_tokens,
                  completion_tokens, cached_tokens, cost_usd, priced_requests, latency_buckets)
           SELECT user_id, date_trunc('${unit}', at), COALESCE(team_id, '${NO_ID}'::uuid), COALESCE(api_key_id, '${NO_ID}'::uuid), provider, COALESCE(model, ''), key_source,
                  count(*), count(*) FILTER (WHERE status >= 400), COALESCE(sum(prompt_tokens), 0), COALESCE(sum(completion_tokens), 0),
                  COALESCE(sum(cached_tokens), 0), COALESCE(sum(cost_usd), 0), count(cost_usd), ${histogram}
             FROM usage_requests
            WHERE at >= $1::timestamptz - make_interval(days => $2 + 10) AND at < $1::timestamptz - make_interval(days => $2)
            GROUP BY 1, 2, 3, 4, 5, 6, 7`,
          [midnight, day],
        );
      }
    }
  });
  const reindex = await timed(async () => {
    for (const index of indexes) await db.query(index.indexdef);
    await db.query('ANALYZE usage_requests');
    await db.query('ANALYZE usage_rollups');
    await db.query('ANALYZE usage_daily_rollups');
  });
  const [{ requests }] = await db.query('SELECT count(*)::bigint AS requests FROM usage_requests');
  const [{ rollups }] = await db.query('SELECT count(*)::bigint AS rollups FROM usage_rollups');
  const [{ daily }] = await db.query('SELECT count(*)::bigint AS daily FROM usage_daily_rollups');
  return { now, loadMs: load.ms, rollupMs: rollup.ms, reindexMs: reindex.ms, requests: Number(requests), rollups: Number(rollups), daily: Number(daily) };
}

async function measure(db, seeded) {
  const [heavy, light] = (await db.query(`SELECT id FROM users ORDER BY email LIMIT 2`)).map((row) => row.id);
  const to = new Date(seeded.now).getTime() + HOUR;
  const from30 = new Date(to - 30 * 24 * HOUR).toISOString();
  const toIso = new Date(to).toISOString();
  const [{ heavyRows }] = await db.query(`SELECT count(*)::bigint AS "heavyRows" FROM usage_requests WHERE user_id = $1 AND at >= $2 AND at < $3`, [heavy, from30, toIso]);
  const cases = [
    ['30 days by day (heavy user)', reportSql('day', 'user_id'), reportParams('day', heavy, new Date(from30), new Date(toIso))],
    ['30 days by hour (heavy user)', reportSql('hour', 'user_id'), reportParams('hour', heavy, new Date(from30), new Date(toIso))],
    ['30 days by provider (heavy user)', reportSql('provider', 'user_id'), reportParams('provider', heavy, new Date(from30), new Date(toIso))],
    ['30 days by model (heavy user)', reportSql('model', 'user_id'), reportParams('model', heavy, new Date(from30), new Date(toIso))],
    ['30 days by API key (heavy user)', reportSql('apiKey', 'user_id'), reportParams('apiKey', heavy, new Date(from30), new Date(toIso))],
    ['30 days by key source (heavy user)', reportSql('keySource', 'user_id'), reportParams('keySource', heavy, new Date(from30), new Date(toIso))],
    ['90 days by day (heavy user)', reportSql('day', 'user_id'), reportParams('day', heavy, new Date(to - 91 * 24 * HOUR), new Date(toIso))],
    ['30 days by day (typical user)', reportSql('day', 'user_id'), reportParams('day', light, new Date(from30), new Date(toIso))],
    ['latest 50 requests (heavy user)', requestsSql('user_id'), [heavy, 51, null]],
  ];
  if (env.BENCH_EXPLAIN) {
    const [, sql, params] = cases[0];
    await db.query('BEGIN');
    await db.query(REPORT_SETTINGS_SQL);
    console.log((await db.query(`EXPLAIN ANALYZE ${sql}`, params)).map((row) => row['QUERY PLAN']).join('\n'));
    await db.query('COMMIT');
  }
  const results = [];
  for (const [name, sql, params] of cases) results.push({ name, ...(await repeat(db, sql, params, sql.includes('usage_rollups'))) });
  // The next page after 10,000 rows: the cursor is an index seek, not an offset. A small BENCH_ROWS leaves the
  // heavy user fewer rows than that, and the case out.
  const [deep] = await db.query(`SELECT id FROM usage_requests WHERE user_id = $1 ORDER BY at DESC, id DESC OFFSET 10000 LIMIT 1`, [heavy]);
  if (deep) results.push({ name: 'a page 10,000 requests back (heavy user)', ...(await repeat(db, requestsSql('user_id'), [heavy, 51, deep.id])) });
  // What the same report would cost without the rollup: the raw log scanned, once.
  const raw = await timed(() =>
    db.query(
      `SELECT date_trunc('day', at) AS key, count(*), count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)
         FROM usage_requests WHERE user_id = $1 AND at >= $2 AND at < $3 GROUP BY 1`,
      [heavy, from30, toIso],
    ),
  );
  return { results, heavyRows: Number(heavyRows), rawMs: raw.ms };
}

/** Times a statement as the API runs it: a report inside its transaction with REPORT_SETTINGS_SQL (all four round trips counted). */
async function repeat(db, sql, params, isReport = false) {
  const run = async () => {
    if (!isReport) return db.query(sql, params);
    await db.query('BEGIN');
    await db.query(REPORT_SETTINGS_SQL);
    const rows = await db.query(sql, params);
    await db.query('COMMIT');
    return rows;
  };
  await run(); // warm the cache once
  const times = [];
  let rows = 0;
  for (let index = 0; index < RUNS; index += 1) {
    const { ms, result } = await timed(run);
    times.push(ms);
    rows = result.length;
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], maxMs: times.at(-1), rows };
}

async function main() {
  const sections = [];
  for (const kind of DATABASES) {
    if (kind === 'postgres' && !env.BENCH_DATABASE_URL) throw new Error('BENCH_DATABASES includes postgres: set BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
    const db = kind === 'postgres' ? await openBenchPostgres(env.BENCH_DATABASE_URL, 'uniroute_usage_bench') : await openPglite();
    const log = (line) => console.log(`[${kind}] ${line}`);
    try {
      log(`seeding ${ROWS.toLocaleString('en')} requests for ${USERS.toLocaleString('en')} users over ${DAYS} days`);
      const seeded = await seed(db, log);
      log(`loaded in ${seconds(seeded.loadMs)}, rollup built in ${seconds(seeded.rollupMs)}, indexes in ${seconds(seeded.reindexMs)}`);
      const measured = await measure(db, seeded);
      const lines = [
        `### ${db.label}`,
        '',
        `${seeded.requests.toLocaleString('en')} requests (${measured.heavyRows.toLocaleString('en')} of them the heavy user's in the last 30 days), ${seeded.rollups.toLocaleString('en')} hourly and ${seeded.daily.toLocaleString('en')} daily rollup rows. Median of ${RUNS} runs after one warm-up.`,
        '',
        '| query | median | max | rows |',
        '|---|---:|---:|---:|',
        ...measured.results.map((result) => `| ${result.name} | ${result.medianMs.toFixed(1)} ms | ${result.maxMs.toFixed(1)} ms | ${result.rows} |`),
        `| for comparison: 30 days by day from the raw log, no rollup (heavy user, once) | ${measured.rawMs.toFixed(0)} ms | | |`,
        '',
      ];
      console.log(`\n${lines.join('\n')}`);
      sections.push(lines.join('\n'));
    } finally {
      await db.close();
    }
  }
  if (OUTPUT === '-') return;
  const heading = '## Usage analytics queries (`pnpm bench:usage`)';
  const body = [
    heading,
    '',
    `Generated by \`pnpm bench:usage\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores shared with other work, ${os.cpus()[0]?.model ?? 'unknown CPU'}). ` +
      'It seeds the request log, builds the hourly rollup the writer maintains, and times the exact statements of `GET /admin/usage` and ' +
      '`GET /admin/usage/requests`. Reports read the rollups (primary key `(user_id, bucket, …)`): a 30-day report reads 30 daily rows and ' +
      'the edge hours per distinct API key, provider, model and key source of the caller, however many requests that was. The heavy user here ' +
      'has 60 such combinations every hour (5 keys × 3 providers × 2 models × 2 key sources). The request list reads ' +
      '`usage_requests` through `(user_id, at DESC, id DESC)` with a keyset cursor.',
    '',
    ...sections,
  ].join('\n');
  const existing = existsSync(OUTPUT) ? readFileSync(OUTPUT, 'utf8') : '';
  const start = existing.indexOf(heading);
  let next = start === -1 ? -1 : existing.indexOf('\n## ', start + heading.length);
  const updated = start === -1 ? `${existing.trimEnd()}\n\n${body}\n` : `${existing.slice(0, start)}${body}\n${next === -1 ? '' : existing.slice(next + 1)}`;
  writeFileSync(OUTPUT, updated);
  console.log(`written to ${path.relative(ROOT, OUTPUT)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
