import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Server-side sessions (a JWT's `jti` names its row, so logout and password changes revoke it on
 * every replica), admin invitations (only the token's SHA-256 is stored), the last login an admin
 * sees, and the index the rate-limit purge deletes by (§12).
 */
export class AddSessionsAndInvitations1733310000000 implements MigrationInterface {
  name = 'AddSessionsAndInvitations1733310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN last_login_at timestamptz`);
    await queryRunner.query(`CREATE INDEX idx_users_created_at_id ON users (created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX idx_sessions_user_id ON sessions (user_id)`);
    await queryRunner.query(`CREATE INDEX idx_sessions_expires_at ON sessions (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash char(64) NOT NULL,
        email varchar(320),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_by uuid REFERENCES users(id) ON DELETE SET NULL,
        CONSTRAINT invitations_token_hash_key UNIQUE (token_hash)
      )`);
    await queryRunner.query(`CREATE INDEX idx_invitations_expires_at ON invitations (expires_at)`);
    await queryRunner.query(`CREATE INDEX idx_rate_limit_counters_window_ends_at ON rate_limit_counters (window_ends_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_rate_limit_counters_window_ends_at`);
    await queryRunner.query(`DROP TABLE invitations`);
    await queryRunner.query(`DROP TABLE sessions`);
    await queryRunner.query(`DROP INDEX idx_users_created_at_id`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN last_login_at`);
  }
}
