import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Makes each row of the usage log (§10) cheaper to write; one is written per gateway request. Measured with
 * `pnpm bench:usage-write`.
 *
 * - Request ids are time-ordered UUIDs (version 7, made by the writer from the request's time): new rows go to
 *   the right-hand end of the primary key instead of a random leaf. The random ids of existing rows stay valid.
 *   `seq` (an identity, one sequence call per row) is no longer needed: the request list orders by `(at, id)`.
 *   `seq` loses its sequence and its NOT NULL but stays: replicas of the previous release, still running during a
 *   rolling upgrade (docs/operators.md › Upgrades), select and order by it. A later release drops it.
 * - No foreign key from `usage_requests` to `users`: its check ran once per inserted row. The writer locks the
 *   batch's users (`FOR KEY SHARE`, once per user) and leaves out rows of users that are gone, and a trigger
 *   deletes a user's rows with the user — so, as with `ON DELETE CASCADE`, no row outlives its user. (The trigger
 *   runs in the deleting transaction; under READ COMMITTED, which the gateway uses, it also sees rows a writer
 *   committed while the delete waited for that writer's lock.) The rollups keep their foreign keys: few rows.
 *
 * Two indexes are rebuilt with the table locked: about 1 s per million logged requests on PostgreSQL, 2 s on
 * PGlite. Meanwhile other replicas' usage writes wait (their requests are served; the queue holds USAGE_QUEUE_MAX).
 */
export class CheaperUsageRequestWrites1734000000000 implements MigrationInterface {
  name = 'CheaperUsageRequestWrites1734000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION usage_requests_delete_of_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM usage_requests WHERE user_id = OLD.id;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`CREATE TRIGGER users_delete_usage_requests AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION usage_requests_delete_of_user()`);
    await queryRunner.query(`ALTER TABLE usage_requests DROP CONSTRAINT usage_requests_user_id_fkey`);

    await queryRunner.query(`DROP INDEX idx_usage_requests_user_at`);
    await queryRunner.query(`DROP INDEX idx_usage_requests_team_at`);
    await queryRunner.query(`CREATE INDEX idx_usage_requests_user_at ON usage_requests (user_id, at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX idx_usage_requests_team_at ON usage_requests (team_id, at DESC, id DESC) WHERE team_id IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE usage_requests ALTER COLUMN seq DROP IDENTITY, ALTER COLUMN seq DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Rows written since have no seq: number them after the others, in time order.
    await queryRunner.query(`
      UPDATE usage_requests SET seq = numbered.seq
        FROM (SELECT id, (SELECT COALESCE(max(seq), 0) FROM usage_requests) + row_number() OVER (ORDER BY at, id) AS seq
                FROM usage_requests WHERE seq IS NULL) AS numbered
       WHERE usage_requests.id = numbered.id`);
    await queryRunner.query(`ALTER TABLE usage_requests ALTER COLUMN seq SET NOT NULL, ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY`);
    await queryRunner.query(`SELECT setval(pg_get_serial_sequence('usage_requests', 'seq'), COALESCE(max(seq), 0) + 1, false) FROM usage_requests`);
    await queryRunner.query(`DROP INDEX idx_usage_requests_user_at`);
    await queryRunner.query(`DROP INDEX idx_usage_requests_team_at`);
    await queryRunner.query(`CREATE INDEX idx_usage_requests_user_at ON usage_requests (user_id, at DESC, seq DESC)`);
    await queryRunner.query(`CREATE INDEX idx_usage_requests_team_at ON usage_requests (team_id, at DESC, seq DESC) WHERE team_id IS NOT NULL`);

    await queryRunner.query(`DELETE FROM usage_requests WHERE NOT EXISTS (SELECT 1 FROM users WHERE users.id = usage_requests.user_id)`);
    await queryRunner.query(`ALTER TABLE usage_requests ADD CONSTRAINT usage_requests_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE`);
    await queryRunner.query(`DROP TRIGGER users_delete_usage_requests ON users`);
    await queryRunner.query(`DROP FUNCTION usage_requests_delete_of_user()`);
  }
}
