import { ALL_MIGRATIONS } from '@uniroute/migrations';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestsSql } from '../src/usage/usage-report-sql.js';
import { timeOrderedIds } from '../src/usage/usage-request-id.js';
import { createTestDatabase, DATABASE_KIND, TEST_DATABASE_URL } from './support/test-app.js';

const CheaperUsageRequestWrites = ALL_MIGRATIONS.find((migration) => migration.name === 'CheaperUsageRequestWrites1734000000000')!;

type Query = <T = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<T[]>;

/** The previous release's request list, as a replica not yet upgraded runs it during a rolling upgrade. */
const PREVIOUS_REQUESTS_SQL = `SELECT id, at FROM usage_requests
   WHERE user_id = $1 AND ($3::uuid IS NULL OR (at, seq) < (SELECT at, seq FROM usage_requests WHERE id = $3::uuid AND user_id = $1))
   ORDER BY at DESC, seq DESC LIMIT $2`;

async function pages(query: Query, sql: string, userId: string): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  for (;;) {
    const rows: Array<{ id: string }> = await query(sql, [userId, 4, before]);
    ids.push(...rows.map((row) => row.id));
    if (rows.length < 4) return ids;
    before = rows.at(-1)!.id;
  }
}

/**
 * Migration 1734000000000 on a usage log the previous release wrote (random ids, `seq`, a foreign key to users):
 * every old row keeps its place in the request list, the previous release's statements still work (rolling
 * upgrades), a deleted user's rows go with the user, and `down` brings the old schema back.
 */
describe(`usage log migration 1734000000000 (${DATABASE_KIND})`, () => {
  let query: Query;
  let close: () => Promise<void>;
  const runner = () => ({ query: (text: string, values?: unknown[]) => query(text, values) }) as unknown as QueryRunner;
  let alice: string;
  let bob: string;
  const HOUR = 3_600_000;
  const start = Date.UTC(2026, 0, 5, 10);

  beforeAll(async () => {
    if (TEST_DATABASE_URL) {
      const database = await createTestDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      query = async (text, values) => (await client.query(text, values)).rows;
      close = async () => {
        await client.end();
        await database.drop();
      };
    } else {
      const { PGlite } = await import('@electric-sql/pglite');
      const database = await PGlite.create();
      query = async (text, values) => (await database.query(text, values)).rows as never;
      close = () => database.close();
    }
    for (const Migration of ALL_MIGRATIONS) {
      if (Migration === CheaperUsageRequestWrites) break;
      await new Migration().up(runner());
    }
    [alice, bob] = (await query<{ id: string }>(`INSERT INTO users (email, password_hash) VALUES ('alice@example.com', 'x'), ('bob@example.com', 'x') RETURNING id`)).map((row) => row.id) as [string, string];
    // Ten requests each as the previous release wrote them, three of alice's in one millisecond.
    await query(
      `INSERT INTO usage_requests (at, user_id, endpoint, provider, key_source, key_id, status, latency_ms)
       SELECT to_timestamp(($1::bigint + CASE WHEN g <= 3 THEN 0 ELSE g END * ${HOUR}) / 1000.0), u, 'chat', 'openai', 'server', 'server', 200, 5
         FROM generate_series(1, 10) g, unnest(ARRAY[$2::uuid, $3::uuid]) u`,
      [start, alice, bob],
    );
  });
  afterAll(async () => {
    await close?.();
  });

  it('keeps every old row in the request list, in order, across pages, old and new ids mixed', async () => {
    const before = await pages(query, PREVIOUS_REQUESTS_SQL, alice);
    expect(before).toHaveLength(10);
    await new CheaperUsageRequestWrites().up(runner());
    const after = await pages(query, requestsSql('user_id'), alice);
    expect(new Set(after)).toEqual(new Set(before));
    // Everything but the order inside the shared millisecond is as before.
    expect(after.slice(0, 7)).toEqual(before.slice(0, 7));

    // New rows, as the new writer makes them: time-ordered ids, no seq.
    const times = [start + 20 * HOUR, start + 20 * HOUR, start + 21 * HOUR];
    const ids = timeOrderedIds(times);
    for (const [index, id] of ids.entries()) {
      await query(
        `INSERT INTO usage_requests (id, at, user_id, endpoint, provider, key_source, key_id, status, latency_ms) VALUES ($1, to_timestamp($2::float8 / 1000), $3, 'chat', 'openai', 'server', 'server', 200, 5)`,
        [id, times[index], alice],
      );
    }
    const mixed = await pages(query, requestsSql('user_id'), alice);
    expect(mixed).toHaveLength(13);
    expect(mixed[0]).toBe(ids[2]);
    expect(mixed.slice(3)).toEqual(after);
    // A replica of the previous release lists them too. (New rows have no seq: rows sharing a millisecond may come in
    // any order there, or be skipped at a page's edge, until the rollout ends.)
    expect(new Set(await pages(query, PREVIOUS_REQUESTS_SQL, alice))).toEqual(new Set(mixed));
    // …and still writes: its inserts name neither id nor seq.
    await query(`INSERT INTO usage_requests (at, user_id, endpoint, provider, key_source, key_id, status, latency_ms) VALUES (now(), $1, 'chat', 'openai', 'server', 'server', 200, 5)`, [bob]);
  });

  it("deletes a user's rows, old and new, with the user", async () => {
    await query('DELETE FROM users WHERE id = $1', [bob]);
    expect(await query('SELECT 1 FROM usage_requests WHERE user_id = $1', [bob])).toEqual([]);
    expect(await query<{ n: number }>('SELECT count(*)::int AS n FROM usage_requests WHERE user_id = $1', [alice])).toEqual([{ n: 13 }]);
  });

  it('goes down to the old schema (seq numbered in time order, foreign key back) and up again', async () => {
    await new CheaperUsageRequestWrites().down(runner());
    const rows = await query<{ seq: string }>('SELECT seq FROM usage_requests WHERE user_id = $1 ORDER BY at, seq', [alice]);
    expect(rows.every((row) => row.seq !== null)).toBe(true);
    const numbers = rows.map((row) => Number(row.seq));
    expect(new Set(numbers).size).toBe(13);
    expect(numbers.slice(-3)).toEqual([...numbers.slice(-3)].sort((a, b) => a - b));
    await query(`INSERT INTO usage_requests (at, user_id, endpoint, provider, key_source, key_id, status, latency_ms) VALUES (now(), $1, 'chat', 'openai', 'server', 'server', 200, 5)`, [alice]);
    await expect(query(`INSERT INTO usage_requests (at, user_id, endpoint, provider, key_source, key_id, status, latency_ms) VALUES (now(), gen_random_uuid(), 'chat', 'openai', 'server', 'server', 200, 5)`)).rejects.toThrow(/foreign key/);
    expect(await pages(query, PREVIOUS_REQUESTS_SQL, alice)).toHaveLength(14);
    await new CheaperUsageRequestWrites().up(runner());
    expect(await pages(query, requestsSql('user_id'), alice)).toHaveLength(14);
  });
});
