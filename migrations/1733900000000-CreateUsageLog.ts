import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * §10 usage analytics: the raw request log (one row per gateway request, for `GET /admin/usage/requests`) and
 * hourly and daily rollups maintained at flush time (for `GET /admin/usage`: a 30-day report reads 30 daily rows
 * plus the partial days' hours per distinct key/provider/model/key source, instead of scanning millions of requests).
 *
 * The rollup key uses sentinels instead of NULLs (no team = the nil UUID, no API key = the nil UUID, no model = '')
 * so `ON CONFLICT` works on every PostgreSQL and on PGlite. Latency is kept as a histogram (`latency_buckets`,
 * one count per bucket of `USAGE_LATENCY_BUCKETS_MS`, see usage/latency-histogram.ts) so a group's median is computed
 * from the rollup without the raw rows. `priced_requests` tells "no known price" (cost NULL) apart from "cost 0".
 *
 * Both tables cascade from `users`: a deleted account's usage goes with it. The writer inserts through a join on
 * `users`, so a batch never fails because one user vanished between the request and the flush.
 */
export class CreateUsageLog1733900000000 implements MigrationInterface {
  name = 'CreateUsageLog1733900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE usage_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        team_id uuid,
        api_key_id uuid,
        endpoint varchar(16) NOT NULL,
        provider varchar(16) NOT NULL,
        model varchar(200),
        stream boolean NOT NULL DEFAULT false,
        key_source varchar(16) NOT NULL,
        key_id varchar(64) NOT NULL,
        status smallint NOT NULL,
        latency_ms integer NOT NULL,
        ttfb_ms integer,
        prompt_tokens integer,
        completion_tokens integer,
        cached_tokens integer,
        cost_usd numeric(20, 10),
        error_type varchar(64)
      )`);
    await queryRunner.query(`CREATE INDEX idx_usage_requests_user_at ON usage_requests (user_id, at DESC, seq DESC)`);
    await queryRunner.query(`CREATE INDEX idx_usage_requests_team_at ON usage_requests (team_id, at DESC, seq DESC) WHERE team_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX idx_usage_requests_at ON usage_requests (at)`);

    await queryRunner.query(`
      CREATE TABLE usage_rollups (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        bucket timestamptz NOT NULL,
        team_id uuid NOT NULL,
        api_key_id uuid NOT NULL,
        provider varchar(16) NOT NULL,
        model varchar(200) NOT NULL,
        key_source varchar(16) NOT NULL,
        requests bigint NOT NULL,
        errors bigint NOT NULL,
        prompt_tokens bigint NOT NULL,
        completion_tokens bigint NOT NULL,
        cached_tokens bigint NOT NULL,
        cost_usd numeric(24, 10) NOT NULL,
        priced_requests bigint NOT NULL,
        latency_buckets bigint[] NOT NULL,
        PRIMARY KEY (user_id, bucket, team_id, api_key_id, provider, model, key_source)
      )`);
    await queryRunner.query(`CREATE INDEX idx_usage_rollups_team_bucket ON usage_rollups (team_id, bucket)`);
    // Retention deletes by time alone. BRIN, not a B-tree: rollups arrive in time order, so a few block ranges find
    // the expired ones, and a time-only B-tree tempts the planner into scanning every user's hours for one user's report.
    await queryRunner.query(`CREATE INDEX idx_usage_rollups_bucket ON usage_rollups USING brin (bucket)`);
    // The same figures per UTC day (`bucket` = midnight UTC).
    await queryRunner.query(`CREATE TABLE usage_daily_rollups (LIKE usage_rollups INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await queryRunner.query(`ALTER TABLE usage_daily_rollups ADD PRIMARY KEY (user_id, bucket, team_id, api_key_id, provider, model, key_source)`);
    await queryRunner.query(`ALTER TABLE usage_daily_rollups ADD FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE`);
    await queryRunner.query(`CREATE INDEX idx_usage_daily_rollups_team_bucket ON usage_daily_rollups (team_id, bucket)`);
    await queryRunner.query(`CREATE INDEX idx_usage_daily_rollups_bucket ON usage_daily_rollups USING brin (bucket)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE usage_daily_rollups`);
    await queryRunner.query(`DROP TABLE usage_rollups`);
    await queryRunner.query(`DROP TABLE usage_requests`);
  }
}
